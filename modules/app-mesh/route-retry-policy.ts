import type { AppmeshRouteSpecHttpRouteRetryPolicy } from '@cdktf/provider-aws/lib/appmesh-route';
import type { RetryPolicy } from '../retry/retry-policy';

/**
 * Checks `policy` and renders it as an App Mesh HTTP route's retry policy
 * (App Mesh API reference, `HttpRetryPolicy`); `owner` and `prop` name the
 * construct and the prop in errors.
 */
export function renderRouteRetryPolicy(policy: RetryPolicy, owner: string, prop = 'retryPolicy'): AppmeshRouteSpecHttpRouteRetryPolicy {
  const { httpRetryEvents, tcpRetryEvents, maxRetries } = policy.check(owner, prop).spec;
  return {
    ...(httpRetryEvents.length > 0 ? { httpRetryEvents: [...httpRetryEvents] } : {}),
    maxRetries,
    perRetryTimeout: policy.perRetryTimeout.toAppMesh(),
    ...(tcpRetryEvents.length > 0 ? { tcpRetryEvents: [...tcpRetryEvents] } : {}),
  };
}
