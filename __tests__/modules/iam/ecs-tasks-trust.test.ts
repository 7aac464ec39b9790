/**
 * The trust of the roles ECS tasks assume (task execution role, App Mesh
 * task role, app task role): only ECS acting for a task of the roles' own
 * account and region. The attack: ECS acting for another account's task
 * (the confused deputy) asks to assume the role.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { AppTaskRole } from '../../../modules/iam/app-task-role';
import { TaskExecutionRole } from '../../../modules/iam/task-execution-role';
import { TaskRole } from '../../../modules/iam/task-role';
import { conditionsHold } from '../../helpers/iam-conditions';
import {
  findProviderMirror,
  findTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
  planJson,
} from '../../helpers/terraform';
import { newStack, resources, synthJson } from '../fixture';

const ACCOUNT = '111122223333';
const LOG_GROUP = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs/orders`;
const VIRTUAL_NODE = `arn:aws:appmesh:eu-west-1:${ACCOUNT}:mesh/m/virtualNode/orders`;

function stackWithRoles() {
  const stack = newStack();
  new TaskExecutionRole(stack, 'ExecutionRole', { name: 'orders-task-exec', repositoryArns: [], logGroupArn: LOG_GROUP });
  new TaskRole(stack, 'MeshTaskRole', { name: 'orders-mesh-task', virtualNodeArns: [VIRTUAL_NODE] });
  new AppTaskRole(stack, 'AppTaskRole', { name: 'orders-task', accountArn: LOG_GROUP });
  return stack;
}

describe('ECS task roles trust ECS tasks of their own account and region only', () => {
  test('each trust reads partition, region and account off an ARN of the account (Terraform renders the values)', () => {
    const roles = resources(synthJson(stackWithRoles()), 'aws_iam_role');
    expect(roles).toHaveLength(3);
    const account = (arn: string) => `\${element(split(":", "${arn}"), 4)}`;
    const part = (arn: string, index: number) => `\${element(split(":", "${arn}"), ${index})}`;
    for (const [role, arn] of roles.map((r: any, index: number) => [r, index === 2 ? VIRTUAL_NODE : LOG_GROUP] as const)) {
      const trust = String(role.assume_role_policy);
      expect(trust).toContain('"Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"');
      expect(trust).toContain(`"StringEquals":{"aws:SourceAccount":"${account(arn)}"}`);
      expect(trust).toContain(`"ArnLike":{"aws:SourceArn":"arn:${part(arn, 1)}:ecs:${part(arn, 3)}:${account(arn)}:*"}`);
    }
  });

  test('a TaskRole without a virtual node is refused', () => {
    expect(() => new TaskRole(newStack(), 'Role', { name: 'x', virtualNodeArns: [] })).toThrow(
      /TaskRole 'test\/Role': invalid prop 'virtualNodeArns': give the ARN of at least one virtual node/,
    );
  });
});

const terraform = findTerraform();
const mirror = findProviderMirror();
if ((terraform === undefined || mirror === undefined) && process.env.REQUIRE_TERRAFORM === '1') {
  throw new Error('ECS task role trust plan: the terraform CLI or the hashicorp/aws mirror was not found, and REQUIRE_TERRAFORM=1');
}

(terraform && mirror ? describe : describe.skip)('ECS task role trust, planned by Terraform offline', () => {
  let outDir: string;
  afterAll(() => outDir && rmSync(outDir, { recursive: true, force: true }));

  test('attack: ECS assuming a role for a task of another account is refused; for a task of the account, allowed', () => {
    // GIVEN the three roles, their trust rendered by Terraform
    outDir = tempDir('ecs-tasks-trust-');
    const stackDir = join(Testing.fullSynth(stackWithRoles()), 'stacks', 'test');
    const cliConfig = writeMirrorCliConfig(outDir, mirror!);
    writeOfflineProviderOverride(stackDir);
    const tf = (...args: string[]) => {
      const result = runTerraform(terraform!, cliConfig, stackDir, args);
      if (result.status !== 0) throw new Error(`terraform ${args[0]} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
      return result;
    };
    tf('init', '-input=false');
    const plan = planJson(tf);
    const trusts = (plan.resource_changes as any[])
      .filter((change) => change.type === 'aws_iam_role')
      .map((change) => JSON.parse(change.change.after.assume_role_policy).Statement[0]);
    expect(trusts).toHaveLength(3);

    for (const trust of trusts) {
      expect(trust.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:ecs:eu-west-1:${ACCOUNT}:*` },
      });
      // WHEN ECS asks on behalf of a task of the account, of another account, of another region
      const own = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:ecs:eu-west-1:${ACCOUNT}:task/orders/0a1b2c` };
      const other = { 'aws:SourceAccount': '444455556666', 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:444455556666:task/evil/9f8e7d' };
      const otherRegion = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:ecs:us-east-1:${ACCOUNT}:task/orders/0a1b2c` };
      // THEN
      expect(conditionsHold(trust.Condition, own)).toBe(true);
      expect(conditionsHold(trust.Condition, other)).toBe(false);
      expect(conditionsHold(trust.Condition, otherRegion)).toBe(false);
      expect(conditionsHold(trust.Condition, {})).toBe(false);
    }
  }, 180_000);
});
