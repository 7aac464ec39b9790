#!/usr/bin/env node
// Benchmark of synthesis: the README's command (`npm run synth`), the same
// command without npm, the app alone (as cdktf.json runs it, and under tsx),
// and the cdktf CLI (`npx cdktf synth`) for comparison, against a bare
// `node -e "require('cdktf')"`. Each variant runs once to warm up, then
// BENCH_RUNS times (default 5) into a fresh output directory; the figures are
// medians of wall time (measured here), of CPU time and of peak RSS (every
// Node process of a run reports its own through a preloaded probe; CPU time
// is summed over them, and the less a busy machine sways it, the better it
// compares runs; peak RSS is the largest process's, and the sum over the
// processes, an upper bound of the run's peak). Two more rows
// show `npm run synth` when its cached bundles must be rebuilt: after an edit
// of main.ts (its modification time set to now), and with no cache at all.
// Usage: npm run bench:synth
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROBE = join(ROOT, 'scripts', 'bench', 'bench-synth-rss-probe.cjs');
const STACK_FILE = join('stacks', 'ev-pipeline-dev', 'cdk.tf.json');
const CACHE_DIR = join(ROOT, '.tmp', 'synth-app');
/** The README's command must answer within this; the app must stay within all three. */
const COMMAND_TARGET = { wallMs: 1500 };
const APP_TARGET = { wallMs: 1500, rssMb: 250, ratio: 3 };

const LOAD_BEFORE = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs `command` once in a shell; wall time by the harness, peak RSS from the probe's file. */
function runOnce(command, { expectStack }) {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const outdir = join(scratch, 'out');
  const rssFile = join(scratch, 'rss');
  const env = {
    ...process.env,
    CDKTF_OUTDIR: outdir, // the app
    CDKTF_OUTPUT: outdir, // npm run synth and the cdktf CLI (its --output)
    CHECKPOINT_DISABLE: '1', // the CLI's telemetry
    DISABLE_VERSION_CHECK: 'true', // the CLI's `npm view cdktf-cli version`
    BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PROBE}`.trim(),
  };
  const start = process.hrtime.bigint();
  const result = spawnSync(command, { shell: true, cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const synthesized = existsSync(join(outdir, STACK_FILE));
  const probes = existsSync(rssFile)
    ? readFileSync(rssFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ').map(Number))
    : [];
  const rssKb = probes.map(([kb]) => kb);
  rmSync(scratch, { recursive: true, force: true });
  if (result.status !== 0 || (expectStack && !synthesized) || rssKb.length === 0) {
    throw new Error(`${command} failed (exit ${result.status}, stack written: ${synthesized}):\n${result.stdout}\n${result.stderr}`);
  }
  return {
    wallMs,
    cpuMs: probes.reduce((sum, [, cpuMicros]) => sum + cpuMicros, 0) / 1000,
    maxMb: Math.max(...rssKb) / 1024,
    sumMb: rssKb.reduce((a, b) => a + b, 0) / 1024,
    processes: rssKb.length,
  };
}

function measure(kind, command, { expectStack = true, before = () => {}, label = command } = {}) {
  process.stderr.write(`measuring: ${label}\n`);
  runOnce(command, { expectStack }); // warm-up: file-system cache, cached bundles, tsx's transform cache
  const runs = Array.from({ length: RUNS }, () => {
    before();
    return runOnce(command, { expectStack });
  });
  return {
    kind,
    command: label,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxMb: median(runs.map((r) => r.maxMb)),
    sumMb: median(runs.map((r) => r.sumMb)),
    processes: runs[0].processes,
  };
}

const touchMain = () => utimesSync(join(ROOT, 'main.ts'), new Date(), new Date());
const dropCache = () => rmSync(CACHE_DIR, { recursive: true, force: true });
const baseline = measure('baseline', `node -e "require('cdktf')"`, { expectStack: false });
const results = [
  measure('command', 'npm run synth'),
  measure('command', 'node scripts/synth.cjs'),
  measure('app', 'node scripts/synth.cjs --app-only'),
  measure('app', 'node --import tsx main.ts'),
  measure('reference', 'npx cdktf synth'),
  measure('rebuild', 'npm run synth', { before: touchMain, label: 'npm run synth, main.ts edited' }),
  measure('rebuild', 'npm run synth', { before: dropCache, label: 'npm run synth, no cache' }),
];

function verdict(r) {
  if (r.kind === 'command') return r.wallMs <= COMMAND_TARGET.wallMs ? 'meets the target' : 'MISSES the target';
  if (r.kind === 'app') {
    const ok = r.wallMs <= APP_TARGET.wallMs && r.maxMb <= APP_TARGET.rssMb && r.wallMs / baseline.wallMs <= APP_TARGET.ratio;
    return ok ? 'meets all targets' : 'misses a target';
  }
  return '-';
}

const pad = (text, width) => String(text).padEnd(width);
const num = (value, digits = 0) => value.toFixed(digits);
console.log(`synth benchmark: median of ${RUNS} runs after one warm-up, ${process.version}, ${ROOT}`);
console.log(
  `targets: command <= ${COMMAND_TARGET.wallMs} ms wall; app <= ${APP_TARGET.wallMs} ms wall, <= ${APP_TARGET.rssMb} MB peak RSS, <= ${APP_TARGET.ratio}x the bare baseline`,
);
console.log('CPU: user + system of all Node processes; peak RSS: of the largest Node process / summed over them (count)');
console.log(
  `load average before: ${LOAD_BEFORE}, after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (${cpus().length} cores)\n`,
);
console.log(
  `${pad('kind', 11)}${pad('command', 36)}${pad('wall ms', 9)}${pad('CPU ms', 8)}${pad('peak RSS MB', 18)}${pad('x baseline', 12)}verdict`,
);
for (const r of [baseline, ...results]) {
  const rss = `${num(r.maxMb)} / ${num(r.sumMb)} (${r.processes})`;
  const ratio = num(r.wallMs / baseline.wallMs, 1);
  console.log(
    `${pad(r.kind, 11)}${pad(r.command, 36)}${pad(num(r.wallMs), 9)}${pad(num(r.cpuMs), 8)}${pad(rss, 18)}${pad(ratio, 12)}${verdict(r)}`,
  );
}
