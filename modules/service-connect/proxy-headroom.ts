import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import { requireFargateSize } from '../ecs/fargate-sizes';
import type { TaskSize } from '../ecs/task-size';

/**
 * What a task keeps free of its CPU and memory for the Service Connect
 * proxy, which ECS adds to every task of a Service Connect service (it is
 * not in the task definition, so nothing else reserves room for it).
 */
export interface ProxyHeadroom {
  /** CPU units left to the proxy. */
  readonly cpu: number;
  /** Memory left to the proxy, in MiB. */
  readonly memory: number;
}

/**
 * AWS's recommendation for the proxy: "add 256 CPU units and at least 64 MiB
 * of memory to your task CPU and memory" (512 CPU units above 500 requests
 * per second at peak). Amazon ECS Developer Guide, "Service Connect proxy"
 * in "Amazon ECS Service Connect components":
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html
 */
export const RECOMMENDED_PROXY_HEADROOM: ProxyHeadroom = Object.freeze({ cpu: 256, memory: 64 });

/**
 * How a caller names the props that make up a Service Connect task's size, for errors.
 * @internal
 */
export interface TaskSizeProps {
  /** The task size prop, e.g. `spec.size`. */
  readonly size: string;
  /** The headroom prop, e.g. `proxyHeadroom`. */
  readonly headroom: string;
  /** The prop of the task's sidecars, e.g. `collector`. */
  readonly sidecars: string;
}

/**
 * Checks a Service Connect task's size and returns what the app container
 * gets: `size` must be a Fargate size, `headroom` at least AWS's
 * recommendation, and the task must leave CPU and memory for the app after
 * the proxy's headroom and the `sidecars`' reservations. Errors name the
 * props as the caller wrote them (`names`).
 * @internal
 */
export function requireServiceConnectTaskSize(
  owner: string,
  size: TaskSize,
  headroom: ProxyHeadroom,
  sidecars: TaskSize,
  names: TaskSizeProps,
): TaskSize {
  requireFargateSize(owner, names.size, size.cpu, size.memory);
  requireIntegerInRange(owner, `${names.headroom}.cpu`, headroom.cpu, 0, size.cpu);
  requireIntegerInRange(owner, `${names.headroom}.memory`, headroom.memory, 0, size.memory);
  if (headroom.cpu < RECOMMENDED_PROXY_HEADROOM.cpu || headroom.memory < RECOMMENDED_PROXY_HEADROOM.memory) {
    const prop = headroom.cpu < RECOMMENDED_PROXY_HEADROOM.cpu ? `${names.headroom}.cpu` : `${names.headroom}.memory`;
    throw new InvalidPropError(
      owner,
      prop,
      `AWS recommends at least ${RECOMMENDED_PROXY_HEADROOM.cpu} CPU units and ${RECOMMENDED_PROXY_HEADROOM.memory} MiB for the Service Connect proxy, ` +
        `got ${headroom.cpu} CPU units and ${headroom.memory} MiB`,
    );
  }
  const appCpu = size.cpu - headroom.cpu - sidecars.cpu;
  const appMemory = size.memory - headroom.memory - sidecars.memory;
  if (appCpu <= 0) {
    throw new InvalidPropError(
      owner,
      `${names.size}.cpu`,
      `${size.cpu} CPU units leave none for the app after the proxy's headroom (${headroom.cpu}, ${names.headroom}.cpu)` +
        ` and the sidecars' ${sidecars.cpu} (${names.sidecars}); choose a larger Fargate size`,
    );
  }
  if (appMemory <= 0) {
    throw new InvalidPropError(
      owner,
      `${names.size}.memory`,
      `${size.memory} MiB leave none for the app after the proxy's headroom (${headroom.memory} MiB, ${names.headroom}.memory)` +
        ` and the sidecars' ${sidecars.memory} MiB (${names.sidecars}); choose a larger Fargate size`,
    );
  }
  return { cpu: appCpu, memory: appMemory };
}
