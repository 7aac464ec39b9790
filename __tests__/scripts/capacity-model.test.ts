import {
  capacity,
  HOURS_PER_MONTH,
  SECONDS_PER_MONTH,
  sizeCache,
  sizeLoadBalancer,
  sizeLogs,
  sizeQueue,
  sizeService,
  type CapacityInput,
  type MeasuredCpu,
} from '../../scripts/capacity/capacity-model';
import { REGION_PRICES, type CacheNodePrice } from '../../scripts/capacity/prices';

const PRICES = REGION_PRICES['us-east-1'];
/** The production task: 1 vCPU, 2 GiB, 256 + 32 CPU units for Envoy and the X-Ray daemon. */
const TASK = { cpu: 1024, memoryMiB: 2048, sidecarCpu: 288 };
const CPU: MeasuredCpu = {
  ingestionUs: 250,
  processingUs: 150,
  host: 'AMD EPYC (2 cores)',
  date: '2026-12-07T19:00:00Z',
  load: 'unique',
  conns: 64,
};
const INPUT: CapacityInput = {
  vehicles: 1_000_000,
  intervalSeconds: 10,
  eventBytes: 201,
  anomalyShare: 0.01,
  retryShare: 0.01,
  targetUtilisation: 0.6,
  minTasks: 2,
  ingestionTask: TASK,
  processingTask: TASK,
  vcpuPerHostCore: 1,
  keyTtlSeconds: 86_400,
  bytesPerKey: 100,
  bytesPerVehicle: 500,
  cacheOpsPerEvent: 2,
  cacheOpsPerShard: 100_000,
  cacheReplicas: 1,
  logBytesPerLine: 248,
  logRetentionDays: 30,
  wafRules: 2,
  zones: 2,
  connectionLifetimeSeconds: 3600,
  requestHeaderBytes: 2000,
  responseBytes: 250,
  outageMinutes: 15,
  interfaceEndpoints: 5,
};

describe('a service', () => {
  test('tasks at the target utilisation from the CPU per request, the task less its sidecars', () => {
    const s = sizeService(10_000, 250, TASK, INPUT, PRICES);
    // usable vCPU (1024 - 288) / 1024 = 0.71875; 0.71875e6 / 250 = 2,875 req/s a task; 10,000 / (2,875 × 0.6) = 5.8 → 6
    expect(s.usableVcpuPerTask).toBeCloseTo(0.71875, 10);
    expect(s.requestsPerSecondPerTask).toBeCloseTo(2875, 6);
    expect(s).toMatchObject({ tasks: 6, vcpu: 6, memoryGiB: 12 });
    // 730 h × (6 vCPU × $0.04048 + 12 GB × $0.004445)
    expect(s.monthlyUsd).toBeCloseTo(730 * (6 * 0.04048 + 12 * 0.004445), 6);
    expect(s.monthlyUsd).toBeCloseTo(216.2406, 4);
  });

  test('never fewer than the floor of tasks', () => {
    expect(sizeService(10, 250, TASK, INPUT, PRICES).tasks).toBe(2);
  });

  test('one Node process uses at most one vCPU, however large the task', () => {
    const s = sizeService(10_000, 250, { cpu: 4096, memoryMiB: 8192, sidecarCpu: 288 }, INPUT, PRICES);
    expect(s.usableVcpuPerTask).toBe(1);
    // 4,000 req/s a task at 100%: 10,000 / 2,400 = 4.2 → 5 tasks of 4 vCPU
    expect(s).toMatchObject({ tasks: 5, vcpu: 20 });
  });

  test('a faster vCPU than the measured core needs fewer tasks', () => {
    expect(sizeService(10_000, 250, TASK, { ...INPUT, vcpuPerHostCore: 2 }, PRICES).tasks).toBe(3);
  });
});

