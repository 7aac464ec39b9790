/**
 * Resilience settings both services read from the environment: the shared
 * state (`REDIS_URL`, with `REDIS_USERNAME` and `REDIS_PASSWORD` from the
 * cache's credentials secret), the retry queue (`RETRY_QUEUE_URL` for SQS, else
 * `RETRY_QUEUE_DIR` for the embedded queue) and how often EMF metrics are
 * flushed (`METRICS_FLUSH_INTERVAL_MS`), and what they open.
 */
import type { PipelineMetric } from '../../contract/metrics';
import type { ServiceIdentity } from '../../contract/services';
import { EmbeddedMetrics } from '../resilience/embedded-metrics';
import type { RedisConnectionSettings } from '../resilience/redis-connection';
import { openRetryQueue } from '../resilience/retry-queue/open-retry-queue';
import type { RetryQueue } from '../resilience/retry-queue/retry-queue';
import { readInteger, readOptionalString, readOptionalUrl, readVerbatim, type Env } from './env';
import { EnvVar } from '../../contract/environment-variables';

/** EMF metrics are flushed this often by default (CloudWatch's standard resolution). */
export const DEFAULT_METRICS_FLUSH_INTERVAL_MS = 60_000;

/** Settings of the resilience parts, common to both services. */
export interface PipelineSettings {
  /** `REDIS_URL` (`redis://` or `rediss://`, may hold `user:password@`): state shared by replicas. @default unset: state per process */
  readonly redisUrl: string | undefined;
  /** `REDIS_USERNAME`: the cache user (ECS: from the credentials secret); wins over the URL's. @default the URL's */
  readonly redisUsername: string | undefined;
  /** `REDIS_PASSWORD`: the cache user's password (ECS: a `secrets` entry, never plain environment); wins over the URL's. @default the URL's */
  readonly redisPassword: string | undefined;
  /** `RETRY_QUEUE_URL`: the SQS retry queue; wins over `retryQueueDir`. @default unset */
  readonly retryQueueUrl: string | undefined;
  /** `RETRY_QUEUE_DIR`: directory of the embedded retry queue, shared by both services. @default unset */
  readonly retryQueueDir: string | undefined;
  /** `METRICS_FLUSH_INTERVAL_MS`: EMF flush period; 0 turns metrics off. @default 60000 */
  readonly metricsFlushIntervalMs: number;
}

/** The shared-state connection the settings configure, or undefined when `REDIS_URL` is unset. */
export function redisConnectionSettings(settings: PipelineSettings): RedisConnectionSettings | undefined {
  if (settings.redisUrl === undefined) return undefined;
  return { url: settings.redisUrl, username: settings.redisUsername, password: settings.redisPassword };
}

/** Reads {@link PipelineSettings}; throws {@link EnvError} naming the variable on an invalid value. */
export function readPipelineSettings(env: Env): PipelineSettings {
  return {
    redisUrl: readOptionalUrl(env, EnvVar.REDIS_URL, ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    redisUsername: readVerbatim(env, EnvVar.REDIS_USERNAME),
    redisPassword: readVerbatim(env, EnvVar.REDIS_PASSWORD),
    retryQueueUrl: readOptionalUrl(
      env,
      EnvVar.RETRY_QUEUE_URL,
      ['https:', 'http:'],
      'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry',
    ),
    retryQueueDir: readOptionalString(env, 'RETRY_QUEUE_DIR'),
    metricsFlushIntervalMs: readInteger(env, 'METRICS_FLUSH_INTERVAL_MS', DEFAULT_METRICS_FLUSH_INTERVAL_MS, 0, 86_400_000),
  };
}

/** The retry queue the settings configure (SQS, else embedded), or undefined when none is. */
export async function openConfiguredRetryQueue(settings: PipelineSettings): Promise<RetryQueue | undefined> {
  if (settings.retryQueueUrl === undefined && settings.retryQueueDir === undefined) return undefined;
  return openRetryQueue({ RETRY_QUEUE_URL: settings.retryQueueUrl, RETRY_QUEUE_DIR: settings.retryQueueDir });
}

/** EMF counters of `metrics` for `service`, flushed every `metricsFlushIntervalMs`; undefined when that is 0. */
export function startServiceMetrics(
  service: ServiceIdentity,
  metrics: readonly PipelineMetric[],
  settings: PipelineSettings,
): EmbeddedMetrics | undefined {
  if (settings.metricsFlushIntervalMs === 0) return undefined;
  const counters = new EmbeddedMetrics({ service: service.name, metrics });
  counters.startFlushing(settings.metricsFlushIntervalMs);
  return counters;
}
