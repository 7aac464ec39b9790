/**
 * Envoy's retry back-off: exponential with full jitter. App Mesh does not
 * expose it; the retry-budget check needs it to know how long retries take.
 * https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-max-retries
 */
export interface RetryBackoffSpec {
  /** Base interval of the exponential back-off, in milliseconds. */
  readonly baseIntervalMs: number;
  /** Cap of any single back-off interval, in milliseconds. */
  readonly maxIntervalMs: number;
}

/** Envoy's default back-off, which App Mesh routes use: 25 ms base interval, capped at 10 × base (250 ms). */
export const ENVOY_DEFAULT_BACKOFF: RetryBackoffSpec = Object.freeze({
  baseIntervalMs: 25,
  maxIntervalMs: 250,
});
