/**
 * The capacity and cost model of the pipeline: from a fleet (vehicles, send
 * interval, event size) and the CPU time per request that `npm run bench`
 * measured, the events per second, the tasks of each service at a target
 * utilisation, the retry queue, the shared-state cache, the logs, and the
 * monthly cost of each AWS component. Pure functions of their inputs; the
 * assumptions are named constants or inputs, and docs/capacity.md explains
 * each.
 */
import { AWS_LIMITS } from './aws-limits';
import type { CacheNodePrice, RegionPrices } from './prices';

/** Hours in the month the costs are given for (AWS's pricing examples use 730). */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** The CPU and memory of one service's task and what its sidecars reserve of the CPU. */
export interface TaskSize {
  /** Fargate CPU units of the task (1,024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory of the task, MiB. */
  readonly memoryMiB: number;
  /** CPU units reserved by the task's sidecars (Envoy, X-Ray daemon); the service gets the rest. */
  readonly sidecarCpu: number;
}

/** The measured CPU time per request of each service, and where it was measured. */
export interface MeasuredCpu {
  readonly ingestionUs: number;
  readonly processingUs: number;
  /** The processor the figures belong to. */
  readonly host: string;
  /** When they were measured (ISO 8601). */
  readonly date: string;
  /** Which load and connection count of the bench the figures are from. */
  readonly load: string;
  readonly conns: number;
}

/** The fleet and the assumptions the model runs with (docs/capacity.md, "Inputs"). */
export interface CapacityInput {
  readonly vehicles: number;
  /** Seconds between two events of one vehicle. */
  readonly intervalSeconds: number;
  /** Bytes of one event's JSON body. */
  readonly eventBytes: number;
  /** Share of events that carry an anomaly (one more log line each). */
  readonly anomalyShare: number;
  /** Share of events ingestion parks in the retry queue (processing failing); each is delivered to processing once more. */
  readonly retryShare: number;
  /** Busy share of a task's CPU the scaler aims at (target tracking), 0–1. */
  readonly targetUtilisation: number;
  /** Fewest tasks per service (two in production, one per zone). */
  readonly minTasks: number;
  readonly ingestionTask: TaskSize;
  readonly processingTask: TaskSize;
  /** Speed of a Fargate vCPU relative to one core of the host the CPU was measured on (1: the same). */
  readonly vcpuPerHostCore: number;
  /** How long processing remembers an applied idempotency key, seconds. */
  readonly keyTtlSeconds: number;
  /** Bytes of cache memory one idempotency key takes. */
  readonly bytesPerKey: number;
  /** Bytes of cache memory one vehicle's aggregates take. */
  readonly bytesPerVehicle: number;
  /** Cache operations of one event (processing's idempotent apply, ingestion's breaker record). */
  readonly cacheOpsPerEvent: number;
  /** Operations per second one cache shard is assumed to serve. */
  readonly cacheOpsPerShard: number;
  /** Replicas per cache shard. */
  readonly cacheReplicas: number;
  /** Bytes of one request log line (each service writes one per request). */
  readonly logBytesPerLine: number;
  /** Days CloudWatch keeps the logs. */
  readonly logRetentionDays: number;
  /** Rules of the web ACL. */
  readonly wafRules: number;
  /** Availability zones: one NAT gateway and one ALB node (public IPv4) each. */
  readonly zones: number;
  /** Seconds a vehicle keeps one connection when it sends more often than the ALB's idle timeout. */
  readonly connectionLifetimeSeconds: number;
  /** HTTP request headers per event on the wire, bytes (the ALB's mTLS certificate header included). */
  readonly requestHeaderBytes: number;
  /** HTTP response per event on the wire, bytes. */
  readonly responseBytes: number;
  /** Minutes of processing outage whose events the retry queue must hold. */
  readonly outageMinutes: number;
  /** Interface VPC endpoints the tasks would need instead of a NAT gateway (logs, SQS, ECR API and registry, X-Ray). */
  readonly interfaceEndpoints: number;
}

