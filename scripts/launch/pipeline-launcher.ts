/**
 * The real parts, started on loopback, for the tests and the CLIs alike (the
 * chaos test, `npm run drill`, `npm run bench:retries`): the built services
 * (`service-process.ts`), a redis-server with TLS and an ACL user, as the
 * services meet ElastiCache (`redis-server.ts`), an SQS-compatible server
 * (`local-aws-sqs.ts`), free ports. The
 * drill's cluster takes a {@link PipelineLauncher}, so it says in one type
 * what it needs.
 */
import { startLocalSqs } from './local-aws-sqs';
import { findRedisServerBinary, freeLoopbackPort, startRedisServer } from './redis-server';
import { ensureBuilt, startService, type ServiceName, type ServiceProcess } from './service-process';

/** A running service process. */
export type LaunchedService = ServiceProcess;

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

/** The launcher of this machine's real processes. */
export const localLauncher: PipelineLauncher = {
  ensureBuilt,
  startService,
  startRedisServer: () => startRedisServer(),
  startLocalSqs: () => startLocalSqs(),
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
