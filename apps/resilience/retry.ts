/**
 * App-mode retries (`RETRY_MODE=app`): applies the processing route's
 * {@link RetryPolicySpec} in-process, the way Envoy applies it in the mesh.
 *
 * Why not cockatiel's `retry()`: its backoff generators draw from
 * `Math.random` and sleep on real timers (no injectable clock or random
 * source), and it cannot tell Envoy's three retry triggers apart (a retryable
 * status, a connect failure, a reset or per-try timeout). The loop below is
 * ~60 lines, mirrors Envoy's semantics one for one and is testable without
 * fake timers.
 */
import {
  ENVOY_DEFAULT_BACKOFF,
  retriesOnConnectionError,
  retriesOnReset,
  retryableStatusCodes,
  type RetryBackoffSpec,
  type RetryPolicySpec,
} from '../../contract/retry-policy';
import { UpstreamFailure, UpstreamFailureError, classifyUpstreamError } from './upstream-failure';
import { subscribeToAbort } from './abort-subscription';

/** One attempt: must honour `signal` (abort the request when it fires). */
export type RetryAttempt<T extends { readonly status: number }> = (signal: AbortSignal, attemptNumber: number) => Promise<T>;

/** Options of {@link executeWithRetry}. */
export interface RetryOptions {
  /** The route's policy (events, max retries, per-retry timeout). */
  readonly policy: RetryPolicySpec;
  /** Back-off between attempts. @default ENVOY_DEFAULT_BACKOFF (25 ms base, 250 ms cap) */
  readonly backoff?: RetryBackoffSpec;
  /** Deadline over all attempts and back-offs, like the route's per-request timeout; none when omitted. */
  readonly overallTimeoutMs?: number;
  /** Uniform random source in [0, 1), for tests. @default Math.random */
  readonly random?: () => number;
  /** Waits `ms` milliseconds, for tests. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Stops the retries when it fires: the attempt in flight is abandoned (its
   * signal aborted), no further attempt is made, and the last response is
   * returned, or {@link RetryFailedError} of the reason's failure thrown.
   * @default none
   */
  readonly signal?: AbortSignal;
  /** Called before each retry with the retry number (1-based), its back-off and why. */
  readonly onRetry?: (retry: { readonly retryNumber: number; readonly delayMs: number; readonly reason: string }) => void;
}

/** What {@link executeWithRetry} returns: the last response and how many attempts it took. */
export interface RetryOutcome<T> {
  /** The last attempt's response. */
  readonly response: T;
  /** Attempts made, including the first. */
  readonly attempts: number;
}

