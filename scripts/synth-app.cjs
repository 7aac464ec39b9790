#!/usr/bin/env node
// The CDKTF app as `cdktf synth` runs it (cdktf.json "app"): esbuild bundles
// main.ts and the project's own modules into one CommonJS file (packages stay
// external, so @cdktf/provider-aws is still loaded submodule by submodule),
// then this process runs it. Same output as `tsx main.ts`, at about half the
// time: tsx's loader inspects every module the app loads, including the large
// generated provider files (see `npm run bench:synth`).
const { buildSync } = require('esbuild');
const { rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, process.argv[2] ?? 'main.ts');
// One file per process: concurrent synths (tests, benchmarks) never share it.
const outfile = join(root, '.tmp', 'synth-app', `main-${process.pid}.cjs`);

buildSync({
  entryPoints: [entry],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
});
try {
  require(outfile); // main.ts synthesizes when loaded
} finally {
  rmSync(outfile, { force: true });
}
