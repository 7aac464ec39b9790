import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InvalidPropError } from '../core/prop-error';
import { githubOidcTrustPolicy } from './github-oidc-trust';
import { renderPolicyDocument, type PolicyStatement } from './policy-statement';

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
   * jobs that passed the environment's protection rules get in. Name
   * environments of the application pipeline only (`application-prd`), not
   * ones the infrastructure pipeline's jobs also run in, else those jobs
   * could deploy, and this role's jobs could assume the apply role.
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
  /**
   * Tags every revision the role registers must carry (`aws:RequestTag/<key>`
   * equal to the value): RegisterTaskDefinition supports no resource-level
   * permission, so these tags are what keeps the role's revisions apart from
   * others. Give a tag whose value the stack's own revisions do not carry
   * (the stack's `ManagedBy=cdktf` against `ManagedBy=npm-run-deploy`), so
   * that a revision the role registered can never pass for one the stack
   * registered.
   */
  readonly revisionTags: Readonly<Record<string, string>>;
  /** Also let the role push images to `repositoryArns` (the delivery pipeline builds and deploys in one job). @default false */
  readonly allowImagePush?: boolean;
}

/**
 * The role a delivery pipeline (GitHub Actions, through the account's OIDC
 * provider) assumes to deploy app images: register task definition revisions
 * that carry `revisionTags` (tagged at registration, in the given families
 * only), update and describe the given services (to those families only,
 * never turning ECS Exec on), look up images in the given repositories, pass
 * only the given task and execution roles to ECS tasks. It cannot
 * deregister revisions, retag or untag them, change other services, or
 * create anything else.
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
    const role = new IamRole(this, 'Resource', {
      name: props.name,
      description: `Deploys app images from GitHub Actions (${props.githubRepository}, environments ${props.githubEnvironments.join(', ')})`,
      assumeRolePolicy: githubOidcTrustPolicy({
        providerArn: props.githubOidcProviderArn,
        repository: props.githubRepository,
        environments: props.githubEnvironments,
        ...(props.githubOidcHost === undefined ? {} : { host: props.githubOidcHost }),
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
  const requestTags = Object.fromEntries(Object.entries(props.revisionTags).map(([key, value]) => [`aws:RequestTag/${key}`, value]));
  const statements: PolicyStatement[] = [
    // DescribeTaskDefinition and ListTaskDefinitions support no resource-level permissions.
    { sid: 'ReadTaskDefinitions', actions: ['ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions'], resources: ['*'] },
    // RegisterTaskDefinition supports no resource-level permission either: only revisions with the role's tags.
    {
      sid: 'RegisterTaggedRevisions',
      actions: ['ecs:RegisterTaskDefinition'],
      resources: ['*'],
      conditions: { StringEquals: requestTags },
    },
    // Registering with tags needs ecs:TagResource; allowed only as part of RegisterTaskDefinition, only in the families, only these tags.
    {
      sid: 'TagRevisionsOnRegistration',
      actions: ['ecs:TagResource'],
      resources: familyArns,
      conditions: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition', ...requestTags } },
    },
    { sid: 'DescribeServices', actions: ['ecs:DescribeServices'], resources: [...props.serviceArns] },
    {
      sid: 'UpdateServicesToTheirFamilies',
      actions: ['ecs:UpdateService'],
      resources: [...props.serviceArns],
      conditions: { ArnLike: { 'ecs:task-definition': familyArns } },
    },
    // A deployment changes the revision; a shell into the tasks is not part of it.
    {
      sid: 'NoEcsExecThroughUpdateService',
      effect: 'Deny',
      actions: ['ecs:UpdateService'],
      resources: [...props.serviceArns],
      conditions: { Bool: { 'ecs:enable-execute-command': 'true' } },
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
  const tagKeys = Object.keys(props.revisionTags);
  if (tagKeys.length === 0) {
    throw new InvalidPropError(
      owner,
      'revisionTags',
      'give at least one tag: without one, the role could register revisions in any task definition family',
    );
  }
  for (const [key, value] of Object.entries(props.revisionTags)) {
    if (known(key) && (key === '' || key.startsWith('aws:') || /[*?]/.test(key))) {
      throw new InvalidPropError(
        owner,
        `revisionTags['${key}']`,
        `'${key}' is not a tag key the role can require (empty, 'aws:' or a wildcard)`,
      );
    }
    if (known(value) && (value === '' || /[*?]/.test(value))) {
      throw new InvalidPropError(owner, `revisionTags['${key}']`, `'${value}' must be an exact, non-empty value (no wildcards)`);
    }
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
