/**
 * The machine-readable record of a `npm run bench` run's CPU time per request
 * (docs/bench/cpu-per-request.json with --update-docs): the host it ran on,
 * how it ran, and per load, connection count and implementation the medians
 * of each service's CPU time per request over the interleaved rounds, with
 * the ratios to the Go variants and the speed target's verdict.
 * `npm run capacity` sizes tasks from it.
 */
import { ratiosToGo } from './bench-ratios';
import { distinct, median, summarise, type Row, type Spread } from './bench-rows';
import { judgeSpeedTarget, SPEED_TARGET } from './speed-target';

/** The record's format version; a reader refuses any other. */
export const CPU_RECORD_VERSION = 1;

/** A median with its range over the rounds; null where nothing was recorded (JSON has no NaN). */
export interface JsonSpread {
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** One implementation at one load and connection count. */
export interface CpuMeasurement {
  readonly load: string;
  readonly conns: number;
  readonly impl: string;
  readonly rounds: number;
  /** Requests per second over the wrk run. */
  readonly rps: JsonSpread;
  readonly p99Ms: JsonSpread;
  /** Ingestion's CPU time (user + system, all threads) per request answered, µs. */
  readonly ingestionUs: JsonSpread;
  /** Processing's CPU time per request answered, µs. */
  readonly processingUs: JsonSpread;
  /** Both services' CPU time per request, µs: the spread of the per-round sums. */
  readonly totalUs: JsonSpread;
  /** Peak resident set of each service after the run (VmHWM, warm-up included), MiB. */
  readonly ingestionRssMb: JsonSpread;
  readonly processingRssMb: JsonSpread;
}

/** How and where the run was measured. */
export interface RunSetup {
  /** The processor (lscpu's "Model name"), with the core count. */
  readonly host: string;
  readonly cores: number;
  /** ISO 8601 time the report was written. */
  readonly date: string;
  /** `node --version` of the services. */
  readonly node: string;
  /** `go version` of the Go services; null without them. */
  readonly go: string | null;
  /** The 1-minute load average before the run: other work on the machine. */
  readonly loadAverageBefore: number | null;
  readonly durationSeconds: number;
  /** Seconds of one warm-up run. */
  readonly warmupSeconds: number;
  /** Requests the warm-up runs answered at least (they repeat until then, 60 s at most). */
  readonly warmupRequests: number;
}

export interface CpuPerRequestRecord extends RunSetup {
  readonly version: typeof CPU_RECORD_VERSION;
  readonly rounds: number;
  readonly connections: readonly number[];
  readonly measurements: readonly CpuMeasurement[];
  /** Node ÷ Go per round, summarised (lower is better for CPU and p99). */
  readonly ratios: readonly {
    readonly load: string;
    readonly conns: number;
    readonly impl: string;
    readonly versus: string;
    readonly cpuPerRequest: JsonSpread;
    readonly p99: JsonSpread;
    readonly rps: JsonSpread;
  }[];
  /** The speed target's verdict; null when the Go reference was not measured. */
  readonly speedTarget: {
    readonly cpuPerRequestRatioMax: number;
    readonly p99RatioMax: number;
    readonly conns: number;
    readonly versus: string;
    readonly loads: readonly {
      readonly load: string;
      readonly cpuPerRequestRatio: number | null;
      readonly p99Ratio: number;
      readonly met: boolean;
    }[];
    readonly met: boolean;
  } | null;
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
const json = (s: Spread, digits: number): JsonSpread => {
  const round = (value: number) => finite(Number(value.toFixed(digits)));
  return { median: round(s.median), min: round(s.min), max: round(s.max) };
};
const spreadOf = (values: readonly number[]): Spread => {
  const numbers = values.filter((value) => !Number.isNaN(value));
  return numbers.length === 0
    ? { median: NaN, min: NaN, max: NaN }
    : { median: median(numbers), min: Math.min(...numbers), max: Math.max(...numbers) };
};

/** The record of `rows` measured as `setup` says. */
export function cpuPerRequestRecord(rows: readonly Row[], setup: RunSetup): CpuPerRequestRecord {
  const ratios = ratiosToGo(rows);
  const verdict = judgeSpeedTarget(ratios);
  return {
    version: CPU_RECORD_VERSION,
    ...setup,
    rounds: distinct(rows.map((row) => row.round)).length,
    connections: distinct(rows.map((row) => row.conns)),
    measurements: summarise(rows).map((s) => ({
      load: s.load,
      conns: s.conns,
      impl: s.impl,
      rounds: s.runs,
      rps: json(s.rps, 0),
      p99Ms: json(s.p99, 2),
      ingestionUs: json(s.ingestionCpuUs, 1),
      processingUs: json(s.processingCpuUs, 1),
      totalUs: json(
        spreadOf(
          rows
            .filter((row) => row.load === s.load && row.conns === s.conns && row.impl === s.impl)
            .map((row) => row.ingestionCpuUs + row.processingCpuUs),
        ),
        1,
      ),
      ingestionRssMb: json(s.ingestionRssMb, 1),
      processingRssMb: json(s.processingRssMb, 1),
    })),
    ratios: ratios.map((r) => ({
      load: r.load,
      conns: r.conns,
      impl: r.impl,
      versus: r.versus,
      cpuPerRequest: json(spreadOf(r.cpuPerRequest), 3),
      p99: json(spreadOf(r.p99), 3),
      rps: json(spreadOf(r.rps), 3),
    })),
    speedTarget:
      verdict === undefined
        ? null
        : {
            cpuPerRequestRatioMax: SPEED_TARGET.cpuPerRequestRatio,
            p99RatioMax: SPEED_TARGET.p99Ratio,
            conns: SPEED_TARGET.conns,
            versus: SPEED_TARGET.versus,
            loads: verdict.loads.map((load) => ({
              load: load.load,
              cpuPerRequestRatio: finite(Number(load.cpuPerRequestRatio.toFixed(3))),
              p99Ratio: Number(load.p99Ratio.toFixed(3)),
              met: load.met,
            })),
            met: verdict.met,
          },
  };
}
