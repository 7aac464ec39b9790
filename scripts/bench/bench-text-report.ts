/**
 * The text `npm run bench` prints: per load, connection count and
 * implementation the median req/s, p50 and p99 over the rounds with their
 * ranges; then, when the rows record it, the peak RSS of ingestion and of
 * processing under load (VmHWM, warm-up included: median and min–max over the
 * rounds); then Fastify's ratios to each Go variant, computed per round (the
 * implementations ran back to back) and summarised as median and min–max;
 * then the targets at 64 connections. Without Go rows it says that the
 * Fastify pipeline was measured alone.
 */
import { distinct, FASTIFY, median, summarise, type Row, type Spread } from './bench-rows';

/** The throughput and p99 targets against the Go reference as the article wrote it, at 64 connections. */
export const TARGET = { versus: 'go-faithful', conns: 64, rpsRatio: 1.2, p99Ratio: 1 } as const;

const range = (values: readonly number[], digits: number): string =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const pad = (text: string, width: number): string => text.padEnd(width);
const rss = (mb: Spread): string =>
  Number.isNaN(mb.median) ? 'n/a' : `${mb.median.toFixed(1)} (${mb.min.toFixed(1)}–${mb.max.toFixed(1)})`;

/** The report's lines. */
export function benchReport(rows: readonly Row[]): string[] {
  const rounds = distinct(rows.map((row) => row.round)).length;
  const goVariants = distinct(rows.map((row) => row.impl)).filter((impl) => impl !== FASTIFY);
  const lines = [`Medians over ${rounds} interleaved round(s); ranges are min–max over the rounds.`];
  if (goVariants.length === 0) {
    lines.push('The Fastify pipeline alone: no Go reference was measured (set GO_REFERENCE_DIR to compare), so no ratios and no targets.');
  }
  lines.push('');
  lines.push(
    `${pad('load', 7)}${pad('conns', 6)}${pad('impl', 13)}${pad('req/s', 8)}${pad('(min–max)', 14)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('(min–max)', 14)}errors`,
  );
  const summaries = summarise(rows);
  for (const s of summaries) {
    lines.push(
      `${pad(s.load, 7)}${pad(String(s.conns), 6)}${pad(s.impl, 13)}${pad(s.rps.median.toFixed(0), 8)}` +
        `${pad(`(${s.rps.min.toFixed(0)}–${s.rps.max.toFixed(0)})`, 14)}${pad(s.p50.median.toFixed(2), 8)}` +
        `${pad(s.p99.median.toFixed(2), 8)}${pad(`(${s.p99.min.toFixed(1)}–${s.p99.max.toFixed(1)})`, 14)}${s.errors}`,
    );
  }
  const withRss = summaries.filter((s) => !Number.isNaN(s.ingestionRssMb.median) || !Number.isNaN(s.processingRssMb.median));
  if (withRss.length > 0) {
    lines.push('');
    lines.push('Peak RSS under load (MiB, median over rounds, min–max)');
    lines.push(`${pad('load', 7)}${pad('conns', 6)}${pad('impl', 13)}${pad('ingestion', 22)}processing`);
    for (const s of withRss) {
      lines.push(`${pad(s.load, 7)}${pad(String(s.conns), 6)}${pad(s.impl, 13)}${pad(rss(s.ingestionRssMb), 22)}${rss(s.processingRssMb)}`);
    }
  }
  if (goVariants.length === 0) return lines;

  lines.push('');
  lines.push('Fastify / Go, per round (req/s ratio: higher is better; p99 ratio: lower is better)');
  const targets: string[] = [];
  for (const load of distinct(rows.map((row) => row.load))) {
    for (const conns of distinct(rows.map((row) => row.conns))) {
      for (const go of goVariants) {
        const pairs = distinct(rows.map((row) => row.round)).flatMap((round) => {
          const find = (impl: string) =>
            rows.find((row) => row.load === load && row.conns === conns && row.round === round && row.impl === impl);
          const fastify = find(FASTIFY);
          const other = find(go);
          return fastify !== undefined && other !== undefined ? [{ rps: fastify.rps / other.rps, p99: fastify.p99 / other.p99 }] : [];
        });
        if (pairs.length === 0) continue;
        const rpsRatio = median(pairs.map((pair) => pair.rps));
        const p99Ratio = median(pairs.map((pair) => pair.p99));
        lines.push(
          `${pad(load, 7)}${pad(String(conns), 6)}vs ${pad(go, 12)} req/s ×${rpsRatio.toFixed(2)} (${range(
            pairs.map((pair) => pair.rps),
            2,
          )})` +
            `   p99 ×${p99Ratio.toFixed(2)} (${range(
              pairs.map((pair) => pair.p99),
              2,
            )})`,
        );
        if (conns === TARGET.conns && go === TARGET.versus) {
          const met = rpsRatio >= TARGET.rpsRatio && p99Ratio <= TARGET.p99Ratio;
          targets.push(
            `${load}: throughput ×${rpsRatio.toFixed(2)} (target ≥ ${TARGET.rpsRatio.toFixed(2)}), ` +
              `p99 ×${p99Ratio.toFixed(2)} (target ≤ ${TARGET.p99Ratio.toFixed(2)}): ${met ? 'met' : 'NOT met'}`,
          );
        }
      }
    }
  }
  if (targets.length > 0) {
    lines.push('');
    lines.push(`Targets at ${TARGET.conns} connections against the Go reference as the article wrote it:`);
    lines.push(...targets.map((target) => `  ${target}`));
  }
  return lines;
}
