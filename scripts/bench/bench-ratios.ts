/**
 * The Node implementations' ratios to the Go variants, per round: each round
 * runs the implementations back to back, so a ratio of the same round shares
 * the machine's state, and the median of the per-round ratios is the figure
 * to quote.
 */
import { distinct, isGoVariant, type Row } from './bench-rows';

/** One Node implementation against one Go variant at one load and connection count. */
export interface Ratios {
  readonly load: string;
  readonly conns: number;
  /** The Node implementation (`fastify`, `node-floor`). */
  readonly impl: string;
  /** The Go variant (`go-faithful`, `go-tuned`). */
  readonly versus: string;
  /** Node req/s ÷ Go req/s, one per round (higher is better). */
  readonly rps: readonly number[];
  /** Node p99 ÷ Go p99, one per round (lower is better). */
  readonly p99: readonly number[];
  /**
   * Both Node services' CPU time per request ÷ both Go services', one per round
   * where both were recorded (lower is better); empty for rows without CPU columns.
   */
  readonly cpuPerRequest: readonly number[];
}

/** Both services' CPU time per request of one run, µs; NaN when not recorded. */
export const cpuPerRequest = (row: Row): number => row.ingestionCpuUs + row.processingCpuUs;

/** The ratios of every Node implementation to every Go variant, per load and connection count, in the order of the rows. */
export function ratiosToGo(rows: readonly Row[]): Ratios[] {
  const impls = distinct(rows.map((row) => row.impl));
  const goVariants = impls.filter(isGoVariant);
  const nodeImpls = impls.filter((impl) => !isGoVariant(impl));
  const rounds = distinct(rows.map((row) => row.round));
  const result: Ratios[] = [];
  for (const load of distinct(rows.map((row) => row.load))) {
    for (const conns of distinct(rows.map((row) => row.conns))) {
      for (const impl of nodeImpls) {
        for (const versus of goVariants) {
          const find = (round: number, name: string) =>
            rows.find((row) => row.load === load && row.conns === conns && row.round === round && row.impl === name);
          const pairs = rounds.flatMap((round) => {
            const [ours, theirs] = [find(round, impl), find(round, versus)];
            return ours !== undefined && theirs !== undefined ? [{ ours, theirs }] : [];
          });
          if (pairs.length === 0) continue;
          result.push({
            load,
            conns,
            impl,
            versus,
            rps: pairs.map(({ ours, theirs }) => ours.rps / theirs.rps),
            p99: pairs.map(({ ours, theirs }) => ours.p99 / theirs.p99),
            cpuPerRequest: pairs.map(({ ours, theirs }) => cpuPerRequest(ours) / cpuPerRequest(theirs)).filter((r) => !Number.isNaN(r)),
          });
        }
      }
    }
  }
  return result;
}
