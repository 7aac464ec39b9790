/**
 * The processing app as its settings configure it: vehicle state in Redis
 * when `REDIS_URL` is set (shared by replicas, surviving restarts; connected
 * and checked before anything else, so wrong credentials or TLS settings stop
 * the start-up with one clear line), else in memory within `IDEMPOTENCY_MEMORY_MAX_KEYS` and `MEMORY_MAX_VEHICLES`; `GET /ready` checks the
 * store; the retry queue drained when one is configured; EMF metrics on
 * stdout unless turned off.
 */
import type { ConnectionOptions } from 'node:tls';
import { PipelineMetric } from '../../contract/metrics';
import { DATA_PROCESSING } from '../../contract/services';
import { exitOnRejectedCredentials } from '../resilience/credentials-rejected';
import { MemoryIdempotentStore, type IdempotentStore } from '../resilience/idempotent-store';
import type { RedisConfigurationError } from '../resilience/redis-connection';
import { RedisIdempotentStore, SHARED_STATE_STORE } from '../resilience/redis-idempotent-store';
import { openConfiguredRetryQueue, redisConnectionSettings, startServiceMetrics } from '../service-kit/pipeline-settings';
import type { ServiceApp } from '../service-kit/service-app';
import { startTracing } from '../tracing/start-tracing';
import { buildApp } from './app';
import { withTaskScaleInProtection } from './task-scale-in-protection';
import type { ProcessingSettings } from './settings';
import type { EvResult, VehicleState } from './vehicle-state';

/** Options of {@link buildConfiguredApp}. */
export interface ConfiguredAppOptions {
  /** Called when the cache rejects the credentials after start-up. @default exitOnRejectedCredentials (graceful exit 1) */
  readonly onCredentialsRejected?: (error: RedisConfigurationError) => void;
  /** Extra TLS options of the cache connection (tests: a private CA). @default Node's trusted CAs and NODE_EXTRA_CA_CERTS */
  readonly redisTls?: ConnectionOptions;
  /** The ECS container agent's URI: the drain holds task scale-in protection while it holds messages. @default ECS_AGENT_URI (set by ECS; unset elsewhere: no protection) */
  readonly ecsAgentUri?: string;
}

/** Opens what `settings` configure and builds the app on it (not listening). */
export async function buildConfiguredApp(settings: ProcessingSettings, options: ConfiguredAppOptions = {}): Promise<ServiceApp> {
  const keyTtlMs = settings.idempotencyKeyTtlSeconds * 1000;
  const redis = redisConnectionSettings(settings);
  const store: IdempotentStore<VehicleState, EvResult> =
    redis === undefined
      ? new MemoryIdempotentStore({ keyTtlMs, maxKeys: settings.idempotencyMemoryMaxKeys, maxEntities: settings.memoryMaxVehicles })
      : await RedisIdempotentStore.connect(
          redis,
          { keyTtlMs, replicaAcks: settings.redisReplicaAcks },
          { onCredentialsRejected: options.onCredentialsRejected ?? exitOnRejectedCredentials, tls: options.redisTls },
        );
  const retryQueue = withTaskScaleInProtection(await openConfiguredRetryQueue(settings), options.ecsAgentUri ?? process.env.ECS_AGENT_URI);
  return buildApp({
    ...settings,
    store,
    retryQueue,
    readinessChecks: store instanceof RedisIdempotentStore ? [{ name: SHARED_STATE_STORE, check: () => store.ping() }] : [],
    metrics: startServiceMetrics(DATA_PROCESSING, [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.DRAINED], settings),
    tracing: await startTracing(settings.tracing, DATA_PROCESSING),
  });
}
