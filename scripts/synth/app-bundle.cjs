'use strict';
/**
 * Runs a CDKTF app's TypeScript entry (main.ts) from two cached CommonJS
 * bundles that esbuild builds, each compiled with a V8 code cache:
 *
 * - the app layer: the entry and every project source it imports (bare
 *   imports that resolve outside node_modules, such as a workspace package,
 *   are bundled from source too); rebuilt when one of its inputs changes
 *   (about 0.1 s);
 * - the package layer: every package the app imports (cdktf, constructs,
 *   each @cdktf/provider-aws submodule), bundled with their dependencies;
 *   rebuilt only when the set of imports or an input file changes (about 1 s).
 *
 * A layer is fresh when its inputs (esbuild's metafile, plus tsconfig.json
 * and package.json) have the sizes and modification times recorded at build
 * time. Loading the package layer from one file instead of resolving and
 * compiling ~420 files, and reusing V8's compiled code, takes the app from
 * about 0.55 s to about 0.3 s (`npm run bench:synth`).
 *
 * The cache lives in .tmp/synth-app/ (git-ignored). Bound: one app layer per
 * entry file (a layer whose entry is gone is removed), at most
 * KEPT_PACKAGE_LAYERS package layers (least recently built removed first);
 * each layer is a bundle, its code cache and a small JSON file (the package
 * layer of main.ts: ~3 MB + ~2 MB). Files are written under a temporary name
 * and renamed, so concurrent synths never read a partial file; a layer that
 * disappears while being read is rebuilt. `rm -rf .tmp/synth-app` is always
 * safe.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const { dirname, join, resolve, sep } = require('node:path');
const vm = require('node:vm');

const ROOT = resolve(__dirname, '..', '..');
const CACHE_DIR = join(ROOT, '.tmp', 'synth-app');
/** Changes whenever a layer would be built differently. */
const LAYER_FORMAT = 1;
const KEPT_PACKAGE_LAYERS = 4;
/** Files esbuild reads besides the metafile's inputs. */
const BUILD_CONFIG_FILES = [join(ROOT, 'tsconfig.json'), join(ROOT, 'package.json')];
const ESBUILD_OPTIONS = {
  bundle: true,
  write: false,
  metafile: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'error',
  absWorkingDir: ROOT,
};

/** The app's sources do not bundle (esbuild has printed why). */
class BundleError extends Error {}

const hash = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** `[size, mtimeMs]` of each path (null when missing). */
function fileStates(paths) {
  return Object.fromEntries(
    paths.map((path) => {
      const stat = fs.statSync(path, { throwIfNoEntry: false });
      return [path, stat ? [stat.size, stat.mtimeMs] : null];
    }),
  );
}

function writeAtomically(path, data) {
  const temporary = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, path);
}

function readIfPresent(path, encoding) {
  try {
    return fs.readFileSync(path, encoding);
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function toolchain() {
  return `${LAYER_FORMAT} esbuild ${require('esbuild/package.json').version}`;
}

/** The layer `name` as last built, when every input is unchanged; else undefined. */
function readFreshLayer(name) {
  const meta = JSON.parse(readIfPresent(join(CACHE_DIR, `${name}.json`), 'utf8') ?? 'null');
  if (meta === null || meta.toolchain !== toolchain()) return undefined;
  const now = fileStates(Object.keys(meta.inputs));
  if (Object.entries(meta.inputs).some(([path, state]) => JSON.stringify(now[path]) !== JSON.stringify(state))) {
    return undefined;
  }
  const source = readIfPresent(join(CACHE_DIR, meta.bundle), 'utf8');
  return source === undefined ? undefined : { name, meta, source };
}

/** Builds with esbuild and records the layer; `extra` is kept in its metadata. */
async function buildLayer(name, options, extra) {
  const esbuild = require('esbuild');
  const previous = JSON.parse(readIfPresent(join(CACHE_DIR, `${name}.json`), 'utf8') ?? 'null');
  const started = Date.now();
  const result = await esbuild.build({ ...ESBUILD_OPTIONS, ...options, outfile: join(CACHE_DIR, `${name}.cjs`) }).catch((error) => {
    // esbuild has printed its errors (logLevel 'error'); its stack trace would add nothing.
    if (!Array.isArray(error.errors)) throw error;
    throw new BundleError(`esbuild could not bundle the app: ${error.errors.length} error(s), shown above`);
  });
  const source = result.outputFiles[0].text;
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('<')) // <stdin>
    .map((input) => resolve(ROOT, input));
  // A file modified since the build started may not be what was bundled: recorded as unknown, so stale.
  const states = Object.entries(fileStates([...inputs, ...BUILD_CONFIG_FILES])).map(([path, state]) => [
    path,
    state !== null && state[1] >= started - 1000 ? 'modified during the build' : state,
  ]);
  const meta = {
    toolchain: toolchain(),
    bundle: `${name}-${hash(source)}.cjs`,
    inputs: Object.fromEntries(states),
    ...extra(result.metafile),
  };
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  writeAtomically(join(CACHE_DIR, meta.bundle), source);
  writeAtomically(join(CACHE_DIR, `${name}.json`), JSON.stringify(meta));
  if (previous !== null && previous.bundle !== meta.bundle) removeBundle(previous.bundle);
  removeLeftovers();
  return { name, meta, source };
}

/**
 * Removes what a race or a crash can leave: a code cache whose bundle was
 * replaced by another process meanwhile, a temporary file older than a minute.
 */
function removeLeftovers() {
  const files = new Set(fs.readdirSync(CACHE_DIR));
  for (const file of files) {
    const path = join(CACHE_DIR, file);
    const orphanCodeCache = file.endsWith('.v8') && !files.has(file.replace(/\.v8$/, '.cjs'));
    const staleTemporary = file.endsWith('.tmp') && Date.now() - (fs.statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 60_000;
    if (orphanCodeCache || staleTemporary) fs.rmSync(path, { force: true });
  }
}

function removeBundle(bundle) {
  for (const file of [bundle, bundle.replace(/\.cjs$/, '.v8')]) fs.rmSync(join(CACHE_DIR, file), { force: true });
}

/** Bare imports that resolve into node_modules stay external (the package layer); others are bundled. */
const packagesExternal = {
  name: 'packages-external',
  setup(build) {
    const nested = Symbol('nested');
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === nested) return undefined;
      if (Module.isBuiltin(args.path)) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: nested,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return resolved.path.split(sep).includes('node_modules') ? { path: args.path, external: true } : { path: resolved.path };
    });
  },
};

