/**
 * The services' image, proven without a container engine: `apps/Dockerfile`
 * is read instruction by instruction and each image's file tree is laid out
 * as `docker build` would lay it out (the same copied paths, `npm ci
 * --omit=dev --ignore-scripts` from the lock file, the same RUN commands),
 * then each service is started from its tree with the image's entry point and
 * environment on Node 22, answers its health check (the image's HEALTHCHECK
 * command included), and one event goes ingestion → processing.
 *
 * One step is not run as written: the build stage's full `npm ci` (1.1 GB of
 * dev dependencies) is served by the repository's own `node_modules`, which
 * `npm ci` installed from the same lock file; the test checks that the
 * stage's package.json and lock file are the repository's, byte for byte.
 *
 * The Dockerfile rules below (digest-pinned base, no `latest`, install
 * scripts off, a user that is not root, exec-form CMD and HEALTHCHECK) stand
 * in for hadolint, which neither Debian nor the npm registry distributes
 * (it ships as a binary of its own, or wrapped for pip); the Dockerfile
 * linters that the npm registry has are not hadolint and were not adopted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DATA_INGESTION, DATA_PROCESSING, type ServiceIdentity } from '../../contract/services';
import { layOutStage, listTree, parseDockerfile, referencedNames, type BuiltStage, type Stage } from './dockerfile';
import { node22BinDir } from './node22';
import { serviceNodeArgs } from '../../scripts/launch/service-process';

const ROOT = join(__dirname, '..', '..');
const DOCKERFILE = join(ROOT, 'apps', 'Dockerfile');
const dockerfile = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const finalStage = dockerfile.stages[dockerfile.stages.length - 1];
const sharedStages = dockerfile.stages.slice(0, -1);

/** The images the workflow builds: service, `apps/` folder, contract identity. */
const IMAGES: ReadonlyArray<{ app: string; service: ServiceIdentity }> = [
  { app: 'ingestion', service: DATA_INGESTION },
  { app: 'processing', service: DATA_PROCESSING },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering ${url}\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no healthy answer from ${url} within 30 s\n${output()}`);
}

describe('apps/Dockerfile, read as Docker reads it', () => {
  test('has the shared stages first and the runtime stage last, and only the runtime stage knows the service', () => {
    expect(sharedStages.map((stage) => stage.name)).toEqual(['deps', 'build']);
    expect(finalStage.name).toBeUndefined();
    for (const stage of sharedStages) {
      expect([...referencedNames(stage)].filter((name) => name === 'SERVICE' || name === 'APP_PORT')).toEqual([]);
    }
  });

  test('pins every base image by digest, and none is `latest`', () => {
    const node = dockerfile.globalArgs.find(({ args }) => args.startsWith('NODE_IMAGE='))!.args.slice('NODE_IMAGE='.length);
    expect(node).toMatch(/^node:22\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$/);
    for (const stage of dockerfile.stages) expect(stage.from).toBe('${NODE_IMAGE}');
    expect(readFileSync(DOCKERFILE, 'utf8')).not.toMatch(/:latest\b/);
  });

  test('installs packages from the lock file without their install scripts', () => {
    const runs = dockerfile.stages.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
    const installs = runs.filter((run) => /\bnpm (ci|install|i)\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) {
      expect(install).toMatch(/\bnpm ci\b/);
      expect(install).toContain('--ignore-scripts');
    }
  });

  test('runs as a user that is not root, in exec form, with a health check in exec form', () => {
    const user = finalStage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(user).toEqual(['node']);
    const cmd = finalStage.instructions.find((i) => i.keyword === 'CMD')!;
    // the node flags of the start scripts, which the tests and benchmarks run the services with (serviceNodeArgs)
    const flags = serviceNodeArgs('ingestion').slice(0, -1);
    expect(serviceNodeArgs('processing').slice(0, -1)).toEqual(flags);
    expect(JSON.parse(cmd.args)).toEqual(['node', ...flags, 'dist/server.js']);
    expect(finalStage.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args).toMatch(/CMD \["node", /);
  });

  test('is the one Dockerfile of the apps, and the workflow builds it for each service with its contract port', () => {
    const workflow = parseYaml(readFileSync(join(ROOT, '.github', 'workflows', 'application.yml'), 'utf8'));
    const build = workflow.jobs.build;
    const matrix: { service: string; app: string; port: number }[] = build.strategy.matrix.include;
    expect(matrix).toEqual(IMAGES.map(({ app, service }) => ({ service: service.name, app, port: service.port })));
    const command = build.steps.map((step: { run?: string }) => step.run ?? '').find((run: string) => run.startsWith('docker build'));
    expect(command).toContain('--file apps/Dockerfile');
    expect(command).toContain('--build-arg "SERVICE=${{ matrix.app }}"');
    expect(command).toContain('--build-arg "APP_PORT=${{ matrix.port }}"');
    for (const app of ['ingestion', 'processing']) expect(existsSync(join(ROOT, 'apps', app, 'Dockerfile'))).toBe(false);
  });
});

describe('each image laid out as its Dockerfile builds it, started on Node 22', () => {
  const binDir = node22BinDir();
  const runEnv = { PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/root' };
  const built = new Map<string, BuiltStage>();
  const images = new Map<string, BuiltStage>();
  const children: ChildProcess[] = [];

  /** The build stage's full `npm ci`: the repository's node_modules, installed from the same lock file. */
  function devInstallFromRepository(command: string, cwd: string): boolean {
    if (!/^npm ci\b/.test(command) || command.includes('--omit=dev')) return false;
    for (const file of ['package.json', 'package-lock.json']) {
      expect(readFileSync(join(cwd, file), 'utf8')).toBe(readFileSync(join(ROOT, file), 'utf8'));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'));
    return true;
  }

  beforeAll(() => {
    for (const stage of sharedStages) {
      const layout = layOutStage(dockerfile, stage, {
        context: ROOT,
        buildArgs: {},
        stages: built,
        runEnv,
        runInstead: devInstallFromRepository,
      });
      built.set(stage.name ?? String(stage.index), layout);
    }
    for (const { app, service } of IMAGES) {
      const buildArgs = { SERVICE: app, APP_PORT: String(service.port) };
      images.set(app, layOutStage(dockerfile, finalStage as Stage, { context: ROOT, buildArgs, stages: built, runEnv }));
    }
  }, 600_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const layout of [...built.values(), ...images.values()]) rmSync(layout.root, { recursive: true, force: true });
  });

  test('runs Node 22 (the base image is node:22)', () => {
    const version = spawnSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(version).toMatch(/^v22\./);
  });

  test.each(IMAGES)('the $app image holds only its runtime: compiled code, production dependencies, package.json', ({ app, service }) => {
    const image = images.get(app)!;
    const app_ = join(image.root, image.config.workdir);
    expect(image.config.workdir).toBe('/app');
    expect(listTree(app_).filter((path) => !path.includes('/'))).toEqual(['dist', 'node_modules', 'package.json']);
    expect(listTree(join(app_, 'dist')).filter((path) => !path.includes('/'))).toEqual(['apps', 'contract', 'server.js']);
    expect(listTree(app_).filter((path) => /\.ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
    for (const devOnly of ['typescript', 'jest', 'cdktf', '@cdktf/provider-aws', 'esbuild']) {
      expect(existsSync(join(app_, 'node_modules', devOnly))).toBe(false);
    }
    expect(existsSync(join(app_, 'node_modules', 'fastify', 'package.json'))).toBe(true);
    expect(image.config.env).toEqual({ NODE_ENV: 'production', APP_PORT: String(service.port), APP_HOST: '0.0.0.0' });
    expect(image.config.exposed).toEqual([String(service.port)]);
  });

  test('a SERVICE that names no service fails the build, naming what is allowed', () => {
    expect(() =>
      layOutStage(dockerfile, finalStage as Stage, {
        context: ROOT,
        buildArgs: { SERVICE: 'billing', APP_PORT: '3002' },
        stages: built,
        runEnv,
      }),
    ).toThrow(/SERVICE must name a service under apps\/ \(ingestion, processing\), got 'billing'/);
  });

  test('both services start from their trees, pass the image health check, and an event goes ingestion → processing', async () => {
    const [ingestionPort, processingPort] = [await freePort(), await freePort()];
    const outputs = new Map<string, string>();
    /** Starts `app` as its image would: CMD in WORKDIR with the image's environment; the stack sets APP_PORT and the rest. */
    const start = (app: string, env: Record<string, string>): ChildProcess => {
      const image = images.get(app)!;
      const [command, ...args] = image.config.cmd!;
      const child = spawn(join(binDir, command), args, {
        cwd: join(image.root, image.config.workdir),
        env: { PATH: runEnv.PATH, ...image.config.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      outputs.set(app, '');
      const append = (chunk: Buffer): void => void outputs.set(app, outputs.get(app)! + chunk.toString());
      child.stdout!.on('data', append);
      child.stderr!.on('data', append);
      children.push(child);
      return child;
    };
    const processing = start('processing', { APP_PORT: String(processingPort), RETRY_MODE: 'app' });
    const ingestion = start('ingestion', {
      APP_PORT: String(ingestionPort),
      RETRY_MODE: 'app',
      DATA_PROCESSING_URL: `http://127.0.0.1:${processingPort}/ev`,
    });
    await waitForHealth(`http://127.0.0.1:${processingPort}/health-check`, processing, () => outputs.get('processing')!);
    await waitForHealth(`http://127.0.0.1:${ingestionPort}/health-check`, ingestion, () => outputs.get('ingestion')!);

    for (const [app, port] of [
      ['ingestion', ingestionPort],
      ['processing', processingPort],
    ] as const) {
      const image = images.get(app)!;
      const [command, ...args] = image.config.healthcheck!;
      const probe = spawnSync(join(binDir, command), args, { env: { ...image.config.env, APP_PORT: String(port) }, encoding: 'utf8' });
      expect({ app, status: probe.status }).toEqual({ app, status: 0 });
    }

    const event = readFileSync(join(ROOT, 'samples', 'ev-event.json'), 'utf8');
    const answer = await fetch(`http://127.0.0.1:${ingestionPort}/ev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: event,
    });
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 200, body: { status: 'processed', anomalies: [] } });
    const vehicle = (await (await fetch(`http://127.0.0.1:${processingPort}/vehicles/${JSON.parse(event).vehicle_id}`)).json()) as {
      events: number;
    };
    expect(vehicle.events).toBe(1);

    // SIGTERM, as ECS stops a task: both shut down gracefully with exit code 0.
    const exits = [processing, ingestion].map(
      (child) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    );
    ingestion.kill('SIGTERM');
    processing.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  }, 60_000);
});
