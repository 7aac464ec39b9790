/**
 * What the stacks run and who may run it: every sidecar image at an exact
 * release or digest (never a tag that moves, such as `latest`); every role
 * ECS tasks assume trusts ECS tasks of the stack's own account and region
 * only; every task definition carries the tags the deploy command checks.
 */
import { Testing } from 'cdktf';
import { STRICT_RETRY_BUDGET_CONTEXT } from '@ev-pipeline/cdktf-mesh-constructs';
import { DataPipelineStack } from '../../pipeline/data-pipeline-stack';
import { ENVIRONMENTS } from '../../pipeline/environments';
import { ServiceConnectPipelineStack } from '../../pipeline/service-connect-stack';

/** `repository@sha256:<64 hex>`, or a tag that names one release: v1.29.6.0-prod, 3.7.0, v0.45.1. */
const PINNED = /(@sha256:[0-9a-f]{64}|:v?\d+(\.\d+){2,3}(-[a-z]+)?)$/;

const STACKS = {
  'App Mesh': () => JSON.parse(Testing.synth(new DataPipelineStack(Testing.app(), 'ev-pipeline-dev', { config: ENVIRONMENTS.dev }))),
  'Service Connect': () => {
    const app = Testing.app({ context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } });
    return JSON.parse(Testing.synth(new ServiceConnectPipelineStack(app, 'ev-pipeline-dev-service-connect', { config: ENVIRONMENTS.dev })));
  },
};

describe.each(Object.entries(STACKS))('%s stack', (_, synth) => {
  const json = synth();
  const taskDefinitions = Object.values<any>(json.resource.aws_ecs_task_definition);

  test('every sidecar image is pinned to a release or a digest; the app images are the repository at var.app_version', () => {
    const images = taskDefinitions.flatMap((definition) => JSON.parse(definition.container_definitions).map((c: any) => String(c.image)));
    const sidecars = images.filter((image) => !image.includes('${var.app_version}'));
    expect(images.length - sidecars.length).toBe(2);
    expect(sidecars.length).toBeGreaterThan(0);
    for (const image of sidecars) expect(image).toMatch(PINNED);
    for (const image of sidecars) expect(image).not.toMatch(/:latest$/);
  });

  test('every role ECS tasks assume trusts ECS tasks of the stack account and region only', () => {
    // The values are Terraform expressions inside the JSON (Terraform renders them; the module tests plan it).
    const ecsTrusts = Object.values<any>(json.resource.aws_iam_role)
      .map((role) => String(role.assume_role_policy))
      .filter((trust) => trust.includes('"Service":"ecs-tasks.amazonaws.com"'));
    expect(ecsTrusts).toHaveLength(4);
    for (const trust of ecsTrusts) {
      expect(trust).toMatch(/"StringEquals":\{"aws:SourceAccount":"\$\{element\(split\(":", [^)]+\), 4\)\}"\}/);
      expect(trust).toMatch(
        /"ArnLike":\{"aws:SourceArn":"arn:\$\{element\(.+?, 1\)\}:ecs:\$\{element\(.+?, 3\)\}:\$\{element\(.+?, 4\)\}:\*"\}/,
      );
    }
  });

  test("the provider tags everything, task definitions included, ManagedBy=cdktf and the stack's DeployScope", () => {
    const [provider] = json.provider.aws;
    expect(provider.default_tags[0].tags).toMatchObject({
      ManagedBy: 'cdktf',
      DeployScope: expect.stringMatching(/^dev-\$\{var\.project\}/),
    });
    const deployRole = Object.values<any>(json.resource.aws_iam_role_policy).find((policy) => policy.name === 'deploy-app-images');
    const register = JSON.parse(deployRole.policy).Statement.find((s: any) => s.Sid === 'RegisterTaggedRevisions');
    expect(register.Condition.StringEquals).toEqual({
      'aws:RequestTag/ManagedBy': 'npm-run-deploy',
      'aws:RequestTag/DeployScope': provider.default_tags[0].tags.DeployScope,
    });
  });
});
