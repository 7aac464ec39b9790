import { Construct } from 'constructs';
import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { DataAwsSqsQueue } from '@cdktf/provider-aws/lib/data-aws-sqs-queue';
import { Duration } from '../../../modules/core/duration';
import { Cluster } from '../../../modules/ecs/cluster';
import { ExternallyManaged } from '../../../modules/ecs/fargate-service';
import { BACKLOG_PER_TASK_EXPRESSION } from '../../../modules/scaling/queue-backlog-metric';
import { ScalingPolicy } from '../../../modules/scaling/scaling-policy';
import { refOf, resources, synthJson } from '../fixture';
import { scale, scalingStack, spec } from './scaling-fixture';

Testing.setupJest();

/** A construct that names an existing load balancer or target group by its ARN suffix. */
class ExistingLoadBalancing extends Construct {
  constructor(
    scope: Construct,
    id: string,
    public readonly arnSuffix: string,
  ) {
    super(scope, id);
  }
}

/** The policy of `json` whose name ends with `-<metric>`. */
function policyNamed(json: any, metric: string): any {
  const policy = resources(json, 'aws_appautoscaling_policy').find((p) => p.name.endsWith(`-${metric}`));
  if (policy === undefined) throw new Error(`no policy for ${metric}`);
  return policy;
}

function warningsOf(construct: { node: { findAll(): { node: { metadata: { type: string; data: unknown }[] } }[] } }): unknown[] {
  return construct.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data));
}

describe('ServiceScaling of an ECS service on CPU', () => {
  test('one scalable target: the service of the cluster, its desired count, from minTasks to maxTasks', () => {
    const fixture = scalingStack();
    scale(fixture, spec());
    expect(Testing.synth(fixture.stack)).toHaveResourceWithProperties(AppautoscalingTarget, {
      service_namespace: 'ecs',
      resource_id: `service/${refOf(fixture.cluster, 'name')}/${refOf(fixture.service, 'name')}`,
      scalable_dimension: 'ecs:service:DesiredCount',
      min_capacity: 2,
      max_capacity: 10,
    });
  });

  test('a target-tracking policy on ECSServiceAverageCPUUtilization, attached to the target, with the default cooldowns', () => {
    const fixture = scalingStack();
    const scaling = scale(fixture, spec());
    const json = synthJson(fixture.stack);
    const target = `aws_appautoscaling_target.${fixture.stack.getLogicalId(scaling.target)}`;
    expect(resources(json, 'aws_appautoscaling_policy')).toEqual([
      {
        name: `${refOf(fixture.service, 'name')}-cpu-utilization`,
        policy_type: 'TargetTrackingScaling',
        service_namespace: `\${${target}.service_namespace}`,
        resource_id: `\${${target}.resource_id}`,
        scalable_dimension: `\${${target}.scalable_dimension}`,
        target_tracking_scaling_policy_configuration: {
          target_value: 60,
          disable_scale_in: false,
          scale_in_cooldown: 300,
          scale_out_cooldown: 60,
          predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
        },
      },
    ]);
  });

  test("the spec's cooldowns apply to every policy, and a policy's own cooldowns and disableScaleIn override them", () => {
    const fixture = scalingStack();
    scale(
      fixture,
      spec({
        scaleInCooldown: Duration.seconds(600),
        scaleOutCooldown: Duration.seconds(30),
        policies: [
          ScalingPolicy.cpuUtilization({ targetPercent: 70 }),
          ScalingPolicy.memoryUtilization({ targetPercent: 80, disableScaleIn: true, scaleOutCooldown: Duration.seconds(120) }),
        ],
      }),
    );
    const json = synthJson(fixture.stack);
    expect(policyNamed(json, 'cpu-utilization').target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 70,
      disable_scale_in: false,
      scale_in_cooldown: 600,
      scale_out_cooldown: 30,
    });
    expect(policyNamed(json, 'memory-utilization').target_tracking_scaling_policy_configuration).toEqual({
      target_value: 80,
      disable_scale_in: true,
      scale_in_cooldown: 600,
      scale_out_cooldown: 120,
      predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' },
    });
  });
});