/** One service's sizing. */
export interface ServiceSizing {
  readonly requestsPerSecond: number;
  readonly cpuUsPerRequest: number;
  /** vCPU of a task the service itself may use: the task less its sidecars, at most one (one Node process, one JavaScript thread). */
  readonly usableVcpuPerTask: number;
  /** Requests per second one task serves at 100% of its usable vCPU. */
  readonly requestsPerSecondPerTask: number;
  readonly tasks: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly monthlyUsd: number;
}

export interface LoadBalancerSizing {
  readonly loadBalancers: number;
  readonly keepAlive: boolean;
  readonly newConnectionsPerSecond: number;
  readonly activeConnections: number;
  readonly processedGbPerHour: number;
  /** LCUs per hour by dimension; the bill takes the largest. */
  readonly lcuByDimension: {
    readonly newConnections: number;
    readonly activeConnections: number;
    readonly processedBytes: number;
    readonly ruleEvaluations: number;
  };
  readonly lcu: number;
  readonly monthlyUsd: number;
}

export interface CacheSizing {
  readonly idempotencyKeys: number;
  readonly dataGiB: number;
  /** Node memory needed with ElastiCache's reserved share. */
  readonly memoryNeededGiB: number;
  readonly opsPerSecond: number;
  readonly nodeType: string;
  readonly shards: number;
  readonly nodes: number;
  readonly clusterMode: boolean;
  /** The largest cluster cannot hold the data: shorten the key TTL. */
  readonly overLimit: boolean;
  readonly monthlyUsd: number;
}

export interface QueueSizing {
  readonly messagesPerSecond: number;
  readonly messagesPerMonth: number;
  /** Idle long polls of the drainers (one per processing task), per month: the floor of the bill. */
  readonly longPollRequestsPerMonth: number;
  readonly requestsPerMonth: number;
  /** Messages an outage of `outageMinutes` leaves in the queue, and their bytes. */
  readonly outageBacklogMessages: number;
  readonly outageBacklogGiB: number;
  /** Whether a FIFO queue would hit its per-action throughput limit without batching. */
  readonly overFifoLimit: boolean;
  readonly monthlyUsd: number;
}

export interface LogSizing {
  readonly linesPerSecond: number;
  readonly ingestedGbPerMonth: number;
  /** GB stored once the retention period is full (uncompressed: an upper bound; CloudWatch bills compressed bytes). */
  readonly storedGb: number;
  readonly monthlyUsd: number;
  readonly ingestUsd: number;
  readonly storageUsd: number;
}

export interface NetworkSizing {
  /** GB a month the tasks send to AWS APIs (logs, queue) through the NAT gateways. */
  readonly natGbPerMonth: number;
  readonly natUsd: number;
  /** The same traffic through interface VPC endpoints instead. */
  readonly endpointsUsd: number;
  /** Internet egress of the responses to vehicles. */
  readonly egressGbPerMonth: number;
  readonly egressUsd: number;
  readonly monthlyUsd: number;
}

export interface CapacityResult {
  readonly input: CapacityInput;
  readonly cpu: MeasuredCpu;
  readonly region: string;
  readonly eventsPerSecond: number;
  readonly eventsPerMonth: number;
  readonly ingestion: ServiceSizing;
  readonly processing: ServiceSizing;
  readonly loadBalancer: LoadBalancerSizing;
  readonly waf: { readonly requestsPerMonth: number; readonly monthlyUsd: number };
  readonly cache: CacheSizing;
  readonly queue: QueueSizing;
  readonly logs: LogSizing;
  readonly network: NetworkSizing;
  readonly monthlyUsd: number;
  readonly usdPerMillionEvents: number;
}

/** Fargate's CPU and memory pairs (CPU units → memory MiB allowed, inclusive range). */
export const FARGATE_SIZES: Readonly<Record<number, readonly [number, number]>> = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16384],
  4096: [8192, 30720],
  8192: [16384, 61440],
  16384: [32768, 122880],
};

