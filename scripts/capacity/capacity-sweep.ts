/**
 * The model over a range of fleet sizes, and the fleet sizes where a
 * component stops scaling linearly: the cache needs a larger node type or
 * cluster mode, the load balancer needs another instance, a FIFO queue would hit
 * its throughput limit, interface endpoints become cheaper than the NAT
 * gateways, a service outgrows its floor of tasks or the ECS quota.
 */
import { AWS_LIMITS } from './aws-limits';
import { capacity, type CapacityInput, type CapacityResult, type MeasuredCpu } from './capacity-model';
import type { RegionPrices } from './prices';

/** `count` fleet sizes spread evenly on a log scale from `from` to `to`, rounded to whole vehicles. */
export function logSpaced(from: number, to: number, count: number): number[] {
  const step = (Math.log10(to) - Math.log10(from)) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(10 ** (Math.log10(from) + i * step)));
}

/** The model at each fleet size, the rest of the input unchanged. */
export function sweep(input: CapacityInput, cpu: MeasuredCpu, prices: RegionPrices, vehicles: readonly number[]): CapacityResult[] {
  return vehicles.map((count) => capacity({ ...input, vehicles: count }, cpu, prices));
}

/** A fleet size where a component changes how it scales. */
export interface Knee {
  /** The first fleet size of the sweep with the new state. */
  readonly vehicles: number;
  readonly component: 'cache' | 'load balancer' | 'queue' | 'network' | 'fargate';
  readonly text: string;
}

/** The knees between consecutive results of a sweep. */
export function knees(results: readonly CapacityResult[]): Knee[] {
  const found: Knee[] = [];
  for (let i = 1; i < results.length; i++) {
    const [before, after] = [results[i - 1], results[i]];
    const at = after.input.vehicles;
    // One node type after another while one node holds it all; then cluster mode, whose cheapest shard type may change with every step.
    if (!after.cache.clusterMode && after.cache.nodeType !== before.cache.nodeType) {
      found.push({ vehicles: at, component: 'cache', text: `cache: ${after.cache.nodeType}` });
    }
    if (after.cache.clusterMode && !before.cache.clusterMode) {
      found.push({ vehicles: at, component: 'cache', text: `cache: cluster mode (${after.cache.shards} × ${after.cache.nodeType})` });
    }
    if (after.cache.overLimit && !before.cache.overLimit) {
      found.push({ vehicles: at, component: 'cache', text: `cache: over ${AWS_LIMITS.cacheShardsPerCluster.value} shards` });
    }
    if (after.loadBalancer.loadBalancers > before.loadBalancer.loadBalancers) {
      found.push({
        vehicles: at,
        component: 'load balancer',
        text: `ALB: ${after.loadBalancer.loadBalancers} load balancers (${AWS_LIMITS.albTargetsPerLoadBalancer.value} targets each)`,
      });
    }
    if (after.queue.overFifoLimit && !before.queue.overFifoLimit) {
      found.push({
        vehicles: at,
        component: 'queue',
        text: `SQS: a FIFO queue would pass ${AWS_LIMITS.sqsFifoMessagesPerSecond.value} msg/s`,
      });
    }
    const cheaper = (r: CapacityResult) => r.network.endpointsUsd < r.network.natUsd;
    if (cheaper(after) && !cheaper(before)) found.push({ vehicles: at, component: 'network', text: 'NAT: VPC endpoints cheaper' });
    for (const service of ['ingestion', 'processing'] as const) {
      const floor = after.input.minTasks;
      if (after[service].tasks > floor && before[service].tasks <= floor) {
        found.push({ vehicles: at, component: 'fargate', text: `${service}: above ${floor} task(s)` });
      }
      const quota = AWS_LIMITS.ecsTasksPerService.value;
      if (after[service].tasks > quota && before[service].tasks <= quota) {
        found.push({ vehicles: at, component: 'fargate', text: `${service}: over ${quota.toLocaleString('en-US')} tasks (ECS quota)` });
      }
    }
  }
  return found;
}
