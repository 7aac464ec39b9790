/**
 * The ingestion app as its settings configure it: the circuit breaker's state
 * in Redis when `REDIS_URL` is set (shared by all replicas), else per
 * process; events parked in the retry queue when one is configured; EMF
 * metrics on stdout unless turned off.
 */
import { PipelineMetric } from '../../contract/metrics';
import { DATA_INGESTION, DATA_PROCESSING } from '../../contract/services';
import { RedisCircuitBreakerStore } from '../resilience/circuit-breaker/redis-circuit-breaker-store';
import { openConfiguredRetryQueue, startServiceMetrics } from '../service-kit/pipeline-settings';
import type { ServiceApp } from '../service-kit/service-app';
import { startTracing } from '../tracing/start-tracing';
import { buildApp } from './app';
import type { IngestionSettings } from './settings';

/** Opens what `settings` configure and builds the app on it (not listening). */
export async function buildConfiguredApp(settings: IngestionSettings): Promise<ServiceApp> {
  const retryQueue = await openConfiguredRetryQueue(settings);
  return buildApp({
    ...settings,
    retryQueue,
    circuitBreakerStore: settings.redisUrl === undefined ? undefined : RedisCircuitBreakerStore.connect(settings.redisUrl, { name: DATA_PROCESSING.name }),
    metrics: startServiceMetrics(DATA_INGESTION, [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.PARKED], settings),
    tracing: await startTracing(settings.tracing, DATA_INGESTION),
  });
}