/** Sizes one service: tasks at the target utilisation from its CPU time per request. */
export function sizeService(
  requestsPerSecond: number,
  cpuUsPerRequest: number,
  task: TaskSize,
  input: Pick<CapacityInput, 'targetUtilisation' | 'minTasks' | 'vcpuPerHostCore'>,
  prices: Pick<RegionPrices, 'fargateVcpuHour' | 'fargateGbHour'>,
): ServiceSizing {
  const usableVcpuPerTask = Math.min(1, (task.cpu - task.sidecarCpu) / 1024);
  const requestsPerSecondPerTask = (usableVcpuPerTask * input.vcpuPerHostCore * 1e6) / cpuUsPerRequest;
  const tasks = Math.max(input.minTasks, Math.ceil(requestsPerSecond / (requestsPerSecondPerTask * input.targetUtilisation) - 1e-9));
  const vcpu = (tasks * task.cpu) / 1024;
  const memoryGiB = (tasks * task.memoryMiB) / 1024;
  const monthlyUsd = HOURS_PER_MONTH * (vcpu * prices.fargateVcpuHour.usd + memoryGiB * prices.fargateGbHour.usd);
  return { requestsPerSecond, cpuUsPerRequest, usableVcpuPerTask, requestsPerSecondPerTask, tasks, vcpu, memoryGiB, monthlyUsd };
}

/** The load balancer's LCUs: the largest of its four dimensions, per hour. */
export function sizeLoadBalancer(
  eventsPerSecond: number,
  ingestionTasks: number,
  input: Pick<
    CapacityInput,
    'vehicles' | 'intervalSeconds' | 'eventBytes' | 'connectionLifetimeSeconds' | 'requestHeaderBytes' | 'responseBytes' | 'zones'
  >,
  prices: Pick<RegionPrices, 'albHour' | 'albLcuHour' | 'publicIpv4Hour'>,
): LoadBalancerSizing {
  const loadBalancers = Math.max(1, Math.ceil(ingestionTasks / AWS_LIMITS.albTargetsPerLoadBalancer.value));
  const keepAlive = input.intervalSeconds < AWS_LIMITS.albIdleTimeoutSeconds.value;
  // Kept alive: every vehicle holds a connection and opens a new one per lifetime; otherwise one connection per event, open about a second.
  const newConnectionsPerSecond = keepAlive ? input.vehicles / input.connectionLifetimeSeconds : eventsPerSecond;
  const activeConnections = keepAlive ? input.vehicles : eventsPerSecond;
  const processedGbPerHour = (eventsPerSecond * 3600 * (input.eventBytes + input.requestHeaderBytes + input.responseBytes)) / 1e9;
  const lcuByDimension = {
    newConnections: newConnectionsPerSecond / 25,
    activeConnections: activeConnections / 3000,
    processedBytes: processedGbPerHour / 1,
    // One listener rule per request; the first 10 rule evaluations of a request are free.
    ruleEvaluations: 0,
  };
  const lcu = Math.max(...Object.values(lcuByDimension));
  const monthlyUsd =
    HOURS_PER_MONTH * (loadBalancers * (prices.albHour.usd + input.zones * prices.publicIpv4Hour.usd) + lcu * prices.albLcuHour.usd);
  return { loadBalancers, keepAlive, newConnectionsPerSecond, activeConnections, processedGbPerHour, lcuByDimension, lcu, monthlyUsd };
}

const GIB = 1024 ** 3;

/**
 * The cache: idempotency keys (events per second × key TTL) and vehicle
 * aggregates, plus ElastiCache's reserved memory; one primary and its
 * replicas while one node type holds it all and serves the operations,
 * else cluster mode: the cheapest node type and shard count that do.
 */
