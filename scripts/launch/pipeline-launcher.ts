/**
 * The real parts, started on loopback, for the tests and the CLIs alike (the
 * chaos test, `npm run drill`, `npm run bench:retries`): the built services
 * (`service-process.ts`), a redis-server (`redis-server.ts`), free ports. The
 * drill's cluster takes a {@link PipelineLauncher}, so it says in one type
 * what it needs.
 */
import { findRedisServerBinary, freeLoopbackPort, startRedisServer } from './redis-server';
import { ensureBuilt, startService, type ServiceName, type ServiceProcess } from './service-process';

/** A running service process. */
export type LaunchedService = ServiceProcess;

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

/** The launcher of this machine's real processes. */
export const localLauncher: PipelineLauncher = {
  ensureBuilt,
  startService,
  startRedisServer: () => startRedisServer(),
  redisAvailable() {
    try {
      findRedisServerBinary();
      return true;
    } catch {
      return false;
    }
  },
  freeLoopbackPort,
};