describe('the load balancer', () => {
  test('vehicles sending more often than the idle timeout keep their connections: bytes decide the LCUs', () => {
    const lb = sizeLoadBalancer(100_000, 404, INPUT, PRICES);
    expect(lb.keepAlive).toBe(true);
    // 1,000,000 / 3,600 new/s → 11.1 LCU; 1,000,000 active / 3,000 → 333.3 LCU;
    // 100,000 events/s × 3,600 s × (201 + 2,000 + 250) B = 882.36 GB/h → 882.36 LCU
    expect(lb.lcuByDimension.newConnections).toBeCloseTo(11.111, 3);
    expect(lb.lcuByDimension.activeConnections).toBeCloseTo(333.333, 3);
    expect(lb.lcu).toBeCloseTo(882.36, 6);
    // 730 h × (ALB $0.0225 + 2 public IPv4 × $0.005 + 882.36 LCU × $0.008)
    expect(lb.monthlyUsd).toBeCloseTo(730 * (0.0225 + 0.01 + 882.36 * 0.008), 6);
    expect(lb.loadBalancers).toBe(1);
  });

  test('vehicles sending less often open a connection per event', () => {
    const lb = sizeLoadBalancer(100, 2, { ...INPUT, vehicles: 12_000, intervalSeconds: 120 }, PRICES);
    expect(lb.keepAlive).toBe(false);
    // 100 new connections/s → 4 LCU, more than 0.88 GB/h
    expect(lb.lcu).toBeCloseTo(4, 10);
  });

  test('more ingestion tasks than one load balancer takes as targets need another', () => {
    expect(sizeLoadBalancer(1_000_000, 2_500, INPUT, PRICES).loadBalancers).toBe(3);
  });
});

describe('the cache', () => {
  const node = (nodeType: string, memoryGiB: number, usd: number): CacheNodePrice => ({
    nodeType,
    memoryGiB,
    usd,
    per: 'node-hour',
    source: 'test',
    confirmed: true,
    note: '',
  });
  const NODES = [node('small', 1, 0.1), node('large', 4, 0.3)];
  const GIB = 1024 ** 3;

  test('keys × TTL and vehicles, with the reserved quarter, on the smallest node that holds them', () => {
    const cache = sizeCache(100, { ...INPUT, vehicles: 1000, keyTtlSeconds: 3600 }, PRICES.cacheNodes);
    // 100 events/s × 3,600 s = 360,000 keys × 100 B + 1,000 vehicles × 500 B = 36.5 MB
    expect(cache.idempotencyKeys).toBe(360_000);
    expect(cache.dataGiB).toBeCloseTo(36_500_000 / GIB, 10);
    expect(cache.memoryNeededGiB).toBeCloseTo(36_500_000 / GIB / 0.75, 10);
    expect(cache).toMatchObject({ nodeType: 'cache.t4g.micro', shards: 1, nodes: 2, clusterMode: false, overLimit: false });
    // a primary and a replica at $0.0128/h
    expect(cache.monthlyUsd).toBeCloseTo(2 * 0.0128 * 730, 6);
  });

  test('one node type that holds it all is preferred to cluster mode', () => {
    // 2.25 GiB of data → 3 GiB needed: 3 shards of small ($438) or one large ($438): one node
    const cache = sizeCache(1, { ...INPUT, vehicles: (2.25 * GIB) / 500, keyTtlSeconds: 1, bytesPerKey: 0 }, NODES);
    expect(cache).toMatchObject({ nodeType: 'large', shards: 1, clusterMode: false });
  });

  test('beyond the largest node: cluster mode with the cheapest shards', () => {
    // 7.5 GiB → 10 GiB needed: 10 small shards × 2 nodes × $0.1 × 730 = $1,460; 3 large × 2 × $0.3 × 730 = $1,314
    const cache = sizeCache(1, { ...INPUT, vehicles: (7.5 * GIB) / 500, keyTtlSeconds: 1, bytesPerKey: 0 }, NODES);
    expect(cache).toMatchObject({ nodeType: 'large', shards: 3, nodes: 6, clusterMode: true });
    expect(cache.monthlyUsd).toBeCloseTo(1314, 6);
  });

  test('the operations per second can ask for shards the memory does not', () => {
    // 175,000 events/s × 2 ops = 350,000 ops/s → 4 shards; tiny data: 4 small shards are cheapest
    const cache = sizeCache(175_000, { ...INPUT, vehicles: 1, keyTtlSeconds: 1, bytesPerKey: 1 }, NODES);
    expect(cache).toMatchObject({ opsPerSecond: 350_000, nodeType: 'small', shards: 4, clusterMode: true });
  });

  test('more than a cluster can hold is said so', () => {
    const cache = sizeCache(1, { ...INPUT, vehicles: (2_000 * 4 * GIB) / 500, keyTtlSeconds: 1, bytesPerKey: 0 }, NODES);
    expect(cache.overLimit).toBe(true);
  });
});

