/**
 * The seam between ingestion and data-processing: one call forwards one event
 * and resolves with processing's answer, whatever its status; a transport
 * failure rejects with {@link ProcessingUnreachableError}, which names the
 * {@link UpstreamFailure} (connection error, reset, timeout, ...).
 *
 * Resilience wraps this interface without changing the route: the retry
 * executor (`RETRY_MODE=app`, {@link RetryingProcessingClient}), the circuit
 * breaker ({@link CircuitBreakingProcessingClient}) and the parking fallback
 * ({@link ParkingProcessingClient}) are each a `ProcessingClient` around
 * another one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamFailureError, type UpstreamFailure } from '../resilience/upstream-failure';

/** One forward of an event. */
export interface ProcessingCall {
  /** The event's JSON, as received. */
  readonly body: Buffer;
  /** Headers to send (content type, fault switch, trace id, idempotency key). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Fires when the call must end now (ingestion shutting down): the attempt
   * in flight is abandoned and no retry follows; the call rejects with
   * {@link ProcessingUnreachableError} of the signal's reason. @default none
   */
  readonly signal?: AbortSignal;
}

/** Processing's answer, any status. */
export interface ProcessingAnswer {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends events to data-processing. */
export interface ProcessingClient {
  /** Forwards one event; rejects with {@link ProcessingUnreachableError} when no answer arrives. */
  send(call: ProcessingCall): Promise<ProcessingAnswer>;
  /** Waits for calls in flight, then releases connections. */
  close(): Promise<void>;
}

/**
 * data-processing gave no answer; `failure` says why. The message (for logs)
 * includes the cause's, which may name processing's address; clients get
 * {@link ProcessingUnreachableError.summary}, which does not.
 */
export class ProcessingUnreachableError extends UpstreamFailureError {
  /** What happened, without the cause: safe to answer a client with. */
  readonly summary: string;

  constructor(
    failure: UpstreamFailure,
    cause: unknown,
    /** Calls made before giving up (more than 1 with app-mode retries; 0 when the circuit was open). */
    readonly attempts = 1,
  ) {
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    const summary = `data-processing unreachable (${failure})${after}`;
    super(failure, `${summary}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ProcessingUnreachableError';
    this.summary = summary;
  }
}
