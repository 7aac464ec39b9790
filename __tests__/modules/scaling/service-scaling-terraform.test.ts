import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { Cluster } from '../../../modules/ecs/cluster';
import { AppTaskRole } from '../../../modules/iam/app-task-role';
import { ScalingPolicy } from '../../../modules/scaling/scaling-policy';
import { taskScaleInProtectionStatements } from '../../../modules/scaling/task-scale-in-protection-statements';
import {
  expectTerraformSuccess,
  expectTerraformValid,
  offlineTerraform,
  runTerraform,
  tempDir,
  writeMirrorCliConfig,
  writeOfflineProviderOverride,
  planJson,
} from '../../helpers/terraform';
import { scale, scalingStack, spec } from './scaling-fixture';

/** An ARN of the tasks' account and region, for the task roles' trust. */
const LOG_GROUP_ARN = 'arn:aws:logs:ap-northeast-1:111122223333:log-group:/ecs/processing';

const offline = offlineTerraform('a stack with a scaled ECS service');

(offline ? describe : describe.skip)(
  'a queue, an ECS service that drains it, a load balancer and ServiceScaling, with Terraform offline',
  () => {
    let dir: string;
    let cliConfig: string;
    const tf = (...args: string[]) => runTerraform(offline!.terraform, cliConfig, dir, args);

    beforeAll(() => {
      // GIVEN the stack synthesized with its validations
      const fixture = scalingStack();
      const { loadBalancer, targetGroup, queue } = fixture;
      scale(
        fixture,
        spec({
          minTasks: 2,
          maxTasks: 16,
          policies: [
            ScalingPolicy.cpuUtilization({ targetPercent: 60 }),
            ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup, requestsPerTask: 6_000 }),
            ScalingPolicy.queueBacklogPerTask({ queue, backlogPerTask: 1_200 }),
          ],
        }),
      );
      const legacy = Cluster.fromClusterArn(fixture.stack, 'Legacy', 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/legacy');
      new AppTaskRole(fixture.stack, 'ProcessingTaskRole', {
        name: 'processing-task',
        accountArn: LOG_GROUP_ARN,
        statements: taskScaleInProtectionStatements(fixture.cluster),
      });
      new AppTaskRole(fixture.stack, 'LegacyTaskRole', {
        name: 'legacy-task',
        accountArn: LOG_GROUP_ARN,
        statements: taskScaleInProtectionStatements(legacy),
      });
      dir = tempDir('ev-pipeline-scaling-tf-');
      writeFileSync(join(dir, 'main.tf.json'), Testing.synth(fixture.stack, true));
      writeOfflineProviderOverride(dir);
      cliConfig = writeMirrorCliConfig(dir, offline!.mirror);
      expectTerraformSuccess(tf('init', '-input=false'));
    }, 180_000);

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("terraform validate accepts the scalable target, the three policies and the task role's protection grant", () => {
      expectTerraformValid(tf);
    });

    test('terraform plan creates one target and three target-tracking policies (the backlog one by metric math) and evaluates the protection grant', () => {
      // WHEN
      const changes: any[] = planJson(tf).resource_changes;
      // THEN
      const targets = changes.filter((c) => c.type === 'aws_appautoscaling_target');
      expect(targets.map((c) => c.change.after)).toEqual([
        expect.objectContaining({
          service_namespace: 'ecs',
          scalable_dimension: 'ecs:service:DesiredCount',
          min_capacity: 2,
          max_capacity: 16,
        }),
      ]);
      const policies = changes.filter((c) => c.type === 'aws_appautoscaling_policy').map((c) => c.change);
      expect(policies).toHaveLength(3);
      expect(policies.every((p) => p.actions.join() === 'create' && p.after.policy_type === 'TargetTrackingScaling')).toBe(true);
      const backlog = policies
        .map((p) => p.after.target_tracking_scaling_policy_configuration[0])
        .find((c) => c.customized_metric_specification.length === 1);
      // `metrics` is a set in the provider's schema: Terraform orders it by content.
      const metrics = new Map<string, any>(backlog.customized_metric_specification[0].metrics.map((m: any) => [m.id, m]));
      expect([...metrics.keys()].sort()).toEqual(['backlog_per_task', 'in_flight', 'tasks', 'visible']);
      expect(metrics.get('backlog_per_task')).toMatchObject({
        expression: '(visible + in_flight) / IF(tasks < 1, 1, tasks)',
        return_data: true,
      });
      expect(metrics.get('visible').metric_stat[0].metric[0].dimensions).toEqual([{ name: 'QueueName', value: 'dev-ev-retry' }]);
      expect(metrics.get('tasks').metric_stat[0].metric[0].dimensions).toEqual([
        { name: 'ClusterName', value: 'fleet' },
        { name: 'ServiceName', value: 'data-processing' },
      ]);
      // Terraform evaluates the replace() in the protection grant: known at plan for an imported cluster's ARN.
      const rolePolicies = changes.filter((c) => c.type === 'aws_iam_role_policy').map((c) => c.change);
      expect(rolePolicies).toHaveLength(2);
      const known = rolePolicies.find((change) => typeof change.after.policy === 'string');
      expect(JSON.parse(known.after.policy).Statement[0].Resource).toEqual(['arn:aws:ecs:ap-northeast-1:111122223333:task/legacy/*']);
    });
  },
);
