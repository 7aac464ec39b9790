import { Construct } from 'constructs';
import { Annotations, TerraformStack } from 'cdktf';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { InvalidPropError, requireNonEmptyString } from '../core/prop-error';
import { Cluster, type ICluster } from '../ecs/cluster';
import type { TaskSize } from '../ecs/task-size';
import { ScalerOwnsDesiredCountValidation } from './scaler-owns-desired-count';
import { ScalingMetric } from './scaling-policy';
import { requireServiceScalingSpec } from './service-scaling-check';
import { DEFAULT_SCALE_IN_COOLDOWN, DEFAULT_SCALE_OUT_COOLDOWN, type ServiceScalingSpec } from './service-scaling-spec';

export interface ServiceScalingProps {
  /** The cluster the service runs in. */
  readonly cluster: ICluster;
  /** Name of the ECS service (e.g. `FargateService.serviceName`). */
  readonly serviceName: string;
  /** CPU units and memory of one task of the service, for the budget check. */
  readonly taskSize: TaskSize;
  /** The task-count range, policies, cooldowns and budget. */
  readonly scaling: ServiceScalingSpec;
}

/**
 * Application Auto Scaling for one ECS service: a scalable target
 * (`service/<cluster>/<service>`, `ecs:service:DesiredCount`, from
 * `minTasks` to `maxTasks`) and one target-tracking policy per
 * {@link ScalingPolicy}, named `<service>-<signal>`.
 *
 * Checked at construction: the spec (see {@link requireServiceScalingSpec})
 * and that every queue and load balancer a policy reads is in this stack.
 * Checked at synth: an ECS service of this name in the stack leaves
 * `desired_count` to the scaler. A backlog policy on a cluster not created
 * by {@link Cluster} warns that `RunningTaskCount` needs Container Insights.
 */
export class ServiceScaling extends Construct {
  /** The scalable target's resource ID, `service/<cluster>/<service>`. */
  public readonly resourceId: string;
  /** Fewest tasks the scaler leaves running. */
  public readonly minTasks: number;
  /** Most tasks the scaler starts. */
  public readonly maxTasks: number;
  /** The `aws_appautoscaling_target` resource. */
  public readonly target: AppautoscalingTarget;
  /** The `aws_appautoscaling_policy` resources, in the order of the spec's policies. */
  public readonly policies: readonly AppautoscalingPolicy[];

  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    const { scaling, cluster, serviceName } = props;
    requireNonEmptyString(this, 'serviceName', serviceName);
    requireServiceScalingSpec(this, 'scaling', scaling, props.taskSize);
    const stack = TerraformStack.of(this);
    scaling.policies.forEach((policy, index) => {
      for (const { option, construct } of policy.sources) {
        let sourceStack: TerraformStack | undefined;
        try {
          sourceStack = TerraformStack.of(construct);
        } catch {
          sourceStack = undefined;
        }
        if (sourceStack !== stack) {
          throw new InvalidPropError(
            this,
            `scaling.policies[${index}].${option}`,
            `'${construct.node.path}' is ${sourceStack ? `in stack '${sourceStack.node.path}'` : 'in no stack'}, not in this stack ` +
              `'${stack.node.path}'; allowed: a construct of this stack (for a resource managed elsewhere, a data source here)`,
          );
        }
      }
    });
    if (!(cluster instanceof Cluster) && scaling.policies.some((policy) => policy.metric === ScalingMetric.QUEUE_BACKLOG_PER_TASK)) {
      Annotations.of(this).addWarning(
        `ServiceScaling '${this.node.path}': the backlog-per-task policy divides by RunningTaskCount (ECS/ContainerInsights); ` +
          `make sure Container Insights is on for the cluster '${cluster.node.path}', or the policy has no data and never scales`,
      );
    }

    const target = new AppautoscalingTarget(this, 'Target', {
      serviceNamespace: 'ecs',
      resourceId: `service/${cluster.clusterName}/${serviceName}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: scaling.minTasks,
      maxCapacity: scaling.maxTasks,
    });
    const scaleInCooldown = scaling.scaleInCooldown ?? DEFAULT_SCALE_IN_COOLDOWN;
    const scaleOutCooldown = scaling.scaleOutCooldown ?? DEFAULT_SCALE_OUT_COOLDOWN;
    this.policies = scaling.policies.map(
      (policy) =>
        new AppautoscalingPolicy(this, `Policy-${policy.metric}`, {
          name: `${serviceName}-${policy.metric}`,
          policyType: 'TargetTrackingScaling',
          serviceNamespace: target.serviceNamespace,
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: policy.targetValue,
            disableScaleIn: policy.options.disableScaleIn ?? false,
            scaleInCooldown: (policy.options.scaleInCooldown ?? scaleInCooldown).toMilliseconds() / 1_000,
            scaleOutCooldown: (policy.options.scaleOutCooldown ?? scaleOutCooldown).toMilliseconds() / 1_000,
            ...policy.renderMetricSpecification({ clusterName: cluster.clusterName, serviceName }),
          },
        }),
    );
    this.node.addValidation(new ScalerOwnsDesiredCountValidation(this, serviceName));
    this.target = target;
    this.resourceId = target.resourceId;
    this.minTasks = scaling.minTasks;
    this.maxTasks = scaling.maxTasks;
  }
}
