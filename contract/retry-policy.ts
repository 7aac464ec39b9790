/**
 * The retry policy between data-ingestion and data-processing, as one plain
 * object. The stack renders it into the App Mesh route (Envoy applies it);
 * the ingestion service applies the very same object in-process when no mesh
 * is present (`RETRY_MODE=app`). No cdktf or fastify imports here.
 *
 * Semantics follow the App Mesh API reference, `HttpRetryPolicy`:
 * https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_HttpRetryPolicy.html
 */

/** HTTP events on which App Mesh (Envoy) retries; the values are the API strings. */
export enum HttpRetryEvent {
  /** HTTP 500, 501, 502, 503, 504, 505, 506, 507, 508, 510 and 511; includes Envoy's `reset`. */
  SERVER_ERROR = 'server-error',
  /** HTTP 502, 503 and 504; includes Envoy's `reset`. */
  GATEWAY_ERROR = 'gateway-error',
  /** HTTP 409. */
  CLIENT_ERROR = 'client-error',
  /** A refused stream (HTTP/2 REFUSED_STREAM). */
  STREAM_ERROR = 'stream-error',
}

/** TCP events on which App Mesh (Envoy) retries; the values are the API strings. */
export enum TcpRetryEvent {
  /** The connection to the upstream failed before any processing of the request started. */
  CONNECTION_ERROR = 'connection-error',
}

/** A retry policy, in the units of the App Mesh API. */
export interface RetryPolicySpec {
  /** HTTP events that trigger a retry. */
  readonly httpRetryEvents: readonly HttpRetryEvent[];
  /** TCP events that trigger a retry. */
  readonly tcpRetryEvents: readonly TcpRetryEvent[];
  /** Maximum number of retries after the first attempt (App Mesh: `maxRetries`, minimum 0). */
  readonly maxRetries: number;
  /** Timeout of each attempt, in milliseconds (App Mesh: `perRetryTimeout`). */
  readonly perRetryTimeoutMs: number;
}

/**
 * Envoy's default retry back-off: exponential with full jitter, 25 ms base
 * interval, maximum interval 10 × base (250 ms). App Mesh does not expose it.
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-max-retries
 */
export interface RetryBackoffSpec {
  /** Base interval of the exponential back-off, in milliseconds. @default 25 */
  readonly baseIntervalMs: number;
  /** Cap of any single back-off interval, in milliseconds. @default 250 */
  readonly maxIntervalMs: number;
}

/** Envoy's default back-off, which App Mesh routes use. */
export const ENVOY_DEFAULT_BACKOFF: RetryBackoffSpec = Object.freeze({
  baseIntervalMs: 25,
  maxIntervalMs: 250,
});

/**
 * The article's policy on the data-processing route: retry gateway errors and
 * connection errors, at most 12 times, 5 s per attempt. One `x-503` call
 * therefore reaches data-processing 13 times.
 */
export const PROCESSING_RETRY_POLICY: RetryPolicySpec = Object.freeze({
  httpRetryEvents: Object.freeze([HttpRetryEvent.GATEWAY_ERROR]),
  tcpRetryEvents: Object.freeze([TcpRetryEvent.CONNECTION_ERROR]),
  maxRetries: 12,
  perRetryTimeoutMs: 5_000,
});

const STATUS_CODES_BY_EVENT: Readonly<Record<HttpRetryEvent, readonly number[]>> = {
  [HttpRetryEvent.SERVER_ERROR]: [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511],
  [HttpRetryEvent.GATEWAY_ERROR]: [502, 503, 504],
  [HttpRetryEvent.CLIENT_ERROR]: [409],
  [HttpRetryEvent.STREAM_ERROR]: [],
};

/** The HTTP status codes that trigger a retry under `policy`. */
export function retryableStatusCodes(policy: RetryPolicySpec): ReadonlySet<number> {
  return new Set(policy.httpRetryEvents.flatMap((event) => STATUS_CODES_BY_EVENT[event]));
}

/**
 * Whether a reset of the upstream (connection reset, or the per-retry timeout
 * expiring) triggers a retry: `server-error` and `gateway-error` include
 * Envoy's `reset` policy.
 */
