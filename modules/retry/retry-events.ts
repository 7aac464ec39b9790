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

/** An HTTP retry event, as the enum or as the API's string (`'gateway-error'`). */
export type HttpRetryEventName = HttpRetryEvent | `${HttpRetryEvent}`;

/** A TCP retry event, as the enum or as the API's string (`'connection-error'`). */
export type TcpRetryEventName = TcpRetryEvent | `${TcpRetryEvent}`;
