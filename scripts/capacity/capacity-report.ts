/** The text `npm run capacity` prints for one fleet: the sizing of each component, then the monthly cost by component. */
import { AWS_LIMITS } from './aws-limits';
import type { CapacityResult } from './capacity-model';
import { PRICES_CHECKED_ON, type RegionPrices } from './prices';

const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const num = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const usd = (value: number): string => `$${num(value, value < 100 ? 2 : 0)}`;
const pad = (text: string, width: number): string => text.padEnd(width);
const padLeft = (text: string, width: number): string => text.padStart(width);

/** A count in words for large numbers: 8.6 billion, 263 million; plain below a million. */
export function large(value: number): string {
  if (value >= 1e9) return `${num(value / 1e9, value >= 1e11 ? 0 : 1)} billion`;
  if (value >= 1e6) return `${num(value / 1e6, value >= 1e8 ? 0 : 1)} million`;
  return int(value);
}

/** The monthly cost of each component, in the order the report lists them. */
export function costLines(result: CapacityResult): { name: string; usd: number }[] {
  return [
    { name: 'Fargate, ingestion', usd: result.ingestion.monthlyUsd },
    { name: 'Fargate, processing', usd: result.processing.monthlyUsd },
    { name: 'Load balancer', usd: result.loadBalancer.monthlyUsd },
    { name: 'WAF', usd: result.waf.monthlyUsd },
    { name: 'Cache (ElastiCache)', usd: result.cache.monthlyUsd },
    { name: 'Retry queue (SQS)', usd: result.queue.monthlyUsd },
    { name: 'CloudWatch Logs', usd: result.logs.monthlyUsd },
    { name: 'NAT gateways', usd: result.network.natUsd },
    { name: 'Internet egress', usd: result.network.egressUsd },
  ];
}

