/**
 * The speed target of the Fastify pipeline: what a Fargate task pays for is
 * CPU time, so both services together must spend at most 0.9× the CPU time
 * per request of the Go services as the article wrote them (go-faithful), on
 * both loads at 64 connections, with a p99 no worse than theirs — medians of
 * the per-round ratios of one interleaved run. Throughput on loopback is
 * reported but not judged: a Node service is one thread, the Go services use
 * every core of the machine, so req/s measures the machine more than the code.
 */
import { FASTIFY, median } from './bench-rows';
import type { Ratios } from './bench-ratios';

export const SPEED_TARGET = {
  impl: FASTIFY,
  versus: 'go-faithful',
  conns: 64,
  loads: ['post', 'unique'],
  /** Largest allowed median of (both Fastify services' CPU µs per request) ÷ (both Go services'). */
  cpuPerRequestRatio: 0.9,
  /** Largest allowed median of Fastify p99 ÷ Go p99. */
  p99Ratio: 1,
} as const;

/** The target judged at one load. */
export interface LoadVerdict {
  readonly load: string;
  /** Median CPU-per-request ratio; NaN when the rows recorded no CPU time. */
  readonly cpuPerRequestRatio: number;
  readonly p99Ratio: number;
  readonly met: boolean;
}

/** The target judged on a run: per load it measured, and overall (every load of the target measured and met). */
export interface SpeedVerdict {
  readonly loads: readonly LoadVerdict[];
  /** Loads of the target the run did not measure at the target's connection count against its Go variant. */
  readonly missing: readonly string[];
  readonly met: boolean;
}

/** Judges the target from a run's ratios; undefined when the run has no ratio the target is about. */
export function judgeSpeedTarget(ratios: readonly Ratios[]): SpeedVerdict | undefined {
  const relevant = ratios.filter((r) => r.impl === SPEED_TARGET.impl && r.versus === SPEED_TARGET.versus && r.conns === SPEED_TARGET.conns);
  if (relevant.length === 0) return undefined;
  const loads = relevant.map((r): LoadVerdict => {
    const cpuPerRequestRatio = r.cpuPerRequest.length === 0 ? NaN : median(r.cpuPerRequest);
    const p99Ratio = median(r.p99);
    return {
      load: r.load,
      cpuPerRequestRatio,
      p99Ratio,
      met: cpuPerRequestRatio <= SPEED_TARGET.cpuPerRequestRatio && p99Ratio <= SPEED_TARGET.p99Ratio,
    };
  });
  const missing = SPEED_TARGET.loads.filter((load) => !loads.some((verdict) => verdict.load === load));
  return { loads, missing, met: missing.length === 0 && loads.every((verdict) => verdict.met) };
}
