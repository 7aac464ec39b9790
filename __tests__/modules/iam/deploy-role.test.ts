import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformOutput, TerraformVariable, type TerraformStack } from 'cdktf';
import { DeployRole, type DeployRoleProps } from '../../../modules/iam/deploy-role';
import {
  findProviderMirror,
  findTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
  planJson,
} from '../../helpers/terraform';
import { conditionsHold } from '../../helpers/iam-conditions';
import { newStack, onlyResource, synthJson } from '../fixture';

const ACCOUNT = '123456789012';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const CLUSTER = `arn:aws:ecs:ap-northeast-1:${ACCOUNT}:service/dev-ev-pipeline-ecs-cluster`;
const TASK_DEFINITION = `arn:aws:ecs:ap-northeast-1:${ACCOUNT}:task-definition`;

const props: DeployRoleProps = {
  name: 'dev-ev-pipeline-deploy',
  githubOidcProviderArn: PROVIDER,
  githubRepository: 'acme/ev-pipeline',
  githubEnvironments: ['dev'],
  serviceArns: [`${CLUSTER}/data-ingestion`, `${CLUSTER}/data-processing`],
  taskDefinitionFamilyArns: [
    `${TASK_DEFINITION}/dev-ev-pipeline-data-ingestion-service`,
    `${TASK_DEFINITION}/dev-ev-pipeline-data-processing-service`,
  ],
  repositoryArns: [`arn:aws:ecr:ap-northeast-1:${ACCOUNT}:repository/dev-ev-pipeline-data-ingestion-service`],
  passRoleArns: [
    `arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-ingestion-task`,
    `arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-ingestion-task-exec`,
  ],
  revisionTags: { ManagedBy: 'npm-run-deploy', DeployScope: 'dev-ev-pipeline' },
};

/**
 * Whether the policy allows `action` with the request tags `tags` (a
 * RegisterTaskDefinition's `tags`, as IAM sees them: `aws:RequestTag/<key>`)
 * and `extra` context keys: some Allow statement of the action holds and no
 * Deny statement does. Resources are not evaluated (RegisterTaskDefinition
 * has none to scope by).
 */
function allows(policy: any, action: string, tags: Record<string, string>, extra: Record<string, string> = {}): boolean {
  const context = { ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])), ...extra };
  const matching = (effect: string) =>
    policy.Statement.filter((s: any) => s.Effect === effect && s.Action.includes(action)).some((s: any) =>
      conditionsHold(s.Condition ?? {}, context),
    );
  return matching('Allow') && !matching('Deny');
}

/** The role's trust policy and permission policy, parsed, from a stack with one DeployRole of `overrides`. */
function synthesized(overrides: Partial<DeployRoleProps> = {}) {
  const stack = newStack();
  new DeployRole(stack, 'DeployRole', { ...props, ...overrides });
  const json = synthJson(stack);
  return {
    trust: JSON.parse(onlyResource(json, 'aws_iam_role').assume_role_policy),
    policy: JSON.parse(onlyResource(json, 'aws_iam_role_policy').policy),
  };
}

/** The statement `sid` of `policy`. */
function statement(policy: any, sid: string): any {
  return policy.Statement.find((s: any) => s.Sid === sid);
}

