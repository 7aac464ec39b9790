/**
 * Client-observed latency of ingestion's `POST /ev` under a closed loop:
 * `concurrency` workers each send distinct events one after the other, with no
 * client-side retry, for a warm-up and then a measured window. Used by
 * `npm run bench:retries` to show what in-process retries cost at a given
 * `FAULT_503_RATE`.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { PipelineCluster } from './cluster';
import { drillEvent, postEvent } from './client';
import { percentile } from './stats';

/** Options of {@link measureLatency}. */
export interface LatencyOptions {
  /** Workers, each with one call in flight. @default 2 */
  readonly concurrency?: number;
  /** Measured window (ms). @default 5000 */
  readonly durationMs?: number;
  /** Calls before the window are not counted (ms). @default 1000 */
  readonly warmupMs?: number;
  /** Vehicles the events are spread over. @default 200 */
  readonly vehicles?: number;
  /** Prefix of the vehicle ids (distinct per run). */
  readonly runId: string;
}

/** Latency figures of one measured window. */
export interface LatencyResult {
  /** Calls started and finished inside the window. */
  readonly calls: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Calls by answer status (`conn-error` for no answer). */
  readonly byStatus: Readonly<Record<string, number>>;
}

/** Runs the closed loop against the cluster's ingestion. */
export async function measureLatency(cluster: PipelineCluster, options: LatencyOptions): Promise<LatencyResult> {
  const concurrency = options.concurrency ?? 2;
  const warmupMs = options.warmupMs ?? 1_000;
  const durationMs = options.durationMs ?? 5_000;
  const vehicles = options.vehicles ?? 200;
  const pool = new Pool(cluster.ingestionUrl, { connections: concurrency });
  const started = performance.now();
  const windowStart = started + warmupMs;
  const windowEnd = windowStart + durationMs;
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < windowEnd) {
      const event = drillEvent(options.runId, next, vehicles);
      next += 1;
      const callStart = performance.now();
      const outcome = await postEvent(pool, event);
      if (callStart < windowStart || performance.now() > windowEnd) continue;
      latencies.push(outcome.latencyMs);
      const label = outcome.kind === 'answer' ? String(outcome.status) : 'conn-error';
      byStatus[label] = (byStatus[label] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
  } finally {
    await pool.close();
  }
  return {
    calls: latencies.length,
    requestsPerSecond: latencies.length / (durationMs / 1_000),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    byStatus,
  };
}
