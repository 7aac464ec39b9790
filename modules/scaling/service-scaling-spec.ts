import { Duration } from '../core/duration';
import type { ScalingBudget } from './scaling-budget';
import type { ScalingPolicy } from './scaling-policy';

/**
 * How a service scales, independent of the data plane: the range of its
 * task count, the target-tracking policies that move it, the cooldowns, and
 * the budget its largest size must fit. {@link ServiceScaling} renders it
 * for one ECS service.
 */
export interface ServiceScalingSpec {
  /** Fewest tasks the scaler leaves running (1-5000); start the ECS service with this many. */
  readonly minTasks: number;
  /** Most tasks the scaler starts (1-5000, at least `minTasks`); `maxTasks` × the task size must fit `budget`. */
  readonly maxTasks: number;
  /** The target-tracking policies (at least one, at most one per {@link ScalingMetric}). The scaler adds tasks when any policy asks for more, and removes them only when every policy that may scale in agrees. */
  readonly policies: readonly ScalingPolicy[];
  /** The most vCPU and memory the service may use at `maxTasks`. */
  readonly budget: ScalingBudget;
  /** Wait after a scale-in before the next scale-in (whole seconds, 0-3600 s). @default DEFAULT_SCALE_IN_COOLDOWN (300 s) */
  readonly scaleInCooldown?: Duration;
  /** Wait after a scale-out before the next scale-out (whole seconds, 0-3600 s). @default DEFAULT_SCALE_OUT_COOLDOWN (60 s) */
  readonly scaleOutCooldown?: Duration;
}

/** Scale-in cooldown when none is given: removing tasks slowly keeps a brief dip from costing a scale-out minutes later. */
export const DEFAULT_SCALE_IN_COOLDOWN = Duration.seconds(300);

/** Scale-out cooldown when none is given: long enough for new tasks to start and report, short enough to follow a ramp. */
export const DEFAULT_SCALE_OUT_COOLDOWN = Duration.seconds(60);

/** The most tasks one ECS service may run (the ECS quota "tasks per service"). */
export const MAX_TASKS_PER_SERVICE = 5_000;
