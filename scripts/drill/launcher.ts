/**
 * What the drill needs to start real processes: the built services, a
 * redis-server, free loopback ports. The implementation is the test helpers
 * (`__tests__/helpers/processes.ts`, `redis-server.ts`), bound in
 * `__tests__/helpers/pipeline-launcher.ts`, where the compiler checks them
 * against this interface.
 *
 * Why an interface and not an import: `tsconfig.build.json` compiles
 * `scripts/**` (the service images run that build, without `__tests__/`), so
 * nothing under `scripts/` may import `__tests__/` statically. The CLIs load
 * the binding at run time with {@link loadTestLauncher} (they run under tsx).
 */
import { join } from 'node:path';

/** The two services. */
export type ServiceName = 'ingestion' | 'processing';

/** A running service process. */
export interface LaunchedService {
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

/** A running redis-server. */
export interface LaunchedRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the real parts. */
export interface PipelineLauncher {
  /** Builds `dist/` when it is missing or older than the sources. */
  ensureBuilt(): void;
  /** Starts the built `service` with `env` on loopback (`port`, or a free one) and resolves once `/health-check` answers. */
  startService(service: ServiceName, env: Record<string, string>, port?: number): Promise<LaunchedService>;
  /** Starts a redis-server on a free loopback port; throws when none is installed. */
  startRedisServer(): Promise<LaunchedRedis>;
  /** Whether `redis-server` is on PATH. */
  redisAvailable(): boolean;
  /** A TCP port on 127.0.0.1 that was free a moment ago. */
  freeLoopbackPort(): Promise<number>;
}

/** The launcher of the test helpers, for the CLIs (tsx resolves the `.ts` file). */
export function loadTestLauncher(): PipelineLauncher {
  const modulePath = join(__dirname, '..', '..', '__tests__', 'helpers', 'pipeline-launcher');
  return (require(modulePath) as { testLauncher: PipelineLauncher }).testLauncher;
}
