import type { IConstruct } from 'constructs';
import { describeValue, InvalidPropError } from '../core/prop-error';
import type { TaskSize } from '../ecs/task-size';

/**
 * The most one service may use when it runs its largest number of tasks: a
 * stated ceiling on what autoscaling can spend, checked at synth time
 * against `maxTasks` × the task size.
 */
export interface ScalingBudget {
  /** vCPU of all the service's tasks together at `maxTasks` (1 vCPU = 1024 CPU units; a positive number). */
  readonly maxVcpu: number;
  /** Memory of all the service's tasks together at `maxTasks`, in GiB (a positive number). */
  readonly maxMemoryGiB: number;
}

/** What a service uses at a number of tasks. */
export interface ScalingFootprint {
  /** vCPU of all tasks (CPU units ÷ 1024). */
  readonly vcpu: number;
  /** Memory of all tasks, in GiB (MiB ÷ 1024). */
  readonly memoryGiB: number;
}

/** The vCPU and memory `tasks` tasks of `size` use. */
export function scalingFootprint(tasks: number, size: TaskSize): ScalingFootprint {
  return { vcpu: (tasks * size.cpu) / 1024, memoryGiB: (tasks * size.memory) / 1024 };
}

/**
 * Throws unless `budget` holds two positive numbers and `maxTasks` tasks of
 * `size` fit in it; `prop` is the scaling spec as the caller wrote it
 * (`scaling`, `spec.scaling`).
 */
export function requireWithinBudget(
  owner: IConstruct | string,
  prop: string,
  maxTasks: number,
  size: TaskSize,
  budget: ScalingBudget,
): void {
  if (budget === undefined || budget === null || typeof budget !== 'object') {
    throw new InvalidPropError(owner, `${prop}.budget`, `must be { maxVcpu, maxMemoryGiB }, got ${describeValue(budget)}`);
  }
  for (const key of ['maxVcpu', 'maxMemoryGiB'] as const) {
    const value: unknown = budget[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new InvalidPropError(owner, `${prop}.budget.${key}`, `must be a positive number, got ${describeValue(value)}`);
    }
  }
  const footprint = scalingFootprint(maxTasks, size);
  const task = `${size.cpu} CPU units / ${size.memory} MiB`;
  if (footprint.vcpu > budget.maxVcpu) {
    throw new InvalidPropError(
      owner,
      `${prop}.maxTasks`,
      `${maxTasks} tasks of ${task} need ${footprint.vcpu} vCPU, over the budget's maxVcpu of ${budget.maxVcpu}; ` +
        `allowed: at most ${Math.floor((budget.maxVcpu * 1024) / size.cpu)} tasks, or a larger budget`,
    );
  }
  if (footprint.memoryGiB > budget.maxMemoryGiB) {
    throw new InvalidPropError(
      owner,
      `${prop}.maxTasks`,
      `${maxTasks} tasks of ${task} need ${footprint.memoryGiB} GiB, over the budget's maxMemoryGiB of ${budget.maxMemoryGiB}; ` +
        `allowed: at most ${Math.floor((budget.maxMemoryGiB * 1024) / size.memory)} tasks, or a larger budget`,
    );
  }
}
