/**
 * Summarises the rows of `scripts/bench.sh` (scripts/bench/bench-text-report.ts)
 * and, with --chart, draws their medians as an SVG chart
 * (scripts/bench/bench-chart.ts).
 *
 * Usage: node --import tsx scripts/bench/bench-report.ts ROWS.tsv [--chart FILE.svg] [--setup "how it was measured"]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchChart } from './bench-chart';
import { distinct, FASTIFY, isGoVariant, parseRows, summarise } from './bench-rows';
import { benchReport } from './bench-text-report';

const { values, positionals } = parseArgs({
  options: { chart: { type: 'string' }, setup: { type: 'string', default: '' } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  process.stderr.write('usage: bench-report.ts ROWS.tsv [--chart FILE.svg] [--setup TEXT]\n');
  process.exit(2);
}
const rows = parseRows(readFileSync(positionals[0], 'utf8'));
if (rows.length === 0) {
  process.stderr.write(`bench-report: ${positionals[0]} holds no measurement\n`);
  process.exit(1);
}
process.stdout.write(`${benchReport(rows).join('\n')}\n`);
if (values.chart !== undefined) {
  const rounds = distinct(rows.map((row) => row.round)).length;
  const withGo = rows.some((row) => isGoVariant(row.impl));
  const fastifyOnly = rows.every((row) => row.impl === FASTIFY);
  const measured = fastifyOnly ? 'the Fastify pipeline' : 'the Node implementations';
  const title = withGo
    ? `npm run bench: ${measured} against the Go reference`
    : `npm run bench: ${measured} alone (no Go reference measured)`;
  const subtitle = `Medians of ${rounds} interleaved round(s), whiskers min–max; ${values.setup}`.replace(/; $/, '');
  writeFileSync(values.chart, benchChart(summarise(rows), { title, subtitle }));
  process.stdout.write(`\nChart: ${values.chart}\n`);
}
