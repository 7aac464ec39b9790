import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { renderJsonDocument } from '../core/json-document';
import { InvalidPropError } from '../core/prop-error';
import { renderPolicyDocument, type PolicyStatement } from './policy-statement';

/** The issuer host of GitHub.com's OIDC tokens: the prefix of its condition keys. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience configure-aws-credentials asks GitHub to put in the token. */
const STS_AUDIENCE = 'sts.amazonaws.com';
/** `owner/name`, or the immutable form `owner@<org id>/name@<repository id>`. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+(?:@\d+)?\/[A-Za-z0-9_.-]+(?:@\d+)?$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/;

export interface DeployRoleProps {
  /** Name of the role. */
  readonly name: string;
  /** ARN of the account's IAM OIDC identity provider for GitHub Actions (`token.actions.githubusercontent.com`). */
  readonly githubOidcProviderArn: string;
  /**
   * The repository whose workflows may assume the role, as its OIDC `sub`
   * claim names it: `owner/name`, or `owner@<org id>/name@<repository id>`
   * for repositories that emit immutable subject claims (created on
   * github.com from 15 July 2026 on, or opted in).
   */
  readonly githubRepository: string;
  /**
   * GitHub environments whose jobs may assume the role: the `sub` claim must
   * be exactly `repo:<githubRepository>:environment:<environment>`, so only
   * jobs that passed the environment's protection rules get in.
   */
  readonly githubEnvironments: readonly string[];
  /** Issuer host of the OIDC tokens (GitHub Enterprise Server has its own). @default GITHUB_OIDC_HOST */
  readonly githubOidcHost?: string;
  /** ARNs of the ECS services the role may describe and update. */
  readonly serviceArns: readonly string[];
  /**
   * ARNs of the task definition families the role may register revisions of
   * and move the services to: task definition ARNs without the revision
   * (`arn_without_revision` of `aws_ecs_task_definition`).
   */
  readonly taskDefinitionFamilyArns: readonly string[];
  /** ARNs of the ECR repositories whose images the role may look up. */
  readonly repositoryArns: readonly string[];
  /** ARNs of the roles the task definitions name (task and execution roles): the only roles the role may pass, and only to ECS tasks. */
  readonly passRoleArns: readonly string[];
  /** Also let the role push images to `repositoryArns` (the delivery pipeline builds and deploys in one job). @default false */
  readonly allowImagePush?: boolean;
}

/**
 * The role a delivery pipeline (GitHub Actions, through the account's OIDC
 * provider) assumes to deploy app images: register task definition revisions
 * of the given families, update and describe the given services (to those
 * families only), look up images in the given repositories, pass only the
 * given task and execution roles to ECS tasks. It cannot deregister
 * revisions, change other services, or create anything else.
 */
export class DeployRole extends Construct {
  /** The role's ARN: `role-to-assume` of aws-actions/configure-aws-credentials. */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: DeployRoleProps) {
    super(scope, id);
    const owner = `DeployRole '${this.node.path}'`;
    validate(owner, props);
    const host = props.githubOidcHost ?? GITHUB_OIDC_HOST;
    const role = new IamRole(this, 'Resource', {
      name: props.name,
      description: `Deploys app images from GitHub Actions (${props.githubRepository}, environments ${props.githubEnvironments.join(', ')})`,
      assumeRolePolicy: renderJsonDocument({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'GitHubActionsEnvironments',
            Effect: 'Allow',
            Principal: { Federated: props.githubOidcProviderArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${host}:aud`]: STS_AUDIENCE,
                [`${host}:sub`]: props.githubEnvironments.map((environment) => `repo:${props.githubRepository}:environment:${environment}`),
              },
            },
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'Policy', {
      name: 'deploy-app-images',
      role: role.id,
      policy: renderPolicyDocument(owner, deployStatements(props)),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}

/** The permissions of the deploy command (and, when allowed, of an image push). */
function deployStatements(props: DeployRoleProps): PolicyStatement[] {
  const familyArns = props.taskDefinitionFamilyArns.map((arn) => `${arn}:*`);
  const statements: PolicyStatement[] = [
    // RegisterTaskDefinition and DescribeTaskDefinition support no resource-level permissions.
    { sid: 'TaskDefinitions', actions: ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'], resources: ['*'] },
    // Registering with tags needs ecs:TagResource; allowed only as part of RegisterTaskDefinition, only in the families.
    {
      sid: 'TagRevisionsOnRegistration',
      actions: ['ecs:TagResource'],
      resources: familyArns,
      conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } },
    },
    { sid: 'DescribeServices', actions: ['ecs:DescribeServices'], resources: [...props.serviceArns] },
    {
      sid: 'UpdateServicesToTheirFamilies',
      actions: ['ecs:UpdateService'],
      resources: [...props.serviceArns],
      conditions: { ArnLike: { 'ecs:task-definition': familyArns } },
    },
    { sid: 'DescribeImages', actions: ['ecr:DescribeImages'], resources: [...props.repositoryArns] },
    {
      sid: 'PassTaskRolesToEcsTasks',
      actions: ['iam:PassRole'],
      resources: [...props.passRoleArns],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
  ];
  if (props.allowImagePush) {
    statements.push(
      // GetAuthorizationToken supports no resource-level permissions.
      { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      {
        sid: 'PushImages',
        actions: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:CompleteLayerUpload',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        resources: [...props.repositoryArns],
      },
    );
  }
  return statements;
}

function validate(owner: string, props: DeployRoleProps): void {
  const known = (value: string) => !Token.isUnresolved(value);
  if (known(props.githubOidcProviderArn) && !OIDC_PROVIDER_ARN.test(props.githubOidcProviderArn)) {
    throw new InvalidPropError(
      owner,
      'githubOidcProviderArn',
      `'${props.githubOidcProviderArn}' is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>)`,
    );
  }
  if (known(props.githubRepository) && !GITHUB_REPOSITORY.test(props.githubRepository)) {
    throw new InvalidPropError(
      owner,
      'githubRepository',
      `'${props.githubRepository}' is not owner/name (or owner@<org id>/name@<repository id>)`,
    );
  }
  if (props.githubEnvironments.length === 0) {
    throw new InvalidPropError(
      owner,
      'githubEnvironments',
      'name at least one GitHub environment: without one, no job could assume the role',
    );
  }
  for (const [index, environment] of props.githubEnvironments.entries()) {
    if (known(environment) && (environment === '' || /[*?:]/.test(environment))) {
      throw new InvalidPropError(
        owner,
        `githubEnvironments[${index}]`,
        `'${environment}' must be an environment's exact name (no wildcards or ':')`,
      );
    }
  }
  for (const prop of ['serviceArns', 'taskDefinitionFamilyArns', 'repositoryArns', 'passRoleArns'] as const) {
    if (props[prop].length === 0) throw new InvalidPropError(owner, prop, 'give at least one ARN; the role grants nothing on "*"');
    const wildcard = props[prop].find((arn) => known(arn) && arn.includes('*'));
    if (wildcard !== undefined) throw new InvalidPropError(owner, prop, `'${wildcard}' has a wildcard; name each resource`);
  }
  const withRevision = props.taskDefinitionFamilyArns.find((arn) => known(arn) && /:\d+$/.test(arn));
  if (withRevision !== undefined) {
    throw new InvalidPropError(
      owner,
      'taskDefinitionFamilyArns',
      `'${withRevision}' names a revision; give the family's ARN without it (arn_without_revision)`,
    );
  }
}
