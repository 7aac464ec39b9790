/**
 * A {@link ProcessingClient} guarded by a failure-rate circuit breaker (per
 * process, or shared by all ingestion replicas through Redis). Placed around
 * the retried call: a failure is a 5xx answer or a transport failure once
 * retries are over. While the circuit is open, processing is not called and
 * the call rejects with {@link ProcessingUnreachableError} `circuit-open`.
 */
import { BrokenCircuitError, type CircuitBreaker } from '../resilience/circuit-breaker/circuit-breaker';
import { UpstreamFailure } from '../resilience/upstream-failure';
import { ProcessingUnreachableError, type ProcessingAnswer, type ProcessingCall, type ProcessingClient } from './processing-client';

/** A 5xx answer counts as a failure of processing; 4xx are the client's mistakes. */
function isServerError(answer: ProcessingAnswer): boolean {
  return answer.statusCode >= 500;
}

/** Calls `inner` through `breaker`. */
export class CircuitBreakingProcessingClient implements ProcessingClient {
  constructor(
    private readonly inner: ProcessingClient,
    private readonly breaker: CircuitBreaker,
  ) {}

  async send(call: ProcessingCall): Promise<ProcessingAnswer> {
    try {
      return await this.breaker.execute(() => this.inner.send(call), isServerError);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new ProcessingUnreachableError(UpstreamFailure.CIRCUIT_OPEN, error, 0);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
