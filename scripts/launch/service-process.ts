/**
 * Starts the built services (`dist/apps/<service>/server.js`) as real
 * processes on free loopback ports, for end-to-end tests and the CLIs.
 * Builds `dist/` first when it is missing or older than the sources.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from './redis-server';

const ROOT = join(__dirname, '..', '..');
const SOURCE_DIRS = ['contract', 'apps'];

/** The two services. */
export type ServiceName = 'ingestion' | 'processing';

/** A running service started by {@link startService}. */
export interface ServiceProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal`. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited(): Promise<number | null>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. Harmless once exited. */
  stop(): Promise<number | null>;
}

function newestMtime(dir: string, extension: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, extension));
    else if (entry.name.endsWith(extension)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Runs `tsc -p tsconfig.build.json` when `dist/` is missing or older than
 * the sources; a failed build (type errors included) throws. Jest's global
 * setup calls it once before any worker starts, so parallel suites never run
 * two builds into `dist/` at once; in a worker it then finds `dist/` fresh.
 */
export function ensureBuilt(): void {
  const sources = Math.max(...SOURCE_DIRS.map((dir) => newestMtime(join(ROOT, dir), '.ts')));
  const built = Math.min(...SOURCE_DIRS.map((dir) => newestMtime(join(ROOT, 'dist', dir), '.js')));
  if (built >= sources) return;
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
}

/**
 * The node arguments `npm run start:<service>` runs with (package.json: the
 * node flags the images' CMD has too), the entry as an absolute path: the
 * tests and benchmarks start each service as a deployment does.
 */
export function serviceNodeArgs(service: ServiceName): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = manifest.scripts[`start:${service}`];
  const words = script?.split(' ') ?? [];
  const entry = `dist/apps/${service}/server.js`;
  if (words[0] !== 'node' || words.at(-1) !== entry || !words.slice(1, -1).every((word) => word.startsWith('--'))) {
    throw new Error(`package.json script start:${service} must be "node [--flag ...] ${entry}", got ${JSON.stringify(script)}`);
  }
  return [...words.slice(1, -1), join(ROOT, entry)];
}

/** Starts `service` with `env` on a free loopback port (or `port`) and resolves once its health check answers 200. */
export async function startService(service: ServiceName, env: Record<string, string> = {}, port?: number): Promise<ServiceProcess> {
  const listenPort = port ?? (await freeLoopbackPort());
  const child = spawn(process.execPath, serviceNodeArgs(service), {
    cwd: ROOT,
    env: { ...process.env, APP_HOST: '127.0.0.1', APP_PORT: String(listenPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${listenPort}`;
  const running: ServiceProcess = {
    url,
    port: listenPort,
    pid: child.pid ?? -1,
    output: () => output,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited: () => exit,
    async stop() {
      running.signal('SIGTERM');
      const timer = setTimeout(() => running.signal('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode} before answering:\n${output}`);
    try {
      if ((await fetch(`${url}/health-check`)).ok) return running;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await running.stop();
  throw new Error(`${service} did not answer /health-check within 15 s:\n${output}`);
}
