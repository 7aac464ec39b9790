import type { Duration } from '../core/duration';
import type { RetryBackoffSpec } from '../retry/retry-backoff';

/**
 * How a Service Connect client's app applies the retry policies of the
 * services it calls. Service Connect has no configurable retry policy, so a
 * server's `spec.retryPolicy` is applied by its callers in-process (each
 * attempt bounded by the policy's `perRetryTimeoutMs`) or by nobody.
 */
export interface InProcessRetries {
  /** The app's deadline over all attempts of one call, back-off included (what the app is configured with). */
  readonly deadline: Duration;
  /** The app's back-off between attempts. @default ENVOY_DEFAULT_BACKOFF (25 ms base, 250 ms cap, full jitter) */
  readonly backoff?: RetryBackoffSpec;
}

/**
 * The retries the Service Connect proxy makes on its own for each request,
 * as the retry-budget check assumes them. AWS states that Service Connect has
 * "built-in health checks, outlier detection, and retry mechanisms"
 * ("Migrating from AWS App Mesh to Amazon ECS Service Connect", AWS
 * Containers blog) but documents no count, condition or timeout for them.
 * The only count found is a user's report in "Customize Service Connect
 * configuration" (https://github.com/aws/containers-roadmap/issues/1963): "Today SC will retry twice on
 * connection failure or 503 responses". So 2 is an assumption taken from
 * that report, not a documented figure; set `assumedProxyRetries` when you
 * know better.
 */
export const ASSUMED_SERVICE_CONNECT_PROXY_RETRIES = 2;
