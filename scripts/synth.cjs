#!/usr/bin/env node
'use strict';
// `npm run synth`: what `cdktf synth` does, without the CLI's own start-up
// (about 4 s of yargs, React/ink, Sentry and the CLI bundle before the app
// even starts), and without its network calls (checkpoint telemetry, the
// `npm view cdktf-cli` version check): the same cdktf.out/, byte for byte.
//
// As cdktf-cli 0.21.0 does (@cdktf/cli-core SynthStack.synth, printAnnotations):
// it runs the app of cdktf.json with the CLI's environment (CDKTF_OUTDIR,
// CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS, CDKTF_CONTEXT_JSON with
// cdktf.json's context and cdktfRelativeModules, SYNTH_HCL_OUTPUT=false,
// NODE_ENV=production, no TF_VAR_*); reads manifest.json and every stack
// file; removes the stack directories the app no longer writes; prints the
// annotations (`WARN [path]: message`) and fails on an error annotation.
//
// cdktf.json's app is this script with --app-only: the CLI runs it in a child
// process, this command runs it in its own process (same code path, so the
// stack traces that cdktf records with each annotation are identical). Any
// other app command (cdktf.json or --app) is spawned through the shell, as
// the CLI does. The app runs from cached bundles: scripts/synth/app-bundle.cjs.
//
// With --hcl it writes what `cdktf synth --hcl` writes: each stack as HCL
// (cdk.tf, plus metadata.json), formatted as the CLI formats it
// (@cdktf/hcl-tools), with one fix on top: the references in `depends_on`,
// `ignore_changes` and `replace_triggered_by` unquoted, which Terraform
// otherwise warns about ("Quoted references are deprecated"). Either way it removes the
// other format's file from each stack directory, so a directory never holds
// the same stack twice (the CLI leaves it). See docs/leaving-cdktf.md.
//
// Usage: npm run synth [-- --output DIR] [-- --app "COMMAND"] [-- --hcl]
//   --output, -o  output directory (CDKTF_OUTPUT, else cdktf.json "output", else cdktf.out)
//   --app, -a     command that runs the app (CDKTF_APP, else cdktf.json "app")
//   --hcl         write HCL (cdk.tf) instead of JSON (cdk.tf.json)
// Relative paths are relative to the project root, where the app runs.
// node scripts/synth.cjs --app-only [ENTRY]: only run the app (ENTRY: main.ts).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { basename, join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { BundleError, prepareApp } = require('./synth/app-bundle.cjs');
const { fixHcl, hclFormatter } = require('./synth/hcl-fixes.cjs');

const ROOT = resolve(__dirname, '..');
/** cdktf.json's app when it is this script; group 1 is the entry. */
const OWN_APP = /^node scripts\/synth\.cjs --app-only(?: (\S+))?$/;
const STACKS_FOLDER = 'stacks'; // cdktf Manifest.stacksFolder
const MANIFEST_FILE = 'manifest.json'; // cdktf Manifest.fileName
/** What cdktf Manifest writes into a stack directory in each format. */
const STACK_FILES = { json: ['cdk.tf.json'], hcl: ['cdk.tf', 'metadata.json'] };
/** cdktf AnnotationMetadataEntryType values, as the manifest records them. */
const LEVELS = { '@cdktf/info': 'INFO', '@cdktf/warn': 'WARN', '@cdktf/error': 'ERROR' };

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const STYLE = { INFO: '97', WARN: '38;5;214', ERROR: '91', trace: '90' };

class SynthError extends Error {}

/** cdktf.json with the CLI's defaults (@cdktf/commons parseConfig). */
function readConfig() {
  const path = join(ROOT, 'cdktf.json');
  if (!fs.existsSync(path)) throw new SynthError(`no cdktf.json in ${ROOT}`);
  return { output: 'cdktf.out', terraformModules: [], ...JSON.parse(fs.readFileSync(path, 'utf8')) };
}

/** The app's environment as cli-core SynthStack.synth builds it. */
function appEnvironment(config, output, hcl) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TF_VAR_')));
  env.NODE_ENV ??= 'production'; // set by the CLI's entry point, inherited by the app
  const context = config.context ?? (env.CDKTF_CONTEXT_JSON ? JSON.parse(env.CDKTF_CONTEXT_JSON) : {});
  const relativeModules = config.terraformModules.filter((module) => {
    const source = typeof module === 'string' ? module : module.source;
    return source.startsWith('./') || source.startsWith('../');
  });
  return {
    ...env,
    CDKTF_OUTDIR: output,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: relativeModules }),
    SYNTH_HCL_OUTPUT: String(hcl),
  };
}

/** The stack directories under `outdir`. */
function stackDirectories(outdir) {
  const stacks = join(outdir, STACKS_FOLDER);
  if (!fs.existsSync(stacks)) return [];
  return fs
    .readdirSync(stacks)
    .map((name) => join(stacks, name))
    .filter((path) => fs.statSync(path).isDirectory());
}

