import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import type { Duration } from '../core/duration';
import { describeValue, InvalidPropError } from '../core/prop-error';
import { scalingQueueName, type IArnSuffixSource, type ScalingQueue } from './metric-source';
import { queueBacklogPerTaskMetric, type BacklogConsumers } from './queue-backlog-metric';

/** The signal a policy tracks; one policy per signal and service. */
export enum ScalingMetric {
  /** Average CPU utilisation of the service's tasks (`ECSServiceAverageCPUUtilization`). */
  CPU_UTILIZATION = 'cpu-utilization',
  /** Average memory utilisation of the service's tasks (`ECSServiceAverageMemoryUtilization`). */
  MEMORY_UTILIZATION = 'memory-utilization',
  /** Requests per minute per registered target of an Application Load Balancer target group (`ALBRequestCountPerTarget`). */
  REQUEST_COUNT_PER_TARGET = 'request-count-per-target',
  /** Messages of a queue (waiting or in flight) per running task, by metric math. */
  QUEUE_BACKLOG_PER_TASK = 'queue-backlog-per-task',
}

/** What every policy may set. */
export interface ScalingPolicyOptions {
  /** Never remove tasks on this policy's signal: the policy only adds them, another policy removes them. @default false */
  readonly disableScaleIn?: boolean;
  /** Wait after a scale-in before the next scale-in (whole seconds, 0-3600 s). @default the spec's `scaleInCooldown` */
  readonly scaleInCooldown?: Duration;
  /** Wait after a scale-out before the next scale-out (whole seconds, 0-3600 s). @default the spec's `scaleOutCooldown` */
  readonly scaleOutCooldown?: Duration;
}

/** A policy on the average CPU or memory utilisation of the service's tasks. */
export interface UtilizationPolicyOptions extends ScalingPolicyOptions {
  /** Average utilisation the scaler keeps the service at, in percent (1-100). */
  readonly targetPercent: number;
}

/** A policy on the requests an Application Load Balancer sends each task. */
export interface RequestCountPolicyOptions extends ScalingPolicyOptions {
  /** The Application Load Balancer (an `Lb` resource or data source, or a construct with its `arnSuffix`: `app/<name>/<id>`). */
  readonly loadBalancer: IArnSuffixSource;
  /** The target group the service's tasks register in (`arnSuffix`: `targetgroup/<name>/<id>`). */
  readonly targetGroup: IArnSuffixSource;
  /** Requests per task per minute the scaler keeps the service at (1-1,000,000): about 60 × the req/s one task serves at the wanted latency. */
  readonly requestsPerTask: number;
}

/** A policy on a queue's backlog per running task of the service that drains it. */
export interface QueueBacklogPolicyOptions extends ScalingPolicyOptions {
  /** The queue the service drains. */
  readonly queue: ScalingQueue;
  /**
   * Messages (waiting + in flight) per running task the scaler keeps the
   * service at (1-1,000,000): the latency you accept for a message ÷ the
   * time one task takes per message, e.g. 60 s ÷ 0.05 s = 1200.
   */
  readonly backlogPerTask: number;
}

/** The ECS service a policy is rendered for. */
export type ScaledService = BacklogConsumers;

/** A construct a policy reads metrics of, with the option that names it. */
export interface PolicyMetricSource {
  /** The option, relative to the policy (`queue`, `targetGroup`). */
  readonly option: string;
  /** The construct. */
  readonly construct: IConstruct;
}

/** The metric specification of a target-tracking configuration. */
type MetricSpecification = Pick<
  AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
  'predefinedMetricSpecification' | 'customizedMetricSpecification'
>;

/** The target of a policy, as its option names it, with the values it may take. */
interface PolicyTarget {
  readonly option: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
}

/** An ARN suffix CloudWatch accepts for an Application Load Balancer. */
const LOAD_BALANCER_SUFFIX = /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
/** An ARN suffix CloudWatch accepts for a target group. */
const TARGET_GROUP_SUFFIX = /^targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;

/**
 * A target-tracking policy of an ECS service: a signal and the value the
 * scaler keeps it at, adding tasks when the signal is above and removing
 * them when it is well below. Made by the static factories.
 */
