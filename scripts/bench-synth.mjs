#!/usr/bin/env node
// Benchmark of `cdktf synth`'s app process: wall time and peak RSS, median of
// BENCH_RUNS runs (default 5), against a bare `node -e "require('cdktf')"`.
// Usage: npm run bench:synth
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROBE = join(ROOT, 'scripts', 'bench-synth-rss-probe.cjs');
const COMPILED = join(ROOT, '.tmp', 'bench-synth-dist');
const TARGET = { wallMs: 1500, rssMb: 250, ratio: 3 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Runs `command` once; wall time by the harness, peak RSS as the largest of the process tree's Node processes. */
function runOnce(command, args, { expectStack }) {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const env = {
    ...process.env,
    CDKTF_OUTDIR: outdir,
    CHECKPOINT_DISABLE: '1',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PROBE}`.trim(),
  };
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const synthesized = existsSync(join(outdir, 'stacks', 'ev-pipeline-dev', 'cdk.tf.json'));
  rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0 || (expectStack && !synthesized)) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  }
  const rssKb = [...result.stderr.matchAll(/BENCH_MAXRSS_KB=(\d+)/g)].map((m) => Number(m[1]));
  return { wallMs, rssMb: Math.max(...rssKb) / 1024 };
}

function measure(label, command, args, expectStack = true) {
  runOnce(command, args, { expectStack }); // warm-up: file-system cache, tsx's transform cache
  const runs = Array.from({ length: RUNS }, () => runOnce(command, args, { expectStack }));
  return { label, wallMs: median(runs.map((r) => r.wallMs)), rssMb: median(runs.map((r) => r.rssMb)) };
}

// The precompiled variant: the same main.ts, compiled once with tsc (not timed below).
const compileStart = process.hrtime.bigint();
rmSync(COMPILED, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--outDir', COMPILED, '--rootDir', ROOT, '--module', 'commonjs', '--target', 'ES2022',
    '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--strict', '--types', 'node',
    join(ROOT, 'main.ts'),
  ],
  { cwd: ROOT, encoding: 'utf8' },
);
if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;

const baseline = measure(`bare node -e "require('cdktf')"`, process.execPath, ['-e', "require('cdktf')"], false);
const results = [
  measure('app as cdktf.json runs it: node scripts/synth-app.cjs', process.execPath, [join(ROOT, 'scripts', 'synth-app.cjs')]),
  measure('app process: node --import tsx main.ts', process.execPath, ['--import', 'tsx', 'main.ts']),
  measure('app process, precompiled: node main.js', process.execPath, [join(COMPILED, 'main.js')]),
];

const pad = (text, width) => String(text).padEnd(width);
const num = (value, digits = 0) => value.toFixed(digits);
console.log(`synth benchmark: median of ${RUNS} runs after one warm-up, ${process.version}, ${join(ROOT, 'main.ts')}`);
console.log(`targets: <= ${TARGET.wallMs} ms wall, <= ${TARGET.rssMb} MB peak RSS, <= ${TARGET.ratio}x the bare baseline\n`);
console.log(`${pad('variant', 58)}${pad('wall ms', 10)}${pad('peak RSS MB', 13)}${pad('x baseline', 12)}verdict`);
console.log(`${pad(baseline.label, 58)}${pad(num(baseline.wallMs), 10)}${pad(num(baseline.rssMb), 13)}${pad('1.0', 12)}-`);
for (const r of results) {
  const ratio = r.wallMs / baseline.wallMs;
  const ok = r.wallMs <= TARGET.wallMs && r.rssMb <= TARGET.rssMb && ratio <= TARGET.ratio;
  console.log(`${pad(r.label, 58)}${pad(num(r.wallMs), 10)}${pad(num(r.rssMb), 13)}${pad(num(ratio, 1), 12)}${ok ? 'meets all targets' : 'misses a target'}`);
}
console.log(`\n(precompiling main.ts with tsc took ${num(compileMs)} ms, once; not part of the figures above)`);
