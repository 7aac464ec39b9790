/**
 * Summarises the rows of `scripts/bench/bench.sh` (bench-text-report.ts),
 * with --chart draws their medians as an SVG chart (bench-chart.ts), and with
 * --cpu-json writes the CPU time per request as JSON (cpu-per-request.ts).
 *
 * Usage: node --import tsx scripts/bench/bench-report.ts ROWS.tsv [--chart FILE.svg] [--setup "how it was measured"]
 *          [--cpu-json FILE.json --host "CPU model" --cores N --go "go version" --load-average L --duration S --warmup S --warmup-requests N]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { benchChart } from './bench-chart';
import { distinct, FASTIFY, isGoVariant, parseRows, summarise } from './bench-rows';
import { benchReport } from './bench-text-report';
import { cpuPerRequestRecord } from './cpu-per-request';

const { values, positionals } = parseArgs({
  options: {
    chart: { type: 'string' },
    setup: { type: 'string', default: '' },
    'cpu-json': { type: 'string' },
    host: { type: 'string', default: 'unknown' },
    cores: { type: 'string', default: '0' },
    go: { type: 'string', default: '' },
    'load-average': { type: 'string', default: '' },
    duration: { type: 'string', default: '0' },
    warmup: { type: 'string', default: '0' },
    'warmup-requests': { type: 'string', default: '0' },
  },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  process.stderr.write('usage: bench-report.ts ROWS.tsv [--chart FILE.svg] [--setup TEXT] [--cpu-json FILE.json --host TEXT ...]\n');
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
  mkdirSync(dirname(values.chart), { recursive: true });
  writeFileSync(values.chart, benchChart(summarise(rows), { title, subtitle }));
  process.stdout.write(`\nChart: ${values.chart}\n`);
}
if (values['cpu-json'] !== undefined) {
  const loadAverage = Number.parseFloat(values['load-average']);
  const record = cpuPerRequestRecord(rows, {
    host: values.host,
    cores: Number(values.cores),
    date: new Date().toISOString(),
    node: process.version,
    go: values.go === '' ? null : values.go,
    loadAverageBefore: Number.isFinite(loadAverage) ? loadAverage : null,
    durationSeconds: Number(values.duration),
    warmupSeconds: Number(values.warmup),
    warmupRequests: Number(values['warmup-requests']),
  });
  mkdirSync(dirname(values['cpu-json']), { recursive: true });
  writeFileSync(values['cpu-json'], `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`CPU per request (JSON, read by npm run capacity): ${values['cpu-json']}\n`);
}