export class ScalingPolicy {
  /** Keep the tasks' average CPU utilisation at `targetPercent`. */
  public static cpuUtilization(options: UtilizationPolicyOptions): ScalingPolicy {
    return new ScalingPolicy(
      ScalingMetric.CPU_UTILIZATION,
      { option: 'targetPercent', value: options.targetPercent, min: 1, max: 100 },
      options,
      [],
      () => ({
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    );
  }

  /** Keep the tasks' average memory utilisation at `targetPercent` (for services whose memory grows with load). */
  public static memoryUtilization(options: UtilizationPolicyOptions): ScalingPolicy {
    return new ScalingPolicy(
      ScalingMetric.MEMORY_UTILIZATION,
      { option: 'targetPercent', value: options.targetPercent, min: 1, max: 100 },
      options,
      [],
      () => ({ predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageMemoryUtilization' } }),
    );
  }

  /**
   * Keep the requests per minute the load balancer sends each registered
   * target of `targetGroup` at `requestsPerTask`
   * (`ALBRequestCountPerTarget`, resource label
   * `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`).
   */
  public static requestCountPerTarget(options: RequestCountPolicyOptions): ScalingPolicy {
    return new ScalingPolicy(
      ScalingMetric.REQUEST_COUNT_PER_TARGET,
      { option: 'requestsPerTask', value: options.requestsPerTask, min: 1, max: 1_000_000 },
      options,
      [
        { option: 'loadBalancer', construct: options.loadBalancer },
        { option: 'targetGroup', construct: options.targetGroup },
      ],
      () => ({
        predefinedMetricSpecification: {
          predefinedMetricType: 'ALBRequestCountPerTarget',
          resourceLabel: `${options.loadBalancer.arnSuffix}/${options.targetGroup.arnSuffix}`,
        },
      }),
    );
  }

  /**
   * Keep the queue's messages, waiting plus in flight, per running task of
   * the service at `backlogPerTask` (metric math, see
   * {@link queueBacklogPerTaskMetric}). Counting the messages in flight
   * means a scale-in never leaves fewer tasks than the work already
   * received needs; the cluster must publish Container Insights.
   */
  public static queueBacklogPerTask(options: QueueBacklogPolicyOptions): ScalingPolicy {
    return new ScalingPolicy(
      ScalingMetric.QUEUE_BACKLOG_PER_TASK,
      { option: 'backlogPerTask', value: options.backlogPerTask, min: 1, max: 1_000_000 },
      options,
      [{ option: 'queue', construct: options.queue }],
      (service) => ({ customizedMetricSpecification: queueBacklogPerTaskMetric(scalingQueueName(options.queue), service) }),
    );
  }

  private constructor(
    /** The signal the policy tracks. */
    public readonly metric: ScalingMetric,
    private readonly target: PolicyTarget,
    /** Scale-in and cooldown options of this policy. */
    public readonly options: ScalingPolicyOptions,
    /** The constructs whose metrics the policy reads (they must be in the scaled service's stack). */
    public readonly sources: readonly PolicyMetricSource[],
    private readonly renderMetric: (service: ScaledService) => MetricSpecification,
  ) {}

  /** The value the scaler keeps the signal at. */
  public get targetValue(): number {
    return this.target.value;
  }

  /**
   * Throws unless the target is in range and every ARN suffix that is
   * already known has the form CloudWatch names it by; `prop` is the policy
   * as the caller wrote it (`scaling.policies[0]`).
   */
  public check(owner: IConstruct | string, prop: string): void {
    const { option, value, min, max } = this.target;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidPropError(owner, `${prop}.${option}`, `must be a number from ${min} to ${max}, got ${describeValue(value)}`);
    }
    const disableScaleIn: unknown = this.options.disableScaleIn;
    if (disableScaleIn !== undefined && typeof disableScaleIn !== 'boolean') {
      throw new InvalidPropError(owner, `${prop}.disableScaleIn`, `must be true or false, got ${describeValue(disableScaleIn)}`);
    }
    for (const { option: sourceOption, construct } of this.sources) {
      const shape =
        sourceOption === 'loadBalancer' ? LOAD_BALANCER_SUFFIX : sourceOption === 'targetGroup' ? TARGET_GROUP_SUFFIX : undefined;
      if (shape === undefined) continue;
      const suffix = (construct as IArnSuffixSource).arnSuffix;
      if (typeof suffix !== 'string' || (!Token.isUnresolved(suffix) && !shape.test(suffix))) {
        const form = sourceOption === 'loadBalancer' ? 'app/<name>/<16 hex digits>' : 'targetgroup/<name>/<16 hex digits>';
        throw new InvalidPropError(
          owner,
          `${prop}.${sourceOption}.arnSuffix`,
          `must be an Application Load Balancer ARN suffix of the form ${form}, got ${describeValue(suffix)}`,
        );
      }
      const type: unknown = (construct as { loadBalancerTypeInput?: unknown }).loadBalancerTypeInput;
      if (sourceOption === 'loadBalancer' && typeof type === 'string' && type !== 'application') {
        throw new InvalidPropError(
          owner,
          `${prop}.loadBalancer`,
          `is a '${type}' load balancer; ALBRequestCountPerTarget exists only for an 'application' load balancer`,
        );
      }
    }
  }

  /** The metric specification of this policy's target-tracking configuration for `service`. */
  public renderMetricSpecification(service: ScaledService): MetricSpecification {
    return this.renderMetric(service);
  }
}
