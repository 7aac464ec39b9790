import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { EcsServiceServiceConnectConfigurationServiceTls } from '@cdktf/provider-aws/lib/ecs-service';
import { renderJsonDocument } from '../core/json-document';
import { InvalidPropError, requireNonEmptyString } from '../core/prop-error';
import type { IRole } from '../iam/role';

/**
 * The AWS managed policy of the ECS infrastructure role for Service Connect
 * TLS: lets ECS issue certificates from AWS Private CA and keep them in
 * Secrets Manager on the services' behalf.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity.html
 */
export const SERVICE_CONNECT_TLS_MANAGED_POLICY = 'service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity';

/** ECS assumes an infrastructure role (Amazon ECS Developer Guide, "Amazon ECS infrastructure IAM role"). */
const ECS_TRUST_POLICY = renderJsonDocument({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

const PCA_ARN = /^arn:[^:]+:acm-pca:[^:]+:\d{12}:certificate-authority\/[0-9a-f-]+$/;
const KMS_KEY_ARN = /^arn:[^:]+:kms:[^:]+:\d{12}:(key|alias)\/.+$/;

/**
 * TLS between Service Connect proxies, with certificates from AWS Private
 * CA. Service Connect encrypts traffic into a server that has TLS; it has no
 * mutual TLS (the client presents no certificate).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html
 */
export interface ServiceConnectTlsOptions {
  /** ARN of the AWS Private CA that issues the server's certificates (`arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>`). */
  readonly certificateAuthorityArn: string;
  /** ARN of the KMS key that encrypts the certificates' private keys in Secrets Manager. @default a key AWS owns */
  readonly kmsKeyArn?: string;
  /** The ECS infrastructure role; an existing one must have the policy {@link SERVICE_CONNECT_TLS_MANAGED_POLICY}. @default a new {@link ServiceConnectTlsRole} */
  readonly role?: IRole;
}

export interface ServiceConnectTlsRoleProps {
  /** Name of the role. */
  readonly name: string;
  /** Partition of the managed policy's ARN. @default 'aws' */
  readonly partition?: string;
}

/** The ECS infrastructure role of Service Connect TLS: trusted by ECS, with the AWS managed policy for it. */
export class ServiceConnectTlsRole extends Construct implements IRole {
  /** The role's ARN. */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ServiceConnectTlsRoleProps) {
    super(scope, id);
    requireNonEmptyString(this, 'name', props.name);
    const role = new IamRole(this, 'Resource', { name: props.name, assumeRolePolicy: ECS_TRUST_POLICY });
    new IamRolePolicyAttachment(this, 'ManagedPolicy', {
      role: role.name,
      policyArn: `arn:${props.partition ?? 'aws'}:iam::aws:policy/${SERVICE_CONNECT_TLS_MANAGED_POLICY}`,
    });
    this.roleArn = role.arn;
  }
}

/**
 * Checks `options` (named `prop` in errors) and renders the `tls` block of a Service Connect service with the role `roleArn`.
 * @internal
 */
export function renderServiceConnectTls(
  owner: string,
  prop: string,
  options: ServiceConnectTlsOptions,
  roleArn: string,
): EcsServiceServiceConnectConfigurationServiceTls {
  requireArn(
    owner,
    `${prop}.certificateAuthorityArn`,
    options.certificateAuthorityArn,
    PCA_ARN,
    'arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>',
  );
  if (options.kmsKeyArn !== undefined) {
    requireArn(owner, `${prop}.kmsKeyArn`, options.kmsKeyArn, KMS_KEY_ARN, 'arn:aws:kms:<region>:<account>:key/<id>');
  }
  return {
    issuerCertAuthority: { awsPcaAuthorityArn: options.certificateAuthorityArn },
    ...(options.kmsKeyArn !== undefined ? { kmsKey: options.kmsKeyArn } : {}),
    roleArn,
  };
}

function requireArn(owner: string, prop: string, value: unknown, shape: RegExp, example: string): void {
  requireNonEmptyString(owner, prop, value);
  if (!Token.isUnresolved(value) && !shape.test(value as string)) {
    throw new InvalidPropError(owner, prop, `must look like ${example}, got '${String(value)}' (string)`);
  }
}
