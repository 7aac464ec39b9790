import type { AppmeshVirtualNodeSpecListenerConnectionPool } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { requireIntegerInRange } from '../core/prop-error';

/**
 * Limits on the connections and queued requests that Envoy lets into a
 * listener of the node, so that a slow instance sheds load instead of
 * queueing without bound.
 * https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualNodeHttpConnectionPool.html
 */
export interface HttpConnectionPool {
  /** Maximum upstream connections Envoy opens to the node's hosts together (at least 1). */
  readonly maxConnections: number;
  /** Maximum requests queued while all connections are busy (at least 1). @default 2147483647 (App Mesh) */
  readonly maxPendingRequests?: number;
}

/** Renders `pool`; `owner` names the construct in errors. */
export function renderHttpConnectionPool(owner: string, pool: HttpConnectionPool): AppmeshVirtualNodeSpecListenerConnectionPool {
  requireIntegerInRange(owner, 'connectionPool.maxConnections', pool.maxConnections, 1, 2_147_483_647);
  if (pool.maxPendingRequests !== undefined) {
    requireIntegerInRange(owner, 'connectionPool.maxPendingRequests', pool.maxPendingRequests, 1, 2_147_483_647);
  }
  return {
    http: [
      {
        maxConnections: pool.maxConnections,
        ...(pool.maxPendingRequests !== undefined ? { maxPendingRequests: pool.maxPendingRequests } : {}),
      },
    ],
  };
}