export function retriesOnReset(policy: RetryPolicySpec): boolean {
  return policy.httpRetryEvents.includes(HttpRetryEvent.SERVER_ERROR) || policy.httpRetryEvents.includes(HttpRetryEvent.GATEWAY_ERROR);
}

/** Whether a failure to connect to the upstream triggers a retry. */
export function retriesOnConnectionError(policy: RetryPolicySpec): boolean {
  return policy.tcpRetryEvents.includes(TcpRetryEvent.CONNECTION_ERROR);
}

/** The longest back-off Envoy can draw before retry `retryNumber` (1-based), in milliseconds: (2^n − 1) × base, capped. */
export function worstCaseBackoffMs(retryNumber: number, backoff: RetryBackoffSpec): number {
  return Math.min(backoff.maxIntervalMs, (2 ** retryNumber - 1) * backoff.baseIntervalMs);
}

/**
 * The longest the whole retry schedule of `policy` can take: every attempt
 * (1 + `maxRetries`) runs into the per-retry timeout, and every back-off is
 * the longest `backoff` can draw. In milliseconds. A per-request timeout
 * shorter than this cuts the schedule before its last attempts (Envoy's
 * route timeout covers all retries).
 */
export function retryScheduleBudgetMs(policy: RetryPolicySpec, backoff: RetryBackoffSpec): number {
  let total = (policy.maxRetries + 1) * policy.perRetryTimeoutMs;
  for (let retry = 1; retry <= policy.maxRetries; retry++) total += worstCaseBackoffMs(retry, backoff);
  return total;
}

/**
 * The per-request timeout of a call whose retries follow `policy`: the next
 * whole second above the retry schedule's budget, so that the last attempt
 * is not cut by the few milliseconds the hops themselves take. The
 * mesh's route and the listeners on its call path use it, and so does
 * ingestion (its deadline over app-mode retries, its one call in mesh mode).
 */
export function callTimeoutMs(policy: RetryPolicySpec, backoff: RetryBackoffSpec): number {
  return Math.ceil((retryScheduleBudgetMs(policy, backoff) + 1) / 1000) * 1000;
}

/**
 * The per-request timeout of the data-processing route, in milliseconds:
 * {@link callTimeoutMs} of {@link PROCESSING_RETRY_POLICY} with Envoy's
 * default back-off (13 × 5 s + 2,525 ms of back-off = 67,525 ms → 68,000 ms).
 */
export const PROCESSING_CALL_TIMEOUT_MS = callTimeoutMs(PROCESSING_RETRY_POLICY, ENVOY_DEFAULT_BACKOFF);

/*
 * The front door's chain of timeouts, shortest first:
 *
 *   request receive timeout (10 s, apps' REQUEST_TIMEOUT_MS)
 *     < answer deadline (ANSWER_DEADLINE_MS, 25 s)
 *     < load balancer idle timeout (FRONT_DOOR_IDLE_TIMEOUT_MS, 60 s)
 *     < app keep-alive timeout (APP_KEEP_ALIVE_TIMEOUT_MS, 65 s).
 *
 * The load balancer drops a request that stays silent for its idle timeout,
 * so ingestion answers before it: after the answer deadline it stops
 * retrying and parks the event (202). The retries of PROCESSING_CALL_TIMEOUT_MS
 * (68 s) do not fit that window: the deadline bounds their synchronous part,
 * and the retry queue carries the rest. The app keeps idle connections open
 * longer than the load balancer does, so that the load balancer always closes
 * first and never sends a request on a connection the app is closing (a 502).
 */

/** Idle timeout of the load balancer in front of ingestion (ALB's default), in milliseconds. */
export const FRONT_DOOR_IDLE_TIMEOUT_MS = 60_000;

/**
 * Ingestion's answer deadline, in milliseconds: five per-retry timeouts
 * (25 s), room for several attempts at a slow processing, and 35 s short of
 * the front door's idle timeout for parking the event and the hops.
 */
export const ANSWER_DEADLINE_MS = 5 * PROCESSING_RETRY_POLICY.perRetryTimeoutMs;

/** How long the services keep an idle keep-alive connection, in milliseconds: 5 s past the front door's idle timeout. */
export const APP_KEEP_ALIVE_TIMEOUT_MS = FRONT_DOOR_IDLE_TIMEOUT_MS + 5_000;
