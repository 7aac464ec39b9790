/**
 * `buildApp` of data-processing: health check, `POST /ev`,
 * `GET /vehicles/:vehicleId`, and the drain of the retry queue when one is given.
 */
import { RETRY_QUEUE_SETTINGS, type RetryQueueSettings } from '../../contract/retry-queue';
import { DATA_PROCESSING } from '../../contract/services';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';
import { MemoryIdempotentStore, type IdempotentStore } from '../resilience/idempotent-store';
import type { RetryQueue } from '../resilience/retry-queue/retry-queue';
import { allReady } from '../http/readiness';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../http/service-app';
import { DEFAULT_ANOMALY_THRESHOLDS, checkAnomalyThresholds, type AnomalyThresholds } from './anomaly-thresholds';
import { EventApplier } from './event-applier';
import { evRoute } from './ev-route';
import { vehicleRoute } from './vehicle-route';
import type { EvResult, VehicleState } from './vehicle-state';

/** Options of the processing app. */
export interface ProcessingAppOptions extends ServiceAppOptions {
  /** Where applied keys and vehicle aggregates live; the app closes it on close. @default a new MemoryIdempotentStore */
  readonly store?: IdempotentStore<VehicleState, EvResult>;
  /** Anomaly limits. @default DEFAULT_ANOMALY_THRESHOLDS */
  readonly thresholds?: AnomalyThresholds;
  /** Share of `POST /ev` calls (0..1) answered with a transient 503 before applying. @default 0 */
  readonly fault503Rate?: number;
  /** Uniform random source in [0, 1) for the fault rate, for tests. @default Math.random */
  readonly random?: () => number;
  /** The retry queue to drain (started when the app is ready, stopped before the store closes; paused while a readiness check fails). @default none */
  readonly retryQueue?: RetryQueue;
  /** How the queue is drained. @default RETRY_QUEUE_SETTINGS */
  readonly retryQueueSettings?: RetryQueueSettings;
  /** EMF counters (Requests, Errors, Drained); the app stops (flushes) them on close. @default none */
  readonly metrics?: EmbeddedMetrics;
}

/** Builds the data-processing app (not listening; call `listen` or use `inject`). */
export function buildApp(options: ProcessingAppOptions = {}): ServiceApp {
  const store = options.store ?? new MemoryIdempotentStore<VehicleState, EvResult>();
  const thresholds = checkAnomalyThresholds(options.thresholds ?? DEFAULT_ANOMALY_THRESHOLDS);
  const fault503Rate = options.fault503Rate ?? 0;
  if (!(fault503Rate >= 0 && fault503Rate <= 1)) throw new Error(`fault503Rate (${fault503Rate}) must be from 0 to 1`);
  const { metrics, retryQueue } = options;
  const app = createServiceApp(DATA_PROCESSING, options);
  app.register(evRoute, {
    applier: new EventApplier(store, thresholds),
    fault503Rate,
    random: options.random ?? Math.random,
    metrics,
    drain:
      retryQueue === undefined
        ? undefined
        : { queue: retryQueue, settings: options.retryQueueSettings ?? RETRY_QUEUE_SETTINGS, canProcess: allReady(options.readinessChecks ?? []) },
  });
  app.register(vehicleRoute, { store });
  app.addHook('onClose', async () => {
    await store.close();
    metrics?.stop();
  });
  return app;
}
