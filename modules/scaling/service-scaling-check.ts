import type { IConstruct } from 'constructs';
import { Duration } from '../core/duration';
import { describeValue, InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import { requireFargateSize } from '../ecs/fargate-sizes';
import type { TaskSize } from '../ecs/task-size';
import { requireWithinBudget } from './scaling-budget';
import { ScalingPolicy } from './scaling-policy';
import { MAX_TASKS_PER_SERVICE, type ServiceScalingSpec } from './service-scaling-spec';

/** The longest cooldown accepted, in seconds (an hour: longer ones leave a service unable to follow its load). */
const MAX_COOLDOWN_SECONDS = 3_600;

/** Throws unless `value` is a Duration of whole seconds from 0 to an hour. */
function requireCooldown(owner: IConstruct | string, prop: string, value: unknown): void {
  const seconds = value instanceof Duration ? value.toMilliseconds() / 1_000 : undefined;
  if (seconds === undefined || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_COOLDOWN_SECONDS) {
    const got = value instanceof Duration ? value.toString() : describeValue(value);
    throw new InvalidPropError(owner, prop, `must be a Duration of whole seconds from 0 to ${MAX_COOLDOWN_SECONDS} s, got ${got}`);
  }
}

/**
 * Checks a scaling spec for a service of tasks of `taskSize`, naming each
 * prop under `prop` as the caller wrote it (`scaling`, `spec.scaling`), and
 * the task size as `taskSizeProp` (`taskSize`, `spec.size`):
 * integer task counts from 1 to 5000 with `minTasks` ≤ `maxTasks`,
 * `maxTasks` × the task size within the budget, at least one policy and at
 * most one per signal, every target in its range, whole-second cooldowns.
 * Whether the policies' queues and load balancers are in the service's
 * stack is checked by {@link ServiceScaling}, which knows the stack.
 */
export function requireServiceScalingSpec(
  owner: IConstruct | string,
  prop: string,
  spec: ServiceScalingSpec,
  taskSize: TaskSize,
  taskSizeProp = 'taskSize',
): void {
  if (spec === undefined || spec === null || typeof spec !== 'object') {
    throw new InvalidPropError(
      owner,
      prop,
      `must be a ServiceScalingSpec { minTasks, maxTasks, policies, budget }, got ${describeValue(spec)}`,
    );
  }
  requireIntegerInRange(owner, `${prop}.minTasks`, spec.minTasks, 1, MAX_TASKS_PER_SERVICE);
  requireIntegerInRange(owner, `${prop}.maxTasks`, spec.maxTasks, 1, MAX_TASKS_PER_SERVICE);
  if (spec.minTasks > spec.maxTasks) {
    throw new InvalidPropError(
      owner,
      `${prop}.minTasks`,
      `${spec.minTasks} is more than maxTasks (${spec.maxTasks}); allowed: at most maxTasks`,
    );
  }
  const ownerName = typeof owner === 'string' ? owner : `${owner.constructor.name} '${owner.node.path}'`;
  requireFargateSize(ownerName, taskSizeProp, taskSize?.cpu, taskSize?.memory);
  requireWithinBudget(owner, prop, spec.maxTasks, taskSize, spec.budget);
  if (!Array.isArray(spec.policies) || spec.policies.length === 0) {
    throw new InvalidPropError(
      owner,
      `${prop}.policies`,
      `give at least one ScalingPolicy (ScalingPolicy.cpuUtilization(...), ...), got ${describeValue(spec.policies)}`,
    );
  }
  const seen = new Map<string, number>();
  spec.policies.forEach((policy, index) => {
    const policyProp = `${prop}.policies[${index}]`;
    if (!(policy instanceof ScalingPolicy)) {
      throw new InvalidPropError(
        owner,
        policyProp,
        `must be a ScalingPolicy (ScalingPolicy.cpuUtilization(...), ...), got ${describeValue(policy)}`,
      );
    }
    const earlier = seen.get(policy.metric);
    if (earlier !== undefined) {
      throw new InvalidPropError(
        owner,
        policyProp,
        `tracks ${policy.metric} like policies[${earlier}]; allowed: one policy per signal (two would fight over the task count)`,
      );
    }
    seen.set(policy.metric, index);
    policy.check(owner, policyProp);
    if (policy.options.scaleInCooldown !== undefined)
      requireCooldown(owner, `${policyProp}.scaleInCooldown`, policy.options.scaleInCooldown);
    if (policy.options.scaleOutCooldown !== undefined)
      requireCooldown(owner, `${policyProp}.scaleOutCooldown`, policy.options.scaleOutCooldown);
  });
  if (spec.policies.every((policy) => policy.options.disableScaleIn === true)) {
    throw new InvalidPropError(
      owner,
      `${prop}.policies`,
      `every policy has disableScaleIn: the service would never return to ${spec.minTasks} tasks; allowed: at least one policy that scales in`,
    );
  }
  if (spec.scaleInCooldown !== undefined) requireCooldown(owner, `${prop}.scaleInCooldown`, spec.scaleInCooldown);
  if (spec.scaleOutCooldown !== undefined) requireCooldown(owner, `${prop}.scaleOutCooldown`, spec.scaleOutCooldown);
}
