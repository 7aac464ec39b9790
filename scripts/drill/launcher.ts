/**
 * What the drill needs to start real processes: the built services, a
 * redis-server (TLS and an ACL user, as the services meet ElastiCache), an
 * SQS-compatible server, free loopback ports. The implementation is the test helpers
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
  /** `rediss://127.0.0.1:<port>` (no credentials). */
  readonly url: string;
  /** What a service needs to connect: `REDIS_URL`, `REDIS_USERNAME`, `REDIS_PASSWORD`, `NODE_EXTRA_CA_CERTS`. */
  serviceEnv(): Record<string, string>;
  stop(): Promise<void>;
}

/** A running SQS-compatible server with the retry queue and its dead-letter queue. */
export interface LaunchedSqs {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** `AWS_ENDPOINT_URL_SQS`, `AWS_REGION`, credentials, `RETRY_QUEUE_URL`, `DLQ_URL`. */
  env(): Record<string, string>;
  /** Messages of the retry queue or the dead-letter queue: visible and in flight. */
  depth(queue?: 'retry' | 'dead-letter'): Promise<{ readonly visible: number; readonly inFlight: number }>;
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
  /** Starts `local-aws-sqs` in this process with the retry queue and its dead-letter queue. */
  startLocalSqs(): Promise<LaunchedSqs>;
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