export function sizeCache(
  eventsPerSecond: number,
  input: Pick<
    CapacityInput,
    'vehicles' | 'keyTtlSeconds' | 'bytesPerKey' | 'bytesPerVehicle' | 'cacheOpsPerEvent' | 'cacheOpsPerShard' | 'cacheReplicas'
  >,
  nodes: readonly CacheNodePrice[],
): CacheSizing {
  const idempotencyKeys = eventsPerSecond * input.keyTtlSeconds;
  const dataGiB = (idempotencyKeys * input.bytesPerKey + input.vehicles * input.bytesPerVehicle) / GIB;
  const usableShare = 1 - AWS_LIMITS.cacheReservedMemoryShare.value;
  const memoryNeededGiB = dataGiB / usableShare;
  const opsPerSecond = eventsPerSecond * input.cacheOpsPerEvent;
  const opsShards = Math.max(1, Math.ceil(opsPerSecond / input.cacheOpsPerShard - 1e-9));
  const nodesPerShard = 1 + input.cacheReplicas;
  const options = nodes.map((node) => {
    const shards = Math.max(opsShards, Math.ceil(memoryNeededGiB / node.memoryGiB - 1e-9), 1);
    return { node, shards, monthlyUsd: shards * nodesPerShard * node.usd * HOURS_PER_MONTH };
  });
  const single = options.find((option) => option.shards === 1);
  const fitting = options.filter((option) => option.shards <= AWS_LIMITS.cacheShardsPerCluster.value);
  const cheapest = (list: typeof options) => list.reduce((best, option) => (option.monthlyUsd < best.monthlyUsd ? option : best));
  const chosen = single ?? (fitting.length > 0 ? cheapest(fitting) : options[options.length - 1]);
  return {
    idempotencyKeys,
    dataGiB,
    memoryNeededGiB,
    opsPerSecond,
    nodeType: chosen.node.nodeType,
    shards: chosen.shards,
    nodes: chosen.shards * nodesPerShard,
    clusterMode: chosen.shards > 1,
    overLimit: fitting.length === 0,
    monthlyUsd: chosen.monthlyUsd,
  };
}

/**
 * The retry queue (standard): per parked event one SendMessage, one
 * ReceiveMessage and one DeleteMessage (each billed per 64 KiB chunk), plus
 * the drainers' long polls, one per 20 s per processing task when idle — the
 * floor of the bill, whatever the traffic.
 */
export function sizeQueue(
  eventsPerSecond: number,
  processingTasks: number,
  input: Pick<CapacityInput, 'retryShare' | 'eventBytes' | 'outageMinutes'>,
  prices: Pick<RegionPrices, 'sqsStandardMillionRequests'>,
): QueueSizing {
  const messagesPerSecond = eventsPerSecond * input.retryShare;
  const messagesPerMonth = messagesPerSecond * SECONDS_PER_MONTH;
  const chunks = Math.max(1, Math.ceil(input.eventBytes / AWS_LIMITS.sqsBilledChunkBytes.value));
  const longPollRequestsPerMonth = (processingTasks * SECONDS_PER_MONTH) / AWS_LIMITS.sqsLongPollSeconds.value;
  const requestsPerMonth = messagesPerMonth * 3 * chunks + longPollRequestsPerMonth;
  const outageBacklogMessages = eventsPerSecond * 60 * input.outageMinutes;
  return {
    messagesPerSecond,
    messagesPerMonth,
    longPollRequestsPerMonth,
    requestsPerMonth,
    outageBacklogMessages,
    outageBacklogGiB: (outageBacklogMessages * input.eventBytes) / GIB,
    overFifoLimit: messagesPerSecond > AWS_LIMITS.sqsFifoMessagesPerSecond.value,
    monthlyUsd: (requestsPerMonth / 1e6) * prices.sqsStandardMillionRequests.usd,
  };
}

/** CloudWatch Logs: one request line per service per request, one more per anomaly. */
export function sizeLogs(
  eventsPerSecond: number,
  processingRequestsPerSecond: number,
  input: Pick<CapacityInput, 'anomalyShare' | 'logBytesPerLine' | 'logRetentionDays'>,
  prices: Pick<RegionPrices, 'logsIngestGb' | 'logsStorageGbMonth'>,
): LogSizing {
  const linesPerSecond = eventsPerSecond * (1 + input.anomalyShare) + processingRequestsPerSecond;
  const ingestedGbPerMonth = (linesPerSecond * input.logBytesPerLine * SECONDS_PER_MONTH) / 1e9;
  const storedGb = ingestedGbPerMonth * (input.logRetentionDays / (SECONDS_PER_MONTH / 86400));
  const ingestUsd = ingestedGbPerMonth * prices.logsIngestGb.usd;
  const storageUsd = storedGb * prices.logsStorageGbMonth.usd;
  return { linesPerSecond, ingestedGbPerMonth, storedGb, ingestUsd, storageUsd, monthlyUsd: ingestUsd + storageUsd };
}