describe('ServiceScaling of a service behind an Application Load Balancer', () => {
  test('tracks ALBRequestCountPerTarget with the resource label app/<lb>/<id>/targetgroup/<tg>/<id> from the ARN suffixes', () => {
    const fixture = scalingStack();
    const { loadBalancer, targetGroup } = fixture;
    scale(fixture, spec({ policies: [ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup, requestsPerTask: 6_000 })] }));
    const configuration = policyNamed(synthJson(fixture.stack), 'request-count-per-target').target_tracking_scaling_policy_configuration;
    expect(configuration).toMatchObject({
      target_value: 6_000,
      predefined_metric_specification: {
        predefined_metric_type: 'ALBRequestCountPerTarget',
        resource_label:
          `\${aws_lb.${fixture.stack.getLogicalId(loadBalancer)}.arn_suffix}/` +
          `\${aws_lb_target_group.${fixture.stack.getLogicalId(targetGroup)}.arn_suffix}`,
      },
    });
  });

  test('accepts ARN suffixes given as literals of the form CloudWatch uses', () => {
    const fixture = scalingStack();
    const literal = (id: string, arnSuffix: string) => new ExistingLoadBalancing(fixture.stack, id, arnSuffix);
    scale(
      fixture,
      spec({
        policies: [
          ScalingPolicy.requestCountPerTarget({
            loadBalancer: literal('LiteralLb', 'app/front/0123456789abcdef'),
            targetGroup: literal('LiteralTg', 'targetgroup/ingestion/fedcba9876543210'),
            requestsPerTask: 1_000,
          }),
        ],
      }),
    );
    expect(
      policyNamed(synthJson(fixture.stack), 'request-count-per-target').target_tracking_scaling_policy_configuration
        .predefined_metric_specification.resource_label,
    ).toBe('app/front/0123456789abcdef/targetgroup/ingestion/fedcba9876543210');
  });
});

