/**
 * `buildApp` of data-ingestion: health check and `POST /ev`, forwarded to
 * data-processing through the resilience chain
 * parking → circuit breaker → app-mode retries (`RETRY_MODE=app`) → HTTP pool.
 *
 * Two bounds end the synchronous part of a call, after which the event is
 * parked (202) — or, without a retry queue, answered 503/504: the answer
 * deadline (`answerDeadlineMs`, below the front door's idle timeout), and
 * shutdown: when the app starts closing (SIGTERM), every call in flight stops
 * retrying at once and new ones are parked without calling, so the grace
 * period is spent answering, not waiting on retries.
 */
import { PipelineMetric } from '../../contract/metrics';
import {
  ANSWER_DEADLINE_MS,
  ENVOY_DEFAULT_BACKOFF,
  PROCESSING_CALL_TIMEOUT_MS,
  PROCESSING_RETRY_POLICY,
  type RetryBackoffSpec,
} from '../../contract/retry-policy';
import { DATA_INGESTION, LOCAL_DATA_PROCESSING_URL, RetryMode } from '../../contract/services';
import { VehicleAuth } from '../../contract/vehicle-auth';
import { CircuitBreaker } from '../resilience/circuit-breaker/circuit-breaker';
import type { CircuitBreakerStore } from '../resilience/circuit-breaker/circuit-breaker-store';
import { MemoryCircuitBreakerStore } from '../resilience/circuit-breaker/memory-circuit-breaker-store';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';
import type { RetryQueue } from '../resilience/retry-queue/retry-queue';
import { countEvAnswers } from '../service-kit/ev-metrics';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../service-kit/service-app';
import type { Tracing } from '../tracing/tracing';
import { CircuitBreakingProcessingClient } from './circuit-breaking-processing-client';
import { evRoute } from './ev-route';
import { ParkingProcessingClient } from './parking-processing-client';
import type { ProcessingClient } from './processing-client';
import { RetryingProcessingClient } from './retrying-processing-client';
import { TracedProcessingClient } from './traced-processing-client';
import { ShuttingDownError } from './shutting-down-error';
import { UndiciProcessingClient } from './undici-processing-client';
import { warnWhenVehiclesUnauthenticated } from './unauthenticated-vehicles-warning';
import { requireVehicleCertificate } from './vehicle-identity';

/** Default connections to processing: as many as requests a busy ingestion has in flight, so none waits for a socket. */
export const DEFAULT_PROCESSING_CONNECTIONS = 128;

/**
 * The default timeout of one call to processing, in milliseconds: the
 * policy's per-retry timeout when each call is one attempt (`app`, `off`);
 * the deadline over all attempts with `mesh`, since Envoy retries inside the
 * one call.
 */
export function defaultProcessingTimeoutMs(retryMode: RetryMode, retryOverallTimeoutMs: number): number {
  return retryMode === RetryMode.MESH ? retryOverallTimeoutMs : PROCESSING_RETRY_POLICY.perRetryTimeoutMs;
}

/** Options of the ingestion app. */
export interface IngestionAppOptions extends ServiceAppOptions {
  /** Processing's `POST /ev` URL, used when no `processing` client is given. @default LOCAL_DATA_PROCESSING_URL (contract) */
  readonly dataProcessingUrl?: URL;
  /** Connections to processing, used when no `processing` client is given. @default DEFAULT_PROCESSING_CONNECTIONS (128) */
  readonly processingConnections?: number;
  /** Timeout of one call to processing, in milliseconds; in app mode at most the policy's per-retry timeout. @default defaultProcessingTimeoutMs(retryMode, retryOverallTimeoutMs) */
  readonly processingTimeoutMs?: number;
  /** The client that carries one call to processing, wrapped by the app's resilience chain; the app closes it on close. @default an UndiciProcessingClient */
  readonly processing?: ProcessingClient;
  /** Who retries: the app (`PROCESSING_RETRY_POLICY` in-process), the mesh, or nobody. @default RetryMode.APP */
  readonly retryMode?: RetryMode;
  /** App-mode back-off. @default ENVOY_DEFAULT_BACKOFF (25 ms base, 250 ms cap) */
  readonly retryBackoff?: RetryBackoffSpec;
  /** Deadline over all attempts and back-offs, in milliseconds (app mode; the call's timeout in mesh mode). @default PROCESSING_CALL_TIMEOUT_MS (contract: the processing route's per-request timeout) */
  readonly retryOverallTimeoutMs?: number;
  /** State of the circuit breaker around the (retried) call; the app closes it on close. @default a MemoryCircuitBreakerStore (per process) */
  readonly circuitBreakerStore?: CircuitBreakerStore;
  /** Where events that cannot be delivered are parked (202); without one they get a 5xx. @default none */
  readonly retryQueue?: RetryQueue;
  /** EMF counters (Requests, Errors, Parked); the app stops (flushes) them on close. @default none */
  readonly metrics?: EmbeddedMetrics;
  /** OpenTelemetry tracing: a server span per request, a client span per attempt at processing; the app shuts it down (flushes) on close. @default none: no spans, no hooks */
  readonly tracing?: Tracing;
  /** How the vehicle is identified: `alb-mtls` takes it from the load balancer's client-certificate header and lets it post only its own events (401/403); `none` does not (and warns when listening beyond loopback). @default VehicleAuth.NONE */
  readonly vehicleAuth?: VehicleAuth;
  /** Whether the `x-503` fault switch is forwarded to processing (`FAULT_INJECTION=enabled`: dev and local runs only). @default false */
  readonly faultInjection?: boolean;
  /**
   * Longest time ingestion spends calling processing for one request, in
   * milliseconds, before it stops retrying and parks the event (202; 504
   * without a retry queue). It bounds `retryOverallTimeoutMs` and, in mesh
   * mode, the one call. Keep it below the front door's idle timeout.
   * @default ANSWER_DEADLINE_MS (contract: 25000)
   */
  readonly answerDeadlineMs?: number;
}