describe('the retry queue', () => {
  test('three requests per parked event, plus the idle long polls of every drainer', () => {
    const queue = sizeQueue(1000, 3, INPUT, PRICES);
    // 1% of 1,000 events/s = 10 messages/s; × 2,628,000 s = 26.28 million a month × 3 requests = 78.84 million
    // + 3 processing tasks × 2,628,000 s / 20 s = 394,200 long polls
    expect(queue.messagesPerSecond).toBeCloseTo(10, 10);
    expect(queue.longPollRequestsPerMonth).toBeCloseTo(394_200, 6);
    expect(queue.requestsPerMonth).toBeCloseTo(79_234_200, 3);
    expect(queue.monthlyUsd).toBeCloseTo(79.2342 * 0.4, 6);
    // a 15 minute outage: 1,000 × 900 s
    expect(queue.outageBacklogMessages).toBe(900_000);
    expect(queue.overFifoLimit).toBe(false);
  });

  test('each 64 KiB of a message is billed as one request', () => {
    const queue = sizeQueue(1000, 0, { ...INPUT, eventBytes: 100_000 }, PRICES);
    expect(queue.requestsPerMonth).toBeCloseTo(26_280_000 * 3 * 2, 3);
  });

  test('above 300 messages/s a FIFO queue would need batching or high throughput', () => {
    expect(sizeQueue(100_000, 2, INPUT, PRICES).overFifoLimit).toBe(true);
  });
});

describe('the logs', () => {
  test('one line per request and service, one more per anomaly, kept for the retention', () => {
    const logs = sizeLogs(100, 101, INPUT, PRICES);
    // 100 × 1.01 + 101 = 202 lines/s × 248 B × 2,628,000 s = 131.652 GB
    expect(logs.linesPerSecond).toBeCloseTo(202, 10);
    expect(logs.ingestedGbPerMonth).toBeCloseTo(131.652, 3);
    expect(logs.ingestUsd).toBeCloseTo(65.826, 3);
    // 30 days of a 30.42-day month
    expect(logs.storedGb).toBeCloseTo((131.652 * 30) / (SECONDS_PER_MONTH / 86_400), 3);
  });
});

describe('the whole model', () => {
  const result = capacity(INPUT, CPU, PRICES);

  test('events per second and month', () => {
    expect(result.eventsPerSecond).toBe(100_000);
    expect(result.eventsPerMonth).toBe(100_000 * 730 * 3600);
  });

  test('processing also serves the events drained from the retry queue', () => {
    expect(result.processing.requestsPerSecond).toBeCloseTo(101_000, 6);
    // 0.71875e6 / 150 = 4,791.7 req/s a task; 101,000 / (4,791.7 × 0.6) = 35.1 → 36
    expect(result.processing.tasks).toBe(36);
    // 0.71875e6 / 250 = 2,875; 100,000 / 1,725 = 57.97 → 58
    expect(result.ingestion.tasks).toBe(58);
  });

  test('the total is the sum of the components, and the cost per million events follows', () => {
    const parts =
      result.ingestion.monthlyUsd +
      result.processing.monthlyUsd +
      result.loadBalancer.monthlyUsd +
      result.waf.monthlyUsd +
      result.cache.monthlyUsd +
      result.queue.monthlyUsd +
      result.logs.monthlyUsd +
      result.network.monthlyUsd;
    expect(result.monthlyUsd).toBeCloseTo(parts, 6);
    expect(result.usdPerMillionEvents).toBeCloseTo(result.monthlyUsd / 262_800, 6);
    // WAF: $5 + 2 rules + 262,800 million requests (100,000/s × 2,628,000 s) × $0.60
    expect(result.waf.monthlyUsd).toBeCloseTo(5 + 2 + 262_800 * 0.6, 6);
    expect(HOURS_PER_MONTH).toBe(730);
  });
});
