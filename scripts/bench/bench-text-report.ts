/**
 * The text `npm run bench` prints: per load, connection count and
 * implementation the median req/s, p50 and p99 over the rounds with their
 * ranges; then, when the rows record them, the peak RSS of ingestion and of
 * processing under load (VmHWM, warm-up included) and their CPU time per
 * request (median and min–max over the rounds); then each Node
 * implementation's ratios to each Go variant, computed per round (the
 * implementations ran back to back) and summarised as median and min–max;
 * then the Fastify pipeline's speed target (scripts/bench/speed-target.ts). Without Go rows it
 * says that the Node side was measured alone.
 */
import { ratiosToGo } from './bench-ratios';
import { distinct, FASTIFY, isGoVariant, median, summarise, type Row, type Spread, type Summary } from './bench-rows';
import { judgeSpeedTarget, SPEED_TARGET, type SpeedVerdict } from './speed-target';

const range = (values: readonly number[], digits: number): string =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const pad = (text: string, width: number): string => text.padEnd(width);

/** The report's lines. */
export function benchReport(rows: readonly Row[]): string[] {
  const rounds = distinct(rows.map((row) => row.round)).length;
  const impls = distinct(rows.map((row) => row.impl));
  const goVariants = impls.filter(isGoVariant);
  const nodeImpls = impls.filter((impl) => !isGoVariant(impl));
  const lines = [`Medians over ${rounds} interleaved round(s); ranges are min–max over the rounds.`];
  if (goVariants.length === 0) {
    const measured = nodeImpls.length === 1 && nodeImpls[0] === FASTIFY ? 'The Fastify pipeline alone' : `${nodeImpls.join(', ')} alone`;
    lines.push(`${measured}: no Go reference was measured (set GO_REFERENCE_DIR to compare), so no ratios and no targets.`);
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
  lines.push(
    ...perServiceTable(
      summaries,
      'Idle RSS, a second after start (MiB, median over rounds, min–max)',
      'ingestionIdleRssMb',
      'processingIdleRssMb',
      1,
    ),
  );
  lines.push(
    ...perServiceTable(summaries, 'Peak RSS under load (MiB, median over rounds, min–max)', 'ingestionRssMb', 'processingRssMb', 1),
  );
  lines.push(
    ...perServiceTable(
      summaries,
      'CPU time per request (µs, user + system of all threads, median over rounds, min–max)',
      'ingestionCpuUs',
      'processingCpuUs',
      0,
    ),
  );
  if (goVariants.length === 0) return lines;

  lines.push('');
  lines.push('Node / Go, per round (req/s ratio: higher is better; p99 and CPU per request ratios: lower is better)');
  for (const r of ratiosToGo(rows)) {
    const cpu = r.cpuPerRequest.length === 0 ? '' : `   ${ratio('CPU/request', r.cpuPerRequest)}`;
    lines.push(
      `${pad(r.load, 7)}${pad(String(r.conns), 6)}${pad(r.impl, 11)}vs ${pad(r.versus, 12)} ${ratio('req/s', r.rps)}   ${ratio('p99', r.p99)}${cpu}`,
    );
  }
  const verdict = judgeSpeedTarget(ratiosToGo(rows));
  if (verdict !== undefined) lines.push('', ...speedTargetLines(verdict));
  return lines;
}

/** The speed target's lines: per load the CPU-per-request and p99 ratios against their limits, then the verdict. */
export function speedTargetLines(verdict: SpeedVerdict): string[] {
  const { conns, versus, cpuPerRequestRatio, p99Ratio } = SPEED_TARGET;
  const lines = [
    `Speed target at ${conns} connections: both Fastify services together ≤ ×${cpuPerRequestRatio.toFixed(2)} the CPU time per request ` +
      `of ${versus} (the Go services as the article wrote them), p99 ≤ ×${p99Ratio.toFixed(2)} theirs, on ${SPEED_TARGET.loads.join(' and ')}:`,
  ];
  for (const load of verdict.loads) {
    const cpu = Number.isNaN(load.cpuPerRequestRatio) ? 'not recorded' : `×${load.cpuPerRequestRatio.toFixed(2)}`;
    lines.push(
      `  ${load.load}: CPU/request ${cpu} (target ≤ ${cpuPerRequestRatio.toFixed(2)}), p99 ×${load.p99Ratio.toFixed(2)} ` +
        `(target ≤ ${p99Ratio.toFixed(2)}): ${load.met ? 'met' : 'NOT met'}`,
    );
  }
  if (verdict.missing.length > 0) lines.push(`  ${verdict.missing.join(', ')}: not measured`);
  lines.push(`  Speed target: ${verdict.met ? 'MET' : 'NOT MET'}`);
  return lines;
}

/** `name ×median (min–max)` of per-round ratios. */
const ratio = (name: string, values: readonly number[]): string => `${name} ×${median(values).toFixed(2)} (${range(values, 2)})`;

/** A table of one per-service figure (ingestion, processing), or no lines when no summary records it. */
function perServiceTable(
  summaries: readonly Summary[],
  title: string,
  ingestion: 'ingestionIdleRssMb' | 'ingestionRssMb' | 'ingestionCpuUs',
  processing: 'processingIdleRssMb' | 'processingRssMb' | 'processingCpuUs',
  digits: number,
): string[] {
  const recorded = summaries.filter((s) => !Number.isNaN(s[ingestion].median) || !Number.isNaN(s[processing].median));
  if (recorded.length === 0) return [];
  const cell = (value: Spread): string =>
    Number.isNaN(value.median) ? 'n/a' : `${value.median.toFixed(digits)} (${value.min.toFixed(digits)}–${value.max.toFixed(digits)})`;
  return [
    '',
    title,
    `${pad('load', 7)}${pad('conns', 6)}${pad('impl', 13)}${pad('ingestion', 22)}processing`,
    ...recorded.map(
      (s) => `${pad(s.load, 7)}${pad(String(s.conns), 6)}${pad(s.impl, 13)}${pad(cell(s[ingestion]), 22)}${cell(s[processing])}`,
    ),
  ];
}