/** Thrown when the last attempt ended without a response (or the deadline passed). */
export class RetryFailedError extends Error {
  constructor(
    /** Why the last attempt failed ({@link classifyUpstreamError}). */
    readonly kind: UpstreamFailure,
    /** Attempts made, including the first. */
    readonly attempts: number,
    /** The last attempt's error. */
    override readonly cause: unknown,
  ) {
    super(`upstream call failed after ${attempts} attempt(s): ${kind}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RetryFailedError';
  }
}

/**
 * Envoy's back-off before retry `retryNumber` (1-based): uniform in
 * [0, (2^n − 1) × base), then capped at the max interval.
 */
export function envoyBackoffMs(retryNumber: number, backoff: RetryBackoffSpec, random: () => number): number {
  const ceiling = (2 ** retryNumber - 1) * backoff.baseIntervalMs;
  return Math.min(Math.floor(random() * ceiling), backoff.maxIntervalMs);
}

/** The timer of an attempt fired: the per-try timeout, or the overall deadline when that comes first. */
class AttemptTimeout extends UpstreamFailureError {
  constructor(failure: UpstreamFailure.TIMEOUT | UpstreamFailure.DEADLINE) {
    super(failure, failure === UpstreamFailure.DEADLINE ? 'overall deadline passed' : 'per-try timeout expired');
  }
}

/**
 * Runs `attempt` under `options.policy`: retries a retryable status, a
 * connect failure or a reset / per-try timeout (as the policy's events allow),
 * at most `maxRetries` times with Envoy's jittered back-off. Returns the last
 * response (retryable or not); throws {@link RetryFailedError} when the last
 * attempt produced none.
 */
export async function executeWithRetry<T extends { readonly status: number }>(
  attempt: RetryAttempt<T>,
  options: RetryOptions,
): Promise<RetryOutcome<T>> {
  const { policy } = options;
  const backoff = options.backoff ?? ENVOY_DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retryable = retryableStatusCodes(policy);
  const deadline = options.overallTimeoutMs === undefined ? Infinity : Date.now() + options.overallTimeoutMs;

  const { signal } = options;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const outcome = await runOneAttempt(attempt, attemptNumber, policy.perRetryTimeoutMs, deadline, signal);
    const stopped = abortedBy(signal);
    if (stopped !== undefined) {
      if ('response' in outcome) return { response: outcome.response, attempts: attemptNumber };
      throw new RetryFailedError(classifyUpstreamError(stopped.reason), attemptNumber, stopped.reason);
    }
    let reason: string;
    if ('response' in outcome) {
      if (!retryable.has(outcome.response.status) || attemptNumber > policy.maxRetries) {
        return { response: outcome.response, attempts: attemptNumber };
      }
      reason = `status ${outcome.response.status}`;
    } else {
      const { kind, error } = outcome;
      const retries =
        (kind === UpstreamFailure.CONNECTION_ERROR && retriesOnConnectionError(policy)) ||
        ((kind === UpstreamFailure.RESET || kind === UpstreamFailure.TIMEOUT) && retriesOnReset(policy));
      if (!retries || attemptNumber > policy.maxRetries) throw new RetryFailedError(kind, attemptNumber, error);
      reason = kind;
    }
    const delayMs = envoyBackoffMs(attemptNumber, backoff, random);
    if (Date.now() + delayMs >= deadline) {
      if ('response' in outcome) return { response: outcome.response, attempts: attemptNumber };
      throw new RetryFailedError(UpstreamFailure.DEADLINE, attemptNumber, outcome.error);
    }
    options.onRetry?.({ retryNumber: attemptNumber, delayMs, reason });
    await untilAborted(sleep(delayMs), signal);
    const stoppedWhileWaiting = abortedBy(signal);
    if (stoppedWhileWaiting !== undefined) {
      if ('response' in outcome) return { response: outcome.response, attempts: attemptNumber };
      throw new RetryFailedError(classifyUpstreamError(stoppedWhileWaiting.reason), attemptNumber, stoppedWhileWaiting.reason);
    }
  }
}

/** Why `signal` fired, or undefined while it has not (or is not given). */
function abortedBy(signal: AbortSignal | undefined): { readonly reason: unknown } | undefined {
  return signal !== undefined && signal.aborted ? { reason: signal.reason } : undefined;
}

/** Resolves when `waiting` does or `signal` fires, whichever comes first. */
async function untilAborted(waiting: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return waiting;
  if (signal.aborted) return;
  let unsubscribe: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    unsubscribe = subscribeToAbort(signal, resolve);
  });
  try {
    await Promise.race([waiting, aborted]);
  } finally {
    unsubscribe?.();
  }
}

type AttemptResult<T> = { readonly response: T } | { readonly kind: UpstreamFailure; readonly error: unknown };

/** One attempt bounded by the per-try timeout, the deadline and `stop`, even if `attempt` ignores its signal. */
async function runOneAttempt<T extends { readonly status: number }>(
  attempt: RetryAttempt<T>,
  attemptNumber: number,
  perTryTimeoutMs: number,
  deadline: number,
  stop: AbortSignal | undefined,
): Promise<AttemptResult<T>> {
  const stoppedBefore = abortedBy(stop);
  if (stoppedBefore !== undefined) return { kind: classifyUpstreamError(stoppedBefore.reason), error: stoppedBefore.reason };
  const controller = new AbortController();
  const remainingMs = deadline - Date.now();
  const timeout = new AttemptTimeout(remainingMs < perTryTimeoutMs ? UpstreamFailure.DEADLINE : UpstreamFailure.TIMEOUT);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        controller.abort(timeout);
        reject(timeout);
      },
      Math.max(0, Math.min(remainingMs, perTryTimeoutMs)),
    );
  });
  let unsubscribe: (() => void) | undefined;
  const stopping = new Promise<never>((_, reject) => {
    if (stop === undefined) return;
    unsubscribe = subscribeToAbort(stop, () => {
      controller.abort(stop.reason);
      reject(stop.reason);
    });
  });
  try {
    return { response: await Promise.race([attempt(controller.signal, attemptNumber), expired, stopping]) };
  } catch (error) {
    const stopped = abortedBy(stop);
    if (stopped !== undefined) return { kind: classifyUpstreamError(stopped.reason), error: stopped.reason };
    if (controller.signal.aborted) return { kind: timeout.failure, error: timeout };
    return { kind: classifyUpstreamError(error), error };
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
    expired.catch(() => undefined);
    stopping.catch(() => undefined);
  }
}
