/**
 * Summarises the rows of `scripts/bench.sh`: per load, connection count and
 * implementation the median req/s, p50 and p99 over the rounds with the req/s
 * range; then Fastify's ratios to each Go variant, computed per round (the
 * implementations ran back to back) and summarised as median and min–max;
 * then the issue's targets at 64 connections.
 *
 * Usage: node --import tsx scripts/bench-report.ts bench-results/bench-<time>.tsv
 */
import { readFileSync } from 'node:fs';

/** One measured wrk run. */
interface Row {
  readonly load: string;
  readonly impl: string;
  readonly conns: number;
  readonly round: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** The median of `values` (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function parseRows(text: string): Row[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([load, impl, , conns, round, rps, p50, p99, errors]) => ({
      load,
      impl,
      conns: Number(conns),
      round: Number(round),
      rps: Number(rps),
      p50: Number(p50),
      p99: Number(p99),
      errors: Number(errors),
    }));
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const range = (values: number[], digits: number): string =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const pad = (text: string, width: number): string => text.padEnd(width);

function report(rows: Row[]): string[] {
  const lines: string[] = [];
  const rounds = unique(rows.map((row) => row.round)).length;
  lines.push(`Medians over ${rounds} interleaved round(s); ranges are min–max over the rounds.`);
  lines.push('');
  lines.push(`${pad('load', 7)}${pad('conns', 6)}${pad('impl', 13)}${pad('req/s', 8)}${pad('(min–max)', 14)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('(min–max)', 14)}errors`);
  for (const load of unique(rows.map((row) => row.load))) {
    for (const conns of unique(rows.map((row) => row.conns))) {
      for (const impl of unique(rows.map((row) => row.impl))) {
        const runs = rows.filter((row) => row.load === load && row.conns === conns && row.impl === impl);
        if (runs.length === 0) continue;
        const rps = runs.map((run) => run.rps);
        const p99 = runs.map((run) => run.p99);
        lines.push(
          `${pad(load, 7)}${pad(String(conns), 6)}${pad(impl, 13)}${pad(median(rps).toFixed(0), 8)}${pad(`(${range(rps, 0)})`, 14)}` +
            `${pad(median(runs.map((run) => run.p50)).toFixed(2), 8)}${pad(median(p99).toFixed(2), 8)}${pad(`(${range(p99, 1)})`, 14)}` +
            `${runs.reduce((sum, run) => sum + run.errors, 0)}`,
        );
      }
    }
  }
  lines.push('');
  lines.push('Fastify / Go, per round (req/s ratio: higher is better; p99 ratio: lower is better)');
  const targets: string[] = [];
  for (const load of unique(rows.map((row) => row.load))) {
    for (const conns of unique(rows.map((row) => row.conns))) {
      for (const go of ['go-faithful', 'go-tuned']) {
        const pairs = unique(rows.map((row) => row.round)).flatMap((round) => {
          const find = (impl: string) => rows.find((row) => row.load === load && row.conns === conns && row.round === round && row.impl === impl);
          const fastify = find('fastify');
          const other = find(go);
          return fastify !== undefined && other !== undefined ? [{ rps: fastify.rps / other.rps, p99: fastify.p99 / other.p99 }] : [];
        });
        if (pairs.length === 0) continue;
        const rpsRatio = median(pairs.map((pair) => pair.rps));
        const p99Ratio = median(pairs.map((pair) => pair.p99));
        lines.push(
          `${pad(load, 7)}${pad(String(conns), 6)}vs ${pad(go, 12)} req/s ×${rpsRatio.toFixed(2)} (${range(pairs.map((pair) => pair.rps), 2)})` +
            `   p99 ×${p99Ratio.toFixed(2)} (${range(pairs.map((pair) => pair.p99), 2)})`,
        );
        if (conns === 64 && go === 'go-faithful') {
          const met = rpsRatio >= 1.2 && p99Ratio <= 1;
          targets.push(`${load}: throughput ×${rpsRatio.toFixed(2)} (target ≥ 1.20), p99 ×${p99Ratio.toFixed(2)} (target ≤ 1.00): ${met ? 'met' : 'NOT met'}`);
        }
      }
    }
  }
  if (targets.length > 0) {
    lines.push('');
    lines.push('Targets at 64 connections against the Go reference as the article wrote it:');
    lines.push(...targets.map((target) => `  ${target}`));
  }
  return lines;
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: bench-report.ts ROWS.tsv\n');
  process.exit(2);
}
process.stdout.write(`${report(parseRows(readFileSync(file, 'utf8'))).join('\n')}\n`);