/** Builds the data-ingestion app (not listening; call `listen` or use `inject`). */
export function buildApp(options: IngestionAppOptions = {}): ServiceApp {
  const retryMode = options.retryMode ?? RetryMode.APP;
  const policy = PROCESSING_RETRY_POLICY;
  const answerDeadlineMs = options.answerDeadlineMs ?? ANSWER_DEADLINE_MS;
  const overallTimeoutMs = Math.min(options.retryOverallTimeoutMs ?? PROCESSING_CALL_TIMEOUT_MS, answerDeadlineMs);
  const timeoutMs = Math.min(options.processingTimeoutMs ?? defaultProcessingTimeoutMs(retryMode, overallTimeoutMs), answerDeadlineMs);
  const transport =
    options.processing ??
    new UndiciProcessingClient({
      url: options.dataProcessingUrl ?? new URL(LOCAL_DATA_PROCESSING_URL),
      connections: options.processingConnections ?? DEFAULT_PROCESSING_CONNECTIONS,
      timeoutMs: retryMode === RetryMode.APP ? Math.min(timeoutMs, policy.perRetryTimeoutMs) : timeoutMs,
    });
  const app = createServiceApp(DATA_INGESTION, options);
  const { metrics, retryQueue } = options;
  const breakerStore = options.circuitBreakerStore ?? new MemoryCircuitBreakerStore();

  let processing: ProcessingClient = transport;
  // Tracing (only when configured): spans per request and per attempt; see apps/tracing.
  const { tracing } = options;
  if (tracing !== undefined) {
    tracing.traceRequests(app, { rewriteTraceHeaders: true });
    processing = new TracedProcessingClient(processing, tracing, options.dataProcessingUrl ?? new URL(LOCAL_DATA_PROCESSING_URL));
    app.addHook('onClose', async () => {
      await tracing.shutdown();
    });
  }
  if (retryMode === RetryMode.APP) {
    processing = new RetryingProcessingClient(processing, {
      policy,
      backoff: options.retryBackoff ?? ENVOY_DEFAULT_BACKOFF,
      overallTimeoutMs,
      onRetry: (retry) => app.log.debug(retry, 'retrying data-processing'),
    });
  }
  const breaker = new CircuitBreaker(breakerStore, {
    onStoreError: (error) => app.log.warn({ err: error }, 'circuit breaker store failed; calling data-processing without it'),
  });
  processing = new CircuitBreakingProcessingClient(processing, breaker);
  if (retryQueue !== undefined) {
    processing = new ParkingProcessingClient(processing, retryQueue, (outcome) => {
      if (!outcome.parked) {
        app.log.error(
          { idempotencyKey: outcome.idempotencyKey, reason: outcome.reason, err: outcome.error },
          'event neither processed nor parked',
        );
        return;
      }
      metrics?.count(PipelineMetric.PARKED);
      app.log.warn(
        { idempotencyKey: outcome.idempotencyKey, reason: outcome.reason, err: outcome.cause },
        'event parked in the retry queue',
      );
    });
  }

  const forwarding = processing;
  // Fired first thing on close (preClose runs before the server waits for requests in flight).
  const shutdown = new AbortController();
  app.addHook('preClose', (done) => {
    shutdown.abort(new ShuttingDownError());
    done();
  });
  app.register(async function countedEvRoute(scope) {
    // Hooks of this scope apply to the routes of the plugins it registers: POST /ev only.
    if (metrics !== undefined) scope.addHook('onResponse', countEvAnswers(metrics));
    if (options.vehicleAuth === VehicleAuth.ALB_MTLS) requireVehicleCertificate(scope);
    await scope.register(evRoute, { processing: forwarding, faultInjection: options.faultInjection ?? false, stop: shutdown.signal });
  });
  if ((options.vehicleAuth ?? VehicleAuth.NONE) === VehicleAuth.NONE) warnWhenVehiclesUnauthenticated(app);
  app.addHook('onClose', async () => {
    await processing.close();
    await breakerStore.close();
    metrics?.stop();
  });
  return app;
}
