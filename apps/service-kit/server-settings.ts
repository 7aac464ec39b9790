/**
 * The settings both services read from the environment: where to listen,
 * how much to log, how large a body may be, how long shutdown may take.
 */
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
}

/** Reads {@link ServerSettings} for `service`; throws {@link EnvError} on an invalid value. */
export function readServerSettings(env: Env, service: ServiceIdentity): ServerSettings {
  return {
    port: readInteger(env, EnvVar.APP_PORT, service.port, 0, 65_535),
    host: readString(env, EnvVar.APP_HOST, '0.0.0.0'),
    logLevel: readChoice(env, 'LOG_LEVEL', DEFAULT_LOG_LEVEL, LOG_LEVELS),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT_BYTES, 1, 1024 * 1024 * 1024),
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, 0, 3_600_000),
  };
}