/** NAT gateways (one per zone) for the tasks' traffic to AWS APIs, and the internet egress of the responses. */
export function sizeNetwork(
  eventsPerMonth: number,
  logs: LogSizing,
  queue: QueueSizing,
  input: Pick<CapacityInput, 'zones' | 'eventBytes' | 'responseBytes' | 'interfaceEndpoints'>,
  prices: Pick<RegionPrices, 'natGatewayHour' | 'natGatewayGb' | 'internetEgressGb' | 'interfaceEndpointHour' | 'interfaceEndpointGb'>,
): NetworkSizing {
  const natGbPerMonth = logs.ingestedGbPerMonth + (queue.messagesPerMonth * 3 * input.eventBytes) / 1e9;
  const natUsd = input.zones * HOURS_PER_MONTH * prices.natGatewayHour.usd + natGbPerMonth * prices.natGatewayGb.usd;
  const endpointsUsd =
    input.interfaceEndpoints * input.zones * HOURS_PER_MONTH * prices.interfaceEndpointHour.usd +
    natGbPerMonth * prices.interfaceEndpointGb.usd;
  const egressGbPerMonth = (eventsPerMonth * input.responseBytes) / 1e9;
  const egressUsd = egressGbPerMonth * prices.internetEgressGb.usd;
  return { natGbPerMonth, natUsd, endpointsUsd, egressGbPerMonth, egressUsd, monthlyUsd: natUsd + egressUsd };
}

/** The whole model. */
export function capacity(input: CapacityInput, cpu: MeasuredCpu, prices: RegionPrices): CapacityResult {
  const eventsPerSecond = input.vehicles / input.intervalSeconds;
  const eventsPerMonth = eventsPerSecond * SECONDS_PER_MONTH;
  const ingestion = sizeService(eventsPerSecond, cpu.ingestionUs, input.ingestionTask, input, prices);
  const processingRequestsPerSecond = eventsPerSecond * (1 + input.retryShare);
  const processing = sizeService(processingRequestsPerSecond, cpu.processingUs, input.processingTask, input, prices);
  const loadBalancer = sizeLoadBalancer(eventsPerSecond, ingestion.tasks, input, prices);
  const waf = {
    requestsPerMonth: eventsPerMonth,
    monthlyUsd:
      prices.wafWebAclMonth.usd + input.wafRules * prices.wafRuleMonth.usd + (eventsPerMonth / 1e6) * prices.wafMillionRequests.usd,
  };
  const cache = sizeCache(eventsPerSecond, input, prices.cacheNodes);
  const queue = sizeQueue(eventsPerSecond, processing.tasks, input, prices);
  const logs = sizeLogs(eventsPerSecond, processingRequestsPerSecond, input, prices);
  const network = sizeNetwork(eventsPerMonth, logs, queue, input, prices);
  const monthlyUsd =
    ingestion.monthlyUsd +
    processing.monthlyUsd +
    loadBalancer.monthlyUsd +
    waf.monthlyUsd +
    cache.monthlyUsd +
    queue.monthlyUsd +
    logs.monthlyUsd +
    network.monthlyUsd;
  return {
    input,
    cpu,
    region: prices.region,
    eventsPerSecond,
    eventsPerMonth,
    ingestion,
    processing,
    loadBalancer,
    waf,
    cache,
    queue,
    logs,
    network,
    monthlyUsd,
    usdPerMillionEvents: monthlyUsd / (eventsPerMonth / 1e6),
  };
}
