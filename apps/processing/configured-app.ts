/**
 * The processing app as its settings configure it: vehicle state in Redis
 * when `REDIS_URL` is set (shared by replicas, surviving restarts), else in
 * memory (`buildApp`'s default store); the retry queue drained when one is
 * configured; EMF metrics on stdout unless turned off.
 */
import { PipelineMetric } from '../../contract/metrics';
import { DATA_PROCESSING } from '../../contract/services';
import { RedisIdempotentStore } from '../resilience/redis-idempotent-store';
import { openConfiguredRetryQueue, startServiceMetrics } from '../service-kit/pipeline-settings';
import type { ServiceApp } from '../service-kit/service-app';
import { buildApp } from './app';
import type { ProcessingSettings } from './settings';

/** Opens what `settings` configure and builds the app on it (not listening). */
export async function buildConfiguredApp(settings: ProcessingSettings): Promise<ServiceApp> {
  const retryQueue = await openConfiguredRetryQueue(settings);
  const keyTtlMs = settings.idempotencyKeyTtlSeconds * 1000;
  return buildApp({
    ...settings,
    store: settings.redisUrl === undefined ? undefined : RedisIdempotentStore.connect(settings.redisUrl, { keyTtlMs }),
    retryQueue,
    metrics: startServiceMetrics(DATA_PROCESSING, [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.DRAINED], settings),
  });
}