/** The manifest's stacks. */
function readManifestStacks(outdir) {
  const manifestPath = join(outdir, MANIFEST_FILE);
  if (!fs.existsSync(manifestPath)) throw new SynthError(`the app did not write ${manifestPath}: it must call app.synth()`);
  return Object.values(JSON.parse(fs.readFileSync(manifestPath, 'utf8')).stacks);
}

/** The manifest's stacks; every stack file (HCL: its metadata) must parse, as the CLI reads them all. */
function readSynthesizedStacks(outdir) {
  return readManifestStacks(outdir).map((stack) => {
    const path = stack.synthesizedStackPath.endsWith('.tf.json') ? stack.synthesizedStackPath : stack.stackMetadataPath;
    JSON.parse(fs.readFileSync(join(outdir, path), 'utf8'));
    return stack;
  });
}

/**
 * Each stack's HCL as `cdktf synth --hcl` leaves it (formatted by
 * @cdktf/hcl-tools, cli-core SynthStack.formatHclFiles), then fixed where
 * Terraform would reject it (scripts/synth/hcl-fixes.cjs).
 */
async function formatHclFiles(outdir) {
  const format = hclFormatter();
  for (const stack of readManifestStacks(outdir)) {
    const path = join(outdir, stack.synthesizedStackPath);
    fs.writeFileSync(path, await fixHcl(await format(fs.readFileSync(path, 'utf8'))));
  }
}

/** Removes the other format's files from the stack directories the app wrote. */
function removeOtherFormat(outdir, hcl) {
  for (const stack of readManifestStacks(outdir)) {
    for (const file of STACK_FILES[hcl ? 'json' : 'hcl']) fs.rmSync(join(outdir, stack.workingDirectory, file), { force: true });
  }
}

/** Prints every annotation; returns whether one is an error. */
function printAnnotations(stacks) {
  let error = false;
  for (const { constructPath, level, message, stacktrace } of stacks.flatMap((stack) => stack.annotations ?? [])) {
    const label = LEVELS[level] ?? level;
    console.log(paint(STYLE[label] ?? STYLE.INFO, `${label} [${constructPath}]: ${message}`));
    if (label === 'ERROR') {
      error = true;
      if (stacktrace) console.log(paint(STYLE.trace, stacktrace.join('\n')));
    }
  }
  return error;
}

/** What the CLI does once the app has run. */
async function finish(outdir, directoriesBefore, hcl) {
  if (hcl) await formatHclFiles(outdir);
  removeOtherFormat(outdir, hcl);
  const stacks = readSynthesizedStacks(outdir);
  const names = stacks.map((stack) => stack.name);
  for (const orphan of directoriesBefore.filter((dir) => !names.includes(basename(dir)))) {
    fs.rmSync(orphan, { recursive: true });
  }
  if (printAnnotations(stacks)) {
    throw new SynthError('While synthesizing one or more error annotations have been encountered. Please check the log output above.');
  }
  if (stacks.length === 0) throw new SynthError('No Terraform code synthesized.');
  console.log(`Generated Terraform code for the stacks: ${names.join(', ')}`);
}

async function main() {
  const { values: args, positionals } = parseArgs({
    options: {
      output: { type: 'string', short: 'o' },
      app: { type: 'string', short: 'a' },
      'app-only': { type: 'boolean' },
      hcl: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  let entry = positionals[0] ?? 'main.ts';
  let command;
  if (!args['app-only']) {
    const config = readConfig();
    const app = args.app ?? process.env.CDKTF_APP ?? config.app;
    if (!app) throw new SynthError('cdktf.json has no "app" and no --app was given');
    const output = args.output ?? process.env.CDKTF_OUTPUT ?? config.output;
    const env = appEnvironment(config, output, args.hcl);
    command = { outdir: resolve(ROOT, output), directoriesBefore: stackDirectories(resolve(ROOT, output)), hcl: args.hcl };
    const own = OWN_APP.exec(app);
    if (own === null) {
      const run = spawnSync(app, { shell: true, cwd: ROOT, env, stdio: 'inherit' });
      if (run.status !== 0) throw new SynthError(`the app failed (${run.signal ?? `exit ${run.status}`}): ${app}`);
      return finish(command.outdir, command.directoriesBefore, command.hcl);
    }
    entry = own[1] ?? 'main.ts';
    process.chdir(ROOT);
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);
  }
  const app = await prepareApp(resolve(ROOT, entry));
  await runInFreshTurn(app);
  if (command) await finish(command.outdir, command.directoriesBefore, command.hcl);
}

/**
 * Runs the app from a setImmediate callback: the one place it runs, in both
 * modes, at the bottom of an event-loop turn, so the stack traces cdktf
 * records are the same whatever ran before (after an await, they would
 * depend on how the microtask queue was reached).
 */
function runInFreshTurn(app) {
  return new Promise((done, failed) => {
    setImmediate(() => {
      try {
        app.run();
        done();
      } catch (error) {
        failed(error);
      }
    });
  });
}

main().catch((error) => {
  const expected = error instanceof SynthError || error instanceof BundleError;
  console.error(expected ? paint(STYLE.ERROR, `synth: ${error.message}`) : error);
  process.exitCode = 1;
});
