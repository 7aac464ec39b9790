/**
 * Why a call to an upstream produced no answer, in the retry policy's words,
 * and the one classifier that names it. The retry loop decides on it
 * (`connection-error` is the policy's TCP event; `reset` and `timeout` are
 * covered by Envoy's `reset`, which `gateway-error` and `server-error`
 * include), and ingestion answers by it (504 for a timeout, else 503).
 */

/** Why no answer arrived. */
export enum UpstreamFailure {
  /** The connection could not be opened (refused, DNS, connect timeout): the policy's `connection-error`. */
  CONNECTION_ERROR = 'connection-error',
  /** The connection broke before a complete answer: Envoy's `reset`. */
  RESET = 'reset',
  /** No complete answer within one attempt's timeout (the per-retry timeout). */
  TIMEOUT = 'timeout',
  /** The deadline over all attempts passed (the route's per-request timeout). */
  DEADLINE = 'deadline',
  /** Not called: the circuit breaker is open. */
  CIRCUIT_OPEN = 'circuit-open',
  /** Given up: the caller is shutting down (its calls' abort signal fired); never retried. */
  SHUTDOWN = 'shutdown',
  /** Anything else (for example a bug in the attempt): never retried. */
  OTHER = 'other',
}

/** An error that already says which {@link UpstreamFailure} it is (a client's own error type extends it). */
export class UpstreamFailureError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UpstreamFailureError';
  }
}

const CODES: ReadonlyMap<string, UpstreamFailure> = new Map([
  ...['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].map(
    (code) => [code, UpstreamFailure.CONNECTION_ERROR] as const,
  ),
  ...['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'].map((code) => [code, UpstreamFailure.TIMEOUT] as const),
  ...[
    'ECONNRESET',
    'EPIPE',
    'ECONNABORTED',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_DESTROYED',
    'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  ].map((code) => [code, UpstreamFailure.RESET] as const),
]);

/**
 * The {@link UpstreamFailure} of `error`: its own when it is an
 * {@link UpstreamFailureError}, else the first known error `code` on its
 * `cause` chain (Node's socket errors, undici's `UND_ERR_*`; an HTTP parser
 * error `HPE_*` is a reset). `unknown` is what an error with neither is: the
 * default `OTHER` for an attempt's error (it may be a bug), `RESET` for an
 * error an HTTP client reported as the exchange failing.
 */
export function classifyUpstreamError(error: unknown, unknown: UpstreamFailure = UpstreamFailure.OTHER): UpstreamFailure {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof UpstreamFailureError) return current.failure;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const failure = CODES.get(code);
      if (failure !== undefined) return failure;
      if (code.startsWith('HPE_')) return UpstreamFailure.RESET;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return unknown;
}