describe('DeployRole', () => {
  describe('trust', () => {
    test('only jobs of the repository in the named GitHub environments, through the OIDC provider, for the STS audience', () => {
      const { trust } = synthesized({ githubEnvironments: ['dev', 'prd'] });
      expect(trust.Statement).toEqual([
        {
          Sid: 'GitHubActionsEnvironments',
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': ['repo:acme/ev-pipeline:environment:dev', 'repo:acme/ev-pipeline:environment:prd'],
            },
          },
        },
      ]);
    });

    test('the immutable subject form and a GitHub Enterprise host', () => {
      const { trust } = synthesized({ githubRepository: 'acme@4711/ev-pipeline@815', githubOidcHost: 'ghe.example.com/_services/token' });
      expect(trust.Statement[0].Condition.StringEquals).toEqual({
        'ghe.example.com/_services/token:aud': 'sts.amazonaws.com',
        'ghe.example.com/_services/token:sub': ['repo:acme@4711/ev-pipeline@815:environment:dev'],
      });
    });
  });

  describe('permissions', () => {
    test('describe and list task definitions; register only revisions that carry the revision tags, tagged only on registration, in the given families', () => {
      const { policy } = synthesized();
      expect(statement(policy, 'ReadTaskDefinitions')).toMatchObject({
        Action: ['ecs:DescribeTaskDefinition', 'ecs:ListTaskDefinitions'],
        Resource: ['*'],
      });
      const requestTags = { 'aws:RequestTag/ManagedBy': 'npm-run-deploy', 'aws:RequestTag/DeployScope': 'dev-ev-pipeline' };
      expect(statement(policy, 'RegisterTaggedRevisions')).toEqual({
        Sid: 'RegisterTaggedRevisions',
        Effect: 'Allow',
        Action: ['ecs:RegisterTaskDefinition'],
        Resource: ['*'],
        Condition: { StringEquals: requestTags },
      });
      expect(statement(policy, 'TagRevisionsOnRegistration')).toEqual({
        Sid: 'TagRevisionsOnRegistration',
        Effect: 'Allow',
        Action: ['ecs:TagResource'],
        Resource: [
          `${TASK_DEFINITION}/dev-ev-pipeline-data-ingestion-service:*`,
          `${TASK_DEFINITION}/dev-ev-pipeline-data-processing-service:*`,
        ],
        Condition: { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition', ...requestTags } },
      });
    });

    test('attack: registering a revision without the tags, as the stack (ManagedBy=cdktf), or in another scope is denied', () => {
      const { policy } = synthesized();
      const own = { ManagedBy: 'npm-run-deploy', DeployScope: 'dev-ev-pipeline' };
      expect(allows(policy, 'ecs:RegisterTaskDefinition', own)).toBe(true);
      // A revision of any other family, untagged: what a stolen deploy token would plant.
      expect(allows(policy, 'ecs:RegisterTaskDefinition', {})).toBe(false);
      // A revision that passes for the stack's own, the reference every deployment is checked against.
      expect(allows(policy, 'ecs:RegisterTaskDefinition', { ...own, ManagedBy: 'cdktf' })).toBe(false);
      // A revision in another stack's scope (prd's, say).
      expect(allows(policy, 'ecs:RegisterTaskDefinition', { ...own, DeployScope: 'prd-ev-pipeline-sc' })).toBe(false);
      // Tagging outside a registration (retagging an existing revision).
      expect(allows(policy, 'ecs:TagResource', own)).toBe(false);
      expect(allows(policy, 'ecs:TagResource', own, { 'ecs:CreateAction': 'RegisterTaskDefinition' })).toBe(true);
    });

    test('attack: UpdateService that turns ECS Exec on is denied', () => {
      const { policy } = synthesized();
      expect(statement(policy, 'NoEcsExecThroughUpdateService')).toEqual({
        Sid: 'NoEcsExecThroughUpdateService',
        Effect: 'Deny',
        Action: ['ecs:UpdateService'],
        Resource: props.serviceArns,
        Condition: { Bool: { 'ecs:enable-execute-command': 'true' } },
      });
    });

    test('describe the given services, and update them only to revisions of the given families', () => {
      const { policy } = synthesized();
      expect(statement(policy, 'DescribeServices')).toMatchObject({ Action: ['ecs:DescribeServices'], Resource: props.serviceArns });
      const update = statement(policy, 'UpdateServicesToTheirFamilies');
      expect(update).toMatchObject({ Action: ['ecs:UpdateService'], Resource: props.serviceArns });
      expect(update.Condition).toEqual({
        ArnLike: {
          'ecs:task-definition': [
            `${TASK_DEFINITION}/dev-ev-pipeline-data-ingestion-service:*`,
            `${TASK_DEFINITION}/dev-ev-pipeline-data-processing-service:*`,
          ],
        },
      });
    });

    test('look up images in the given repositories; pass only the given roles, only to ECS tasks', () => {
      const { policy } = synthesized();
      expect(statement(policy, 'DescribeImages')).toMatchObject({ Action: ['ecr:DescribeImages'], Resource: props.repositoryArns });
      expect(statement(policy, 'PassTaskRolesToEcsTasks')).toMatchObject({
        Action: ['iam:PassRole'],
        Resource: props.passRoleArns,
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      });
    });

    test('nothing else: no deregistration, no push unless allowed, no wildcard action', () => {
      const { policy } = synthesized();
      const actions: string[] = policy.Statement.flatMap((s: any) => s.Action);
      expect(actions.sort()).toEqual([
        'ecr:DescribeImages',
        'ecs:DescribeServices',
        'ecs:DescribeTaskDefinition',
        'ecs:ListTaskDefinitions',
        'ecs:RegisterTaskDefinition',
        'ecs:TagResource',
        'ecs:UpdateService',
        'ecs:UpdateService',
        'iam:PassRole',
      ]);
      expect(policy.Statement.filter((s: any) => s.Effect === 'Deny').map((s: any) => s.Sid)).toEqual(['NoEcsExecThroughUpdateService']);
    });

    test('allowImagePush adds the ECR login and the push actions on the given repositories only', () => {
      const { policy } = synthesized({ allowImagePush: true });
      expect(statement(policy, 'EcrLogin')).toMatchObject({ Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] });
      expect(statement(policy, 'PushImages')).toMatchObject({
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:CompleteLayerUpload',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        Resource: props.repositoryArns,
      });
    });
  });

  describe('rejected props', () => {
    test.each<[string, Partial<DeployRoleProps>, RegExp]>([
      [
        'a provider that is no OIDC provider ARN',
        { githubOidcProviderArn: 'token.actions.githubusercontent.com' },
        /'githubOidcProviderArn': 'token.actions.githubusercontent.com' is not an IAM OIDC provider ARN/,
      ],
      ['a repository URL', { githubRepository: 'https://github.com/acme/ev-pipeline' }, /'githubRepository': .* is not owner\/name/],
      ['no environment', { githubEnvironments: [] }, /'githubEnvironments': name at least one GitHub environment/],
      [
        'a wildcard environment',
        { githubEnvironments: ['dev', '*'] },
        /'githubEnvironments\[1\]': '\*' must be an environment's exact name/,
      ],
      ['no service', { serviceArns: [] }, /'serviceArns': give at least one ARN/],
      ['no revision tag', { revisionTags: {} }, /'revisionTags': give at least one tag/],
      ['a reserved tag key', { revisionTags: { 'aws:owner': 'x' } }, /'revisionTags\['aws:owner'\]': 'aws:owner' is not a tag key/],
      [
        'a wildcard tag value',
        { revisionTags: { ManagedBy: 'npm-*' } },
        /'revisionTags\['ManagedBy'\]': 'npm-\*' must be an exact, non-empty value/,
      ],
      [
        'a task definition ARN with its revision',
        { taskDefinitionFamilyArns: [`${TASK_DEFINITION}/dev-ev-pipeline-data-ingestion-service:3`] },
        /'taskDefinitionFamilyArns': .*:3' names a revision; give the family's ARN without it/,
      ],
      [
        'a wildcard role',
        { passRoleArns: [`arn:aws:iam::${ACCOUNT}:role/*`] },
        /'passRoleArns': 'arn:aws:iam::123456789012:role\/\*' has a wildcard/,
      ],
    ])('%s', (_, overrides, message) => {
      const stack = newStack();
      expect(() => new DeployRole(stack, 'DeployRole', { ...props, ...overrides })).toThrow(
        new RegExp(`DeployRole 'test/DeployRole': invalid prop ${message.source}`),
      );
    });

    test('Terraform variables are taken as they are', () => {
      const stack = newStack();
      const provider = new TerraformVariable(stack, 'github_oidc_provider_arn', { type: 'string' });
      const repository = new TerraformVariable(stack, 'github_repository', { type: 'string' });
      new DeployRole(stack, 'DeployRole', {
        ...props,
        githubOidcProviderArn: provider.stringValue,
        githubRepository: repository.stringValue,
      });
      const trust = JSON.parse(onlyResource(synthJson(stack), 'aws_iam_role').assume_role_policy);
      expect(trust.Statement[0].Principal.Federated).toBe('${var.github_oidc_provider_arn}');
      expect(trust.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
        'repo:${var.github_repository}:environment:dev',
      ]);
    });
  });
});

