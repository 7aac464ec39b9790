/**
 * The ingestion app as its settings configure it: the circuit breaker's state
 * in Redis when `REDIS_URL` is set (shared by all replicas; connected and
 * checked first, so wrong credentials or TLS settings stop the start-up with
 * one clear line instead of a breaker that fails open for ever), else per
 * process; events parked in the retry queue when one is configured; EMF
 * metrics on stdout unless turned off.
 */
import type { ConnectionOptions } from 'node:tls';
import { PipelineMetric } from '../../contract/metrics';
import { DATA_INGESTION, DATA_PROCESSING } from '../../contract/services';
import { RedisCircuitBreakerStore } from '../resilience/circuit-breaker/redis-circuit-breaker-store';
import { openConfiguredRetryQueue, redisConnectionSettings, startServiceMetrics } from '../service-kit/pipeline-settings';
import type { ServiceApp } from '../service-kit/service-app';
import { startTracing } from '../tracing/start-tracing';
import { exitOnRejectedCredentials } from '../resilience/credentials-rejected';
import type { RedisConfigurationError } from '../resilience/redis-connection';
import { buildApp } from './app';
import type { IngestionSettings } from './settings';

/** Options of {@link buildConfiguredApp}. */
export interface ConfiguredAppOptions {
  /** Called when the cache rejects the credentials after start-up. @default exitOnRejectedCredentials (graceful exit 1) */
  readonly onCredentialsRejected?: (error: RedisConfigurationError) => void;
  /** Extra TLS options of the cache connection (tests: a private CA). @default Node's trusted CAs and NODE_EXTRA_CA_CERTS */
  readonly redisTls?: ConnectionOptions;
}

/** Opens what `settings` configure and builds the app on it (not listening). */
export async function buildConfiguredApp(settings: IngestionSettings, options: ConfiguredAppOptions = {}): Promise<ServiceApp> {
  const redis = redisConnectionSettings(settings);
  const circuitBreakerStore =
    redis === undefined
      ? undefined
      : await RedisCircuitBreakerStore.connect(
          redis,
          { name: DATA_PROCESSING.name },
          { onCredentialsRejected: options.onCredentialsRejected ?? exitOnRejectedCredentials, tls: options.redisTls },
        );
  const retryQueue = await openConfiguredRetryQueue(settings);
  return buildApp({
    ...settings,
    retryQueue,
    circuitBreakerStore,
    metrics: startServiceMetrics(DATA_INGESTION, [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.PARKED], settings),
    tracing: await startTracing(settings.tracing, DATA_INGESTION),
  });
}
