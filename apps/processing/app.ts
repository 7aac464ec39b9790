/**
 * `buildApp` of data-processing: health check, `POST /ev`,
 * `GET /vehicles/:vehicleId`, and the drain of the retry queue when one is given.
 */
import { RETRY_QUEUE_SETTINGS, type RetryQueueSettings } from '../../contract/retry-queue';
import { DATA_PROCESSING } from '../../contract/services';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';
import { MemoryIdempotentStore, type IdempotentStore } from '../resilience/idempotent-store';
import type { RetryQueue } from '../resilience/retry-queue/retry-queue';
import { allReady } from '../service-kit/readiness';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../service-kit/service-app';
import type { Tracing } from '../tracing/tracing';
import { DEFAULT_ANOMALY_THRESHOLDS, checkAnomalyThresholds, type AnomalyThresholds } from './anomaly-thresholds';
import { EventApplier } from './event-applier';
import { evRoute } from './ev-route';
import { retryQueueDrain } from './retry-queue-drain';
import { vehicleRoute } from './vehicle-route';
import type { EvResult, VehicleState } from './vehicle-state';

/** Applied idempotency keys are remembered this long by default: 24 h, well past the retry queue's schedule. */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 86_400;

/** Options of the processing app. */
export interface ProcessingAppOptions extends ServiceAppOptions {
  /** Where applied keys and vehicle aggregates live; the app closes it on close. @default a new MemoryIdempotentStore keeping keys `idempotencyKeyTtlSeconds` */
  readonly store?: IdempotentStore<VehicleState, EvResult>;
  /** How long the default store remembers an applied key, in seconds (a given `store` has its own). @default DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS (86400) */
  readonly idempotencyKeyTtlSeconds?: number;
  /** Anomaly limits. @default DEFAULT_ANOMALY_THRESHOLDS */
  readonly thresholds?: AnomalyThresholds;
  /** Whether the fault switches (the `x-503` header, `fault503Rate`) take effect: dev and local runs only. @default false */
  readonly faultInjection?: boolean;
  /** Share of `POST /ev` calls (0..1) answered with a transient 503 before applying; above 0 only with `faultInjection`. @default 0 */
  readonly fault503Rate?: number;
  /** Uniform random source in [0, 1) for the fault rate, for tests. @default Math.random */
  readonly random?: () => number;
  /** The retry queue to drain (started when the app is ready, stopped before the store closes; paused while a readiness check fails). @default none */
  readonly retryQueue?: RetryQueue;
  /** How the queue is drained. @default RETRY_QUEUE_SETTINGS */
  readonly retryQueueSettings?: RetryQueueSettings;
  /** EMF counters (Requests, Errors, Drained); the app stops (flushes) them on close. @default none */
  readonly metrics?: EmbeddedMetrics;
  /** OpenTelemetry tracing: a server span per request, a span per drained message; the app shuts it down (flushes) on close. @default none: no spans, no hooks */
  readonly tracing?: Tracing;
}

/** Builds the data-processing app (not listening; call `listen` or use `inject`). */
export function buildApp(options: ProcessingAppOptions = {}): ServiceApp {
  const keyTtlMs = (options.idempotencyKeyTtlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS) * 1000;
  const store = options.store ?? new MemoryIdempotentStore<VehicleState, EvResult>({ keyTtlMs });
  const thresholds = checkAnomalyThresholds(options.thresholds ?? DEFAULT_ANOMALY_THRESHOLDS);
  const fault503Rate = options.fault503Rate ?? 0;
  if (!(fault503Rate >= 0 && fault503Rate <= 1)) throw new Error(`fault503Rate (${fault503Rate}) must be from 0 to 1`);
  const faultInjection = options.faultInjection ?? false;
  if (fault503Rate > 0 && !faultInjection) throw new Error(`fault503Rate (${fault503Rate}) needs faultInjection: true`);
  const { metrics, retryQueue } = options;
  const app = createServiceApp(DATA_PROCESSING, options);
  // Tracing (only when configured): spans per request and per drained message; see apps/tracing.
  const { tracing } = options;
  if (tracing !== undefined) {
    tracing.traceRequests(app);
    app.addHook('onClose', async () => {
      await tracing.shutdown();
    });
  }
  // One applier for both paths: a key applied by either is not applied again by the other.
  const applier = new EventApplier(store, thresholds);
  app.register(evRoute, { applier, faultInjection, fault503Rate, random: options.random ?? Math.random, metrics });
  if (retryQueue !== undefined) {
    app.register(retryQueueDrain, {
      queue: retryQueue,
      settings: options.retryQueueSettings ?? RETRY_QUEUE_SETTINGS,
      applier,
      metrics,
      tracing,
      canProcess: allReady(options.readinessChecks ?? []),
    });
  }
  app.register(vehicleRoute, { store });
  app.addHook('onClose', async () => {
    await store.close();
    metrics?.stop();
  });
  return app;
}