const terraform = findTerraform();
const mirror = findProviderMirror();
if ((terraform === undefined || mirror === undefined) && process.env.REQUIRE_TERRAFORM === '1') {
  throw new Error('DeployRole plan: the terraform CLI or the hashicorp/aws mirror was not found, and REQUIRE_TERRAFORM=1');
}

(terraform && mirror ? describe : describe.skip)('DeployRole, planned by Terraform offline', () => {
  let outDir: string;
  afterAll(() => outDir && rmSync(outDir, { recursive: true, force: true }));

  test('trust and permission policies render to valid JSON, the variables filled in', () => {
    // GIVEN a stack whose provider ARN and repository are Terraform variables
    const stack: TerraformStack = newStack();
    const provider = new TerraformVariable(stack, 'github_oidc_provider_arn', { type: 'string', default: PROVIDER });
    const repository = new TerraformVariable(stack, 'github_repository', { type: 'string', default: 'acme/ev-pipeline' });
    const role = new DeployRole(stack, 'DeployRole', {
      ...props,
      githubOidcProviderArn: provider.stringValue,
      githubRepository: repository.stringValue,
    });
    new TerraformOutput(stack, 'deploy_role_arn', { value: role.roleArn });
    outDir = tempDir('deploy-role-');
    const stackDir = join(Testing.fullSynth(stack), 'stacks', 'test');
    const cliConfig = writeMirrorCliConfig(outDir, mirror!);
    writeOfflineProviderOverride(stackDir);
    const tf = (...args: string[]) => {
      const result = runTerraform(terraform!, cliConfig, stackDir, args);
      if (result.status !== 0) throw new Error(`terraform ${args[0]} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
      return result;
    };

    // WHEN
    tf('init', '-input=false');
    const plan = planJson(tf);

    // THEN
    const after = (type: string) => plan.resource_changes.find((change: any) => change.type === type).change.after;
    const trust = JSON.parse(after('aws_iam_role').assume_role_policy);
    expect(trust.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:acme/ev-pipeline:environment:dev',
    ]);
    const policy = JSON.parse(after('aws_iam_role_policy').policy);
    const families = [
      `${TASK_DEFINITION}/dev-ev-pipeline-data-ingestion-service:*`,
      `${TASK_DEFINITION}/dev-ev-pipeline-data-processing-service:*`,
    ];
    expect(statement(policy, 'TagRevisionsOnRegistration').Resource).toEqual(families);
    expect(statement(policy, 'UpdateServicesToTheirFamilies').Condition.ArnLike['ecs:task-definition']).toEqual(families);
    expect(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).toContain('aws_iam_role_policy');
  }, 180_000);
});
