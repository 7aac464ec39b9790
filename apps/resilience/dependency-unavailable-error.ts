/**
 * A dependency the request needs (the shared-state store, the retry queue) is
 * unreachable or not accepting writes for now. It is transient: the services
 * answer it with 503 and `Retry-After`, which App Mesh's `gateway-error`
 * policy, ingestion's in-process retries and its parking path all retry.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    /** What is unavailable, as an operator calls it (e.g. `shared-state store`). */
    readonly dependency: string,
    /** When a retry may succeed, in whole seconds (the `Retry-After` header). */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`${dependency} is unavailable${cause}; retry after ${retryAfterSeconds} s`, options);
    this.name = 'DependencyUnavailableError';
  }
}
