/**
 * Why ingestion stopped calling processing for an event: it is shutting down
 * (SIGTERM). The reason of the abort signal every call carries; the retries
 * stop, the attempt in flight is abandoned, and the event is parked (202) —
 * or, without a retry queue, answered 503 — within the shutdown grace period.
 */
import { UpstreamFailure, UpstreamFailureError } from '../resilience/upstream-failure';

/** Ingestion is shutting down: no further attempt at processing. */
export class ShuttingDownError extends UpstreamFailureError {
  constructor() {
    super(UpstreamFailure.SHUTDOWN, 'ingestion is shutting down: no further attempt');
    this.name = 'ShuttingDownError';
  }
}
