import { Duration, type AppMeshDuration } from '../core/duration';

/**
 * App Mesh's per-request timeout when none is set, on routes and on listeners:
 * "The default value is 15 seconds. If you set a higher timeout, then make sure
 * that the higher value is set for each App Mesh resource in a conversation."
 * https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_HttpTimeout.html
 */
export const APP_MESH_DEFAULT_PER_REQUEST_TIMEOUT = Duration.seconds(15);

/** HTTP timeouts of a route or a listener (App Mesh `HttpTimeout`). */
export interface HttpTimeout {
  /**
   * Time allowed for one request, from the first byte sent to the whole
   * response; on a route, Envoy counts all retries and their back-off in it.
   * @default 15 seconds (App Mesh)
   */
  readonly perRequest?: Duration;
  /** Time a connection may stay idle. @default none (App Mesh) */
  readonly idle?: Duration;
}

/** The per-request timeout that applies under `timeout`, with App Mesh's default filled in. */
export function effectivePerRequestTimeout(timeout: HttpTimeout | undefined): Duration {
  return timeout?.perRequest ?? APP_MESH_DEFAULT_PER_REQUEST_TIMEOUT;
}

/** The provider's `{ perRequest, idle }` block of an HTTP timeout. */
export interface RenderedHttpTimeout {
  readonly perRequest?: AppMeshDuration;
  readonly idle?: AppMeshDuration;
}

/** Renders `timeout` to the provider's `{ perRequest, idle }` block, or `undefined` when empty. */
export function renderHttpTimeout(timeout: HttpTimeout | undefined): RenderedHttpTimeout | undefined {
  if (!timeout || (!timeout.perRequest && !timeout.idle)) return undefined;
  return {
    ...(timeout.perRequest ? { perRequest: timeout.perRequest.toAppMesh() } : {}),
    ...(timeout.idle ? { idle: timeout.idle.toAppMesh() } : {}),
  };
}
