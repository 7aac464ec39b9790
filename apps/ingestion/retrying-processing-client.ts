/**
 * App-mode retries (`RETRY_MODE=app`): a {@link ProcessingClient} that
 * applies the processing route's retry policy (the object App Mesh renders)
 * through `executeWithRetry`, with Envoy's jittered back-off and an overall
 * deadline (the route's per-request timeout).
 *
 * The success path stays as cheap as one call: the first attempt is made
 * directly, and only when its outcome calls for a retry (a retryable status
 * or a transport failure) does `executeWithRetry` take over, receiving that
 * outcome as its attempt 1 instead of calling again. The retry schedule,
 * classification and attempt count are therefore exactly the library's,
 * while an answer that needs no retry costs no per-try timer, abort
 * controller or timeout error. The first attempt is bounded by the inner
 * client's own timeout, which the app sets to at most the per-retry timeout.
 */
import { retryableStatusCodes, type RetryBackoffSpec, type RetryPolicySpec } from '../../contract/retry-policy';
import { RetryFailedError, executeWithRetry, type RetryOptions } from '../resilience/retry';
import { UpstreamFailure } from '../resilience/upstream-failure';
import { ProcessingUnreachableError, type ProcessingAnswer, type ProcessingCall, type ProcessingClient } from './processing-client';

/** Options of {@link RetryingProcessingClient}. */
export interface RetryingProcessingClientOptions {
  /** The route's policy: events, max retries, per-retry timeout. */
  readonly policy: RetryPolicySpec;
  /** Back-off between attempts. */
  readonly backoff: RetryBackoffSpec;
  /** Deadline over all attempts and back-offs, in milliseconds (the route's per-request timeout). */
  readonly overallTimeoutMs: number;
  /** Called before each retry (for logs). */
  readonly onRetry?: RetryOptions['onRetry'];
}

/** A processing answer as `executeWithRetry` needs it (with `status`). */
type AttemptAnswer = ProcessingAnswer & { readonly status: number };

function withStatus(answer: ProcessingAnswer): AttemptAnswer {
  return { ...answer, status: answer.statusCode };
}

/** Retries calls of `inner` under the route's policy; see the file comment. */
export class RetryingProcessingClient implements ProcessingClient {
  private readonly retryableStatuses: ReadonlySet<number>;
  private readonly retryOptions: RetryOptions;

  constructor(
    private readonly inner: ProcessingClient,
    private readonly options: RetryingProcessingClientOptions,
  ) {
    this.retryableStatuses = retryableStatusCodes(options.policy);
    this.retryOptions = { policy: options.policy, backoff: options.backoff, onRetry: options.onRetry };
  }

  /** Resolves with the last answer (retryable or not); rejects with {@link ProcessingUnreachableError} when the last attempt had none. */
  async send(call: ProcessingCall): Promise<ProcessingAnswer> {
    const startedAt = Date.now();
    let firstAttempt: Promise<AttemptAnswer>;
    try {
      const answer = await this.inner.send(call);
      if (!this.retryableStatuses.has(answer.statusCode)) return answer;
      firstAttempt = Promise.resolve(withStatus(answer));
    } catch (error) {
      firstAttempt = Promise.reject(error);
    }
    return this.retry(call, firstAttempt, Date.now() - startedAt);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Hands the first attempt's outcome to `executeWithRetry` as its attempt 1; later attempts call `inner`. */
  private async retry(call: ProcessingCall, firstAttempt: Promise<AttemptAnswer>, elapsedMs: number): Promise<ProcessingAnswer> {
    firstAttempt.catch(() => undefined);
    try {
      const { response } = await executeWithRetry(
        (_signal, attemptNumber) => (attemptNumber === 1 ? firstAttempt : this.inner.send(call).then(withStatus)),
        { ...this.retryOptions, overallTimeoutMs: Math.max(0, this.options.overallTimeoutMs - elapsedMs), signal: call.signal },
      );
      return response;
    } catch (error) {
      if (!(error instanceof RetryFailedError)) throw error;
      if (error.kind === UpstreamFailure.OTHER) throw error.cause;
      const cause = error.cause instanceof ProcessingUnreachableError ? error.cause.cause : error.cause;
      throw new ProcessingUnreachableError(error.kind, cause, error.attempts);
    }
  }
}