/** The report's lines. */
export function capacityReport(result: CapacityResult, prices: RegionPrices, environment: string): string[] {
  const { input, cpu, ingestion, processing, loadBalancer: lb, cache, queue, logs, network } = result;
  const lines = [
    `${int(input.vehicles)} vehicles, one event every ${num(input.intervalSeconds, input.intervalSeconds % 1 === 0 ? 0 : 2)} s ` +
      `(${int(input.eventBytes)} B): ${int(result.eventsPerSecond)} events/s, ${large(result.eventsPerMonth)} a month. ` +
      `Prices: ${result.region}, checked ${PRICES_CHECKED_ON}.`,
    `CPU per request: ingestion ${num(cpu.ingestionUs, 0)} µs, processing ${num(cpu.processingUs, 0)} µs ` +
      `(npm run bench, load ${cpu.load} at ${cpu.conns} connections, on ${cpu.host}, ${cpu.date.slice(0, 10)}).`,
    `Assumes one Fargate vCPU does the work of ${num(input.vcpuPerHostCore, 2)} core(s) of that host; each service is one Node ` +
      `process, so it uses at most 1 vCPU of its task: the task's CPU less its sidecars' (${environment} task sizes), ` +
      `at ${num(input.targetUtilisation * 100, 0)}% target utilisation, at least ${input.minTasks} task(s) per service.`,
    '',
    `${pad('service', 12)}${padLeft('req/s', 11)}${padLeft('µs/req', 8)}${padLeft('vCPU/task', 11)}${padLeft('req/s/task', 12)}` +
      `${padLeft('tasks', 8)}${padLeft('vCPU', 9)}${padLeft('memory GiB', 12)}${padLeft('$/month', 12)}`,
  ];
  for (const [name, s, task] of [
    ['ingestion', ingestion, input.ingestionTask],
    ['processing', processing, input.processingTask],
  ] as const) {
    lines.push(
      `${pad(name, 12)}${padLeft(int(s.requestsPerSecond), 11)}${padLeft(num(s.cpuUsPerRequest, 0), 8)}` +
        `${padLeft(`${num(s.usableVcpuPerTask, 2)}/${num(task.cpu / 1024, 2)}`, 11)}${padLeft(int(s.requestsPerSecondPerTask), 12)}` +
        `${padLeft(int(s.tasks), 8)}${padLeft(num(s.vcpu, s.vcpu % 1 === 0 ? 0 : 2), 9)}${padLeft(num(s.memoryGiB, 0), 12)}${padLeft(usd(s.monthlyUsd), 12)}`,
    );
  }
  const tasksOver = [ingestion, processing].some((s) => s.tasks > AWS_LIMITS.ecsTasksPerService.value);
  if (tasksOver)
    lines.push(
      `  More than ${int(AWS_LIMITS.ecsTasksPerService.value)} tasks in one service: above the ECS quota; split the service or raise the quota.`,
    );
  const dimension = Object.entries(lb.lcuByDimension).reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  lines.push(
    '',
    `Load balancer: ${lb.loadBalancers} ALB(s) (${int(AWS_LIMITS.albTargetsPerLoadBalancer.value)} targets each at most), ` +
      (lb.keepAlive
        ? `vehicles keep their connection (interval < the ${AWS_LIMITS.albIdleTimeoutSeconds.value} s idle timeout): ${int(lb.activeConnections)} active, ${int(lb.newConnectionsPerSecond)} new/s (one reconnect an hour); `
        : `one connection per event: ${int(lb.newConnectionsPerSecond)} new/s; `) +
      `${num(lb.processedGbPerHour, 2)} GB/h processed → ${num(lb.lcu, 1)} LCU (${dimension}).`,
    `WAF: ${large(result.waf.requestsPerMonth)} requests a month, ${input.wafRules} rules.`,
    `Cache: ${large(cache.idempotencyKeys)} idempotency keys (events/s × ${int(input.keyTtlSeconds)} s TTL) × ${input.bytesPerKey} B + ` +
      `${int(input.vehicles)} vehicles × ${input.bytesPerVehicle} B = ${num(cache.dataGiB, cache.dataGiB < 10 ? 2 : 0)} GiB, ` +
      `${num(cache.memoryNeededGiB, cache.memoryNeededGiB < 10 ? 2 : 0)} GiB with the ${AWS_LIMITS.cacheReservedMemoryShare.value * 100}% reserved; ` +
      `${int(cache.opsPerSecond)} ops/s → ${cache.clusterMode ? `cluster mode, ${cache.shards} shards of` : 'one shard:'} ${cache.nodeType}, ` +
      `${cache.nodes} nodes with replicas.` +
      (cache.overLimit ? ` Over ${AWS_LIMITS.cacheShardsPerCluster.value} shards even with the largest node: shorten --key-ttl.` : ''),
    `Retry queue (SQS standard): ${num(queue.messagesPerSecond, queue.messagesPerSecond < 10 ? 2 : 0)} messages/s ` +
      `(${num(input.retryShare * 100, 1)}% of events), ${large(queue.requestsPerMonth)} requests a month, of them ` +
      `${large(queue.longPollRequestsPerMonth)} idle long polls (one per ${AWS_LIMITS.sqsLongPollSeconds.value} s per processing task); ` +
      `a ${num(input.outageMinutes, 0)} min processing outage parks ${large(queue.outageBacklogMessages)} messages ` +
      `(${num(queue.outageBacklogGiB, 2)} GiB).` +
      (queue.overFifoLimit
        ? ` A FIFO queue would exceed ${AWS_LIMITS.sqsFifoMessagesPerSecond.value} messages/s per action without batching.`
        : ''),
    `Logs: ${int(logs.linesPerSecond)} lines/s × ${input.logBytesPerLine} B → ${num(logs.ingestedGbPerMonth, logs.ingestedGbPerMonth < 10 ? 2 : 0)} GB ` +
      `ingested a month; ${num(logs.storedGb, logs.storedGb < 10 ? 2 : 0)} GB kept over ${input.logRetentionDays} days (uncompressed: an upper bound).`,
    `NAT: ${input.zones} gateways, ${num(network.natGbPerMonth, network.natGbPerMonth < 10 ? 2 : 0)} GB a month to AWS APIs ` +
      `(${usd(network.natUsd)}; through ${input.interfaceEndpoints} interface endpoints instead: ${usd(network.endpointsUsd)}). ` +
      `Responses to vehicles: ${num(network.egressGbPerMonth, 0)} GB out.`,
    '',
    'Monthly cost (USD, on demand, 730 h)',
  );
  for (const line of costLines(result)) lines.push(`  ${pad(line.name, 24)}${padLeft(usd(line.usd), 14)}`);
  lines.push(`  ${pad('Total', 24)}${padLeft(usd(result.monthlyUsd), 14)}`);
  lines.push(`  ${pad('per million events', 24)}${padLeft(`$${num(result.usdPerMillionEvents, 3)}`, 14)}`);
  const unconfirmed = [
    ...(prices.cacheNodes.find((node) => node.nodeType === cache.nodeType)?.confirmed === false
      ? [`${cache.nodeType} ($${prices.cacheNodes.find((n) => n.nodeType === cache.nodeType)!.usd}/h)`]
      : []),
    ...Object.entries(prices).flatMap(([name, price]) =>
      typeof price === 'object' && price !== null && 'confirmed' in price && price.confirmed === false ? [name] : [],
    ),
  ];
  if (unconfirmed.length > 0) {
    lines.push(
      '',
      `Unconfirmed prices used: ${unconfirmed.join(', ')} — see scripts/capacity/prices.ts and verify on the AWS pages it names.`,
    );
  }
  return lines;
}
