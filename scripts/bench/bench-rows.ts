/**
 * The rows `npm run bench` writes (one per wrk run: load, implementation,
 * connections, round, req/s, p50, p99, errors, and each service's peak RSS,
 * CPU time per request and idle RSS) and their summary per load, connection
 * count and implementation over the rounds. Rows written before the RSS, CPU
 * or idle RSS columns existed parse with NaN for them.
 */

/** One measured wrk run. */
export interface Row {
  readonly load: string;
  readonly impl: string;
  readonly conns: number;
  readonly round: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** Ingestion's peak resident set so far (VmHWM, warm-up included) after this run, MiB; NaN when not recorded. */
  readonly ingestionRssMb: number;
  /** Processing's peak resident set so far (VmHWM, warm-up included) after this run, MiB; NaN when not recorded. */
  readonly processingRssMb: number;
  /** Ingestion's CPU time (user + system, all threads) in this run per request answered, µs; NaN when not recorded. */
  readonly ingestionCpuUs: number;
  /** Processing's CPU time (user + system, all threads) in this run per request answered, µs; NaN when not recorded. */
  readonly processingCpuUs: number;
  /** Ingestion's resident set a second after it started, before any load (VmRSS), MiB; NaN when not recorded. */
  readonly ingestionIdleRssMb: number;
  /** Processing's resident set a second after it started, before any load (VmRSS), MiB; NaN when not recorded. */
  readonly processingIdleRssMb: number;
}

/** A median with the range it summarises. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The runs of one implementation at one load and connection count. */
export interface Summary {
  readonly load: string;
  readonly conns: number;
  readonly impl: string;
  readonly runs: number;
  readonly rps: Spread;
  readonly p50: Spread;
  readonly p99: Spread;
  readonly errors: number;
  /** Ingestion's peak RSS over the runs, MiB (NaN when no run recorded it). */
  readonly ingestionRssMb: Spread;
  /** Processing's peak RSS over the runs, MiB (NaN when no run recorded it). */
  readonly processingRssMb: Spread;
  /** Ingestion's CPU time per request over the runs, µs (NaN when no run recorded it). */
  readonly ingestionCpuUs: Spread;
  /** Processing's CPU time per request over the runs, µs (NaN when no run recorded it). */
  readonly processingCpuUs: Spread;
  /** Ingestion's idle RSS over the runs, MiB (NaN when no run recorded it). */
  readonly ingestionIdleRssMb: Spread;
  /** Processing's idle RSS over the runs, MiB (NaN when no run recorded it). */
  readonly processingIdleRssMb: Spread;
}

/** The Fastify pipeline's name in the rows: the one the targets are about. */
export const FASTIFY = 'fastify';

/** Whether `impl` is a variant of the Go reference (`go-faithful`, `go-tuned`), which the Node implementations are compared with. */
export const isGoVariant = (impl: string): boolean => impl.startsWith('go-');

/** The median of `values` (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median and range of the values that are numbers; all NaN when none is. */
export function spread(values: readonly number[]): Spread {
  const numbers = values.filter((value) => !Number.isNaN(value));
  if (numbers.length === 0) return { median: NaN, min: NaN, max: NaN };
  return { median: median(numbers), min: Math.min(...numbers), max: Math.max(...numbers) };
}

/** An optional column's number: NaN when the column is absent or empty. */
const optionalNumber = (text: string | undefined): number => (text === undefined || text.trim() === '' ? NaN : Number(text));

/** The distinct values, in order of first appearance. */
export const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** Parses the tab-separated rows (with their header line). */
export function parseRows(text: string): Row[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'))
    .map(
      ([
        load,
        impl,
        ,
        conns,
        round,
        rps,
        p50,
        p99,
        errors,
        ingestionRss,
        processingRss,
        ingestionCpu,
        processingCpu,
        ingestionIdleRss,
        processingIdleRss,
      ]) => ({
        load,
        impl,
        conns: Number(conns),
        round: Number(round),
        rps: Number(rps),
        p50: Number(p50),
        p99: Number(p99),
        errors: Number(errors),
        ingestionRssMb: optionalNumber(ingestionRss),
        processingRssMb: optionalNumber(processingRss),
        ingestionCpuUs: optionalNumber(ingestionCpu),
        processingCpuUs: optionalNumber(processingCpu),
        ingestionIdleRssMb: optionalNumber(ingestionIdleRss),
        processingIdleRssMb: optionalNumber(processingIdleRss),
      }),
    );
}

/** One summary per load, connection count and implementation, in the order of the rows. */
export function summarise(rows: readonly Row[]): Summary[] {
  return distinct(rows.map((row) => row.load)).flatMap((load) =>
    distinct(rows.map((row) => row.conns)).flatMap((conns) =>
      distinct(rows.map((row) => row.impl)).flatMap((impl) => {
        const runs = rows.filter((row) => row.load === load && row.conns === conns && row.impl === impl);
        if (runs.length === 0) return [];
        return [
          {
            load,
            conns,
            impl,
            runs: runs.length,
            rps: spread(runs.map((run) => run.rps)),
            p50: spread(runs.map((run) => run.p50)),
            p99: spread(runs.map((run) => run.p99)),
            errors: runs.reduce((sum, run) => sum + run.errors, 0),
            ingestionRssMb: spread(runs.map((run) => run.ingestionRssMb)),
            processingRssMb: spread(runs.map((run) => run.processingRssMb)),
            ingestionCpuUs: spread(runs.map((run) => run.ingestionCpuUs)),
            processingCpuUs: spread(runs.map((run) => run.processingCpuUs)),
            ingestionIdleRssMb: spread(runs.map((run) => run.ingestionIdleRssMb)),
            processingIdleRssMb: spread(runs.map((run) => run.processingIdleRssMb)),
          },
        ];
      }),
    ),
  );
}