describe('ServiceScaling of a service that drains a queue', () => {
  test('tracks (visible + in flight) ÷ running tasks by metric math, the divisor kept at least one', () => {
    const fixture = scalingStack();
    scale(fixture, spec({ policies: [ScalingPolicy.queueBacklogPerTask({ queue: fixture.queue, backlogPerTask: 1_200 })] }));
    const configuration = policyNamed(synthJson(fixture.stack), 'queue-backlog-per-task').target_tracking_scaling_policy_configuration;
    const queueName = refOf(fixture.queue, 'name');
    expect(configuration).toEqual({
      target_value: 1_200,
      disable_scale_in: false,
      scale_in_cooldown: 300,
      scale_out_cooldown: 60,
      customized_metric_specification: {
        metrics: [
          {
            id: 'visible',
            label: 'Messages waiting in the queue',
            return_data: false,
            metric_stat: {
              metric: {
                namespace: 'AWS/SQS',
                metric_name: 'ApproximateNumberOfMessagesVisible',
                dimensions: [{ name: 'QueueName', value: queueName }],
              },
              stat: 'Average',
            },
          },
          {
            id: 'in_flight',
            label: 'Messages received and not yet deleted',
            return_data: false,
            metric_stat: {
              metric: {
                namespace: 'AWS/SQS',
                metric_name: 'ApproximateNumberOfMessagesNotVisible',
                dimensions: [{ name: 'QueueName', value: queueName }],
              },
              stat: 'Average',
            },
          },
          {
            id: 'tasks',
            label: 'Running tasks of the consuming service',
            return_data: false,
            metric_stat: {
              metric: {
                namespace: 'ECS/ContainerInsights',
                metric_name: 'RunningTaskCount',
                dimensions: [
                  { name: 'ClusterName', value: refOf(fixture.cluster, 'name') },
                  { name: 'ServiceName', value: refOf(fixture.service, 'name') },
                ],
              },
              stat: 'Average',
            },
          },
          { id: 'backlog_per_task', label: 'Queue backlog per running task', expression: BACKLOG_PER_TASK_EXPRESSION, return_data: true },
        ],
      },
    });
    expect(BACKLOG_PER_TASK_EXPRESSION).toBe('(visible + in_flight) / IF(tasks < 1, 1, tasks)');
  });

  test('reads a queue this configuration does not manage through an aws_sqs_queue data source', () => {
    const fixture = scalingStack();
    const existing = new DataAwsSqsQueue(fixture.stack, 'Existing', { name: 'orders' });
    scale(fixture, spec({ policies: [ScalingPolicy.queueBacklogPerTask({ queue: existing, backlogPerTask: 100 })] }));
    const metrics = policyNamed(synthJson(fixture.stack), 'queue-backlog-per-task').target_tracking_scaling_policy_configuration
      .customized_metric_specification.metrics;
    expect(metrics[0].metric_stat.metric.dimensions).toEqual([
      { name: 'QueueName', value: `\${data.aws_sqs_queue.${fixture.stack.getLogicalId(existing)}.name}` },
    ]);
  });

  test('on a cluster created here (Container Insights on) synthesizes with its validations and no warning', () => {
    const fixture = scalingStack();
    scale(fixture, spec({ policies: [ScalingPolicy.queueBacklogPerTask({ queue: fixture.queue, backlogPerTask: 100 })] }));
    expect(() => synthJson(fixture.stack, true)).not.toThrow();
    expect(warningsOf(fixture.stack)).toEqual([]);
  });

  test('on an imported cluster warns that RunningTaskCount needs Container Insights', () => {
    const fixture = scalingStack();
    const imported = Cluster.fromClusterArn(fixture.stack, 'Imported', 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/legacy');
    scale(fixture, spec({ policies: [ScalingPolicy.queueBacklogPerTask({ queue: fixture.queue, backlogPerTask: 100 })] }), {
      cluster: imported,
    });
    expect(warningsOf(fixture.stack)).toEqual([
      expect.stringMatching(/RunningTaskCount \(ECS\/ContainerInsights\).*Container Insights is on/),
    ]);
  });

  test('on an imported cluster with CPU only, no warning (CPU utilisation needs no Container Insights)', () => {
    const fixture = scalingStack();
    const imported = Cluster.fromClusterArn(fixture.stack, 'Imported', 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/legacy');
    scale(fixture, spec(), { cluster: imported });
    expect(warningsOf(fixture.stack)).toEqual([]);
  });
});

describe('the desired count stays under the scaler', () => {
  test("passes when the ECS service ignores desired_count (FargateService's default)", () => {
    const fixture = scalingStack();
    scale(fixture, spec());
    expect(() => synthJson(fixture.stack, true)).not.toThrow();
  });

  test('fails at synth when the ECS service lets Terraform own desired_count', () => {
    const fixture = scalingStack({ externallyManaged: [ExternallyManaged.TASK_DEFINITION] });
    scale(fixture, spec());
    expect(() => synthJson(fixture.stack, true)).toThrow(
      /ServiceScaling 'test\/Scaling': the ECS service 'test\/Processing\/Resource' lets Terraform own desired_count.*ExternallyManaged\.DESIRED_COUNT/,
    );
  });

  test('finds the ECS service by its literal name too', () => {
    const fixture = scalingStack({ externallyManaged: [] });
    scale(fixture, spec(), { serviceName: 'data-processing' });
    expect(() => synthJson(fixture.stack, true)).toThrow(/lets Terraform own desired_count/);
  });

  test('does not judge a service of another name', () => {
    const fixture = scalingStack({ externallyManaged: [] });
    scale(fixture, spec(), { serviceName: 'billing' });
    expect(() => synthJson(fixture.stack, true)).not.toThrow();
  });

  test('accepts ignore_changes = all', () => {
    const fixture = scalingStack({ externallyManaged: [] });
    fixture.service.resource.lifecycle = { ignoreChanges: 'all' };
    scale(fixture, spec());
    expect(() => synthJson(fixture.stack, true)).not.toThrow();
  });
});

describe('ServiceScaling with several policies', () => {
  test('one policy per signal, each named after the service and its signal', () => {
    const fixture = scalingStack();
    const { loadBalancer, targetGroup, queue } = fixture;
    const scaling = scale(
      fixture,
      spec({
        policies: [
          ScalingPolicy.cpuUtilization({ targetPercent: 60 }),
          ScalingPolicy.requestCountPerTarget({ loadBalancer, targetGroup, requestsPerTask: 3_000 }),
          ScalingPolicy.queueBacklogPerTask({ queue, backlogPerTask: 500 }),
        ],
      }),
    );
    expect(scaling.policies).toHaveLength(3);
    const names = resources(synthJson(fixture.stack), 'aws_appautoscaling_policy').map((p) => p.name);
    const service = refOf(fixture.service, 'name');
    expect(names.sort()).toEqual(
      [`${service}-cpu-utilization`, `${service}-request-count-per-target`, `${service}-queue-backlog-per-task`].sort(),
    );
    expect(scaling.minTasks).toBe(2);
    expect(scaling.maxTasks).toBe(10);
  });
});