function appLayerName(entry) {
  return `app-${hash(entry)}`;
}

async function appLayer(entry) {
  const name = appLayerName(entry);
  const fresh = readFreshLayer(name);
  if (fresh) return fresh;
  const layer = await buildLayer(name, { entryPoints: [entry], plugins: [packagesExternal] }, (metafile) => ({
    entry,
    packages: [
      ...new Set(
        Object.values(metafile.outputs)
          .flatMap((output) => output.imports)
          .filter((imported) => imported.external && !Module.isBuiltin(imported.path))
          .map((imported) => imported.path),
      ),
    ].sort(),
  }));
  removeLayersOfMissingEntries();
  return layer;
}

async function packageLayer(packages) {
  if (packages.length === 0) return undefined;
  const name = `packages-${hash(JSON.stringify(packages))}`;
  const fresh = readFreshLayer(name);
  if (fresh) return fresh;
  // One lazily evaluated getter per package: each runs when the app first requires it, as with require().
  const contents = `module.exports = {\n${packages
    .map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`)
    .join('\n')}\n};\n`;
  const layer = await buildLayer(name, { stdin: { contents, resolveDir: ROOT, sourcefile: 'packages.cjs', loader: 'js' } }, () => ({
    packages,
  }));
  removeOldPackageLayers();
  return layer;
}

function layerMetas(prefix) {
  return fs
    .readdirSync(CACHE_DIR)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .map((file) => ({ file, path: join(CACHE_DIR, file) }));
}

function removeLayer({ path }) {
  const meta = JSON.parse(readIfPresent(path, 'utf8') ?? 'null');
  fs.rmSync(path, { force: true });
  if (meta !== null) removeBundle(meta.bundle);
}

function removeLayersOfMissingEntries() {
  for (const layer of layerMetas('app-')) {
    const meta = JSON.parse(readIfPresent(layer.path, 'utf8') ?? 'null');
    if (meta !== null && !fs.existsSync(meta.entry)) removeLayer(layer);
  }
}

function removeOldPackageLayers() {
  const layers = layerMetas('packages-')
    .map((layer) => ({ ...layer, mtimeMs: fs.statSync(layer.path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const layer of layers.slice(KEPT_PACKAGE_LAYERS)) removeLayer(layer);
}

/** Compiles a layer with its V8 code cache (when V8 accepts it). */
function compile(layer) {
  const filename = join(CACHE_DIR, layer.meta.bundle);
  const codeCache = filename.replace(/\.cjs$/, '.v8');
  const cachedData = readIfPresent(codeCache);
  const script = new vm.Script(Module.wrap(layer.source), { filename, cachedData });
  const wrapper = script.runInThisContext();
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return { filename, wrapper, saveCodeCache: () => stale && writeAtomically(codeCache, script.createCachedData()) };
}

/** Evaluates a compiled layer as a CommonJS module whose `require` is `requireFn`. */
function evaluate({ filename, wrapper }, requireFn, dirnameSeen) {
  const module = new Module(filename, null);
  module.filename = filename;
  module.paths = Module._nodeModulePaths(dirnameSeen);
  wrapper.call(module.exports, module.exports, requireFn, module, filename, dirnameSeen);
  return module.exports;
}

/**
 * Bundles `entry` (an absolute path) into its cached layers; `run()` then
 * runs the app in this process (main.ts synthesizes when it runs).
 */
async function prepareApp(entry) {
  const app = await appLayer(entry);
  const packages = await packageLayer(app.meta.packages).catch((error) => {
    process.stderr.write(`synth: packages not bundled, loading them from node_modules (${error.message})\n`);
    return undefined;
  });
  return {
    run() {
      const fromNodeModules = Module.createRequire(entry);
      const compiledPackages = packages && compile(packages);
      const getters = compiledPackages && evaluate(compiledPackages, Module.createRequire(compiledPackages.filename), ROOT);
      const appRequire = Object.assign((id) => (getters && Object.hasOwn(getters, id) ? getters[id]() : fromNodeModules(id)), {
        resolve: fromNodeModules.resolve,
        cache: fromNodeModules.cache,
      });
      const compiledApp = compile(app);
      evaluate(compiledApp, appRequire, dirname(entry));
      // After the run, so that the cache holds the functions V8 compiled lazily.
      compiledApp.saveCodeCache();
      compiledPackages?.saveCodeCache();
    },
  };
}

module.exports = { prepareApp, BundleError, CACHE_DIR };
