/**
 * The processing app as its settings configure it: vehicle state in Redis
 * when `REDIS_URL` is set (shared by replicas, surviving restarts), else in
 * memory within `IDEMPOTENCY_MEMORY_MAX_KEYS` and `MEMORY_MAX_VEHICLES`;
 * the retry queue drained when one is configured; EMF metrics on stdout
 * unless turned off.
 */
import { PipelineMetric } from '../../contract/metrics';
import { DATA_PROCESSING } from '../../contract/services';
import { MemoryIdempotentStore, type IdempotentStore } from '../resilience/idempotent-store';
import { RedisIdempotentStore } from '../resilience/redis-idempotent-store';
import { openConfiguredRetryQueue, startServiceMetrics } from '../service-kit/pipeline-settings';
import type { ServiceApp } from '../service-kit/service-app';
import { startTracing } from '../tracing/start-tracing';
import { buildApp } from './app';
import type { ProcessingSettings } from './settings';
import type { EvResult, VehicleState } from './vehicle-state';

/** Opens what `settings` configure and builds the app on it (not listening). */
export async function buildConfiguredApp(settings: ProcessingSettings): Promise<ServiceApp> {
  const retryQueue = await openConfiguredRetryQueue(settings);
  const keyTtlMs = settings.idempotencyKeyTtlSeconds * 1000;
  const store: IdempotentStore<VehicleState, EvResult> =
    settings.redisUrl === undefined
      ? new MemoryIdempotentStore({ keyTtlMs, maxKeys: settings.idempotencyMemoryMaxKeys, maxEntities: settings.memoryMaxVehicles })
      : RedisIdempotentStore.connect(settings.redisUrl, { keyTtlMs });
  return buildApp({
    ...settings,
    store,
    retryQueue,
    metrics: startServiceMetrics(DATA_PROCESSING, [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.DRAINED], settings),
    tracing: await startTracing(settings.tracing, DATA_PROCESSING),
  });
}
