/**
 * The settings both services read from the environment: where to listen,
 * how much to log, how large a body may be, how long a request may take to
 * arrive, how long idle connections live, how many connections are served,
 * how long shutdown may take.
 */
import { ANSWER_DEADLINE_MS, APP_KEEP_ALIVE_TIMEOUT_MS } from '../../contract/retry-policy';
import type { ServiceIdentity } from '../../contract/services';
import { readChoice, readInteger, readString, type Env } from './env';
import { EnvVar } from '../../contract/environment-variables';

/** pino's level names, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Log level by default. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** Largest accepted request body by default: 64 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Time the in-flight requests get to finish after SIGTERM before the process exits with 1. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Longest time to receive a whole request (headers and body) by default:
 * 10 s, well below ingestion's answer deadline (25 s). A client that stalls
 * or trickles its body gets 408 and its connection is closed. Checked every
 * {@link CONNECTIONS_CHECK_INTERVAL_MS}, so a slow request is closed at most
 * that much later.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** How often the server looks for requests past the request timeout (Node's default is 30 s). */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/** Idle keep-alive connections live this long by default: 65 s, past the front door's 60 s idle timeout (contract). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = APP_KEEP_ALIVE_TIMEOUT_MS;

/**
 * Most connections served at once by default. Beyond it, new connections are
 * closed as soon as they are accepted (the load balancer retries another
 * target), so a crowd of slow clients cannot take every file descriptor and
 * all the memory. 1,024 is four times the concurrency the benchmarks drive
 * one ingestion with (256 connections) and far below Fargate's open-file
 * limit (65,535).
 */
export const DEFAULT_MAX_CONNECTIONS = 1_024;

/** Settings shared by the two services. */
export interface ServerSettings {
  /** `APP_PORT`. @default the contract port of the service */
  readonly port: number;
  /** `APP_HOST`. @default 0.0.0.0 */
  readonly host: string;
  /** `LOG_LEVEL`. @default info */
  readonly logLevel: LogLevel;
  /** `BODY_LIMIT_BYTES`. @default 65536 */
  readonly bodyLimitBytes: number;
  /** `SHUTDOWN_GRACE_MS`. @default 10000 */
  readonly shutdownGraceMs: number;
  /** `REQUEST_TIMEOUT_MS`: longest time to receive a whole request; below ingestion's answer deadline. @default 10000 */
  readonly requestTimeoutMs: number;
  /** `KEEP_ALIVE_TIMEOUT_MS`: how long an idle keep-alive connection stays open; above the front door's idle timeout. @default 65000 */
  readonly keepAliveTimeoutMs: number;
  /** `MAX_CONNECTIONS`: most connections served at once; more are closed on arrival. @default 1024 */
  readonly maxConnections: number;
}

/** Reads {@link ServerSettings} for `service`; throws {@link EnvError} on an invalid value. */
export function readServerSettings(env: Env, service: ServiceIdentity): ServerSettings {
  return {
    port: readInteger(env, EnvVar.APP_PORT, service.port, 0, 65_535),
    host: readString(env, EnvVar.APP_HOST, '0.0.0.0'),
    logLevel: readChoice(env, 'LOG_LEVEL', DEFAULT_LOG_LEVEL, LOG_LEVELS),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT_BYTES, 1, 1024 * 1024 * 1024),
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, 0, 3_600_000),
    requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1, ANSWER_DEADLINE_MS),
    keepAliveTimeoutMs: readInteger(env, EnvVar.KEEP_ALIVE_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 1, 3_600_000),
    maxConnections: readInteger(env, 'MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
  };
}
