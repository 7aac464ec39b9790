import { Duration } from '../core/duration';
import { describeValue, InvalidPropError } from '../core/prop-error';
import { HttpRetryEvent, TcpRetryEvent, type HttpRetryEventName, type TcpRetryEventName } from './retry-events';

const HTTP_RETRY_EVENTS: readonly string[] = Object.values(HttpRetryEvent);
const TCP_RETRY_EVENTS: readonly string[] = Object.values(TcpRetryEvent);

/**
 * A retry policy as one plain object, in the units of the App Mesh API. Any
 * object of this shape works, so an application can share the very object
 * it applies in-process with the route that Envoy applies.
 */
export interface RetryPolicySpec {
  /** HTTP events that trigger a retry (enum members or the API strings). */
  readonly httpRetryEvents: readonly HttpRetryEventName[];
  /** TCP events that trigger a retry (enum members or the API strings). */
  readonly tcpRetryEvents: readonly TcpRetryEventName[];
  /** Maximum number of retries after the first attempt (App Mesh: `maxRetries`, minimum 0). */
  readonly maxRetries: number;
  /** Timeout of each attempt, in milliseconds (App Mesh: `perRetryTimeout`). */
  readonly perRetryTimeoutMs: number;
}

/**
 * The retry policy of an HTTP route.
 *
 * Semantics (App Mesh API reference, `HttpRetryPolicy`,
 * https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_HttpRetryPolicy.html):
 * `maxRetries` retries after the first attempt, each attempt bounded by
 * `perRetryTimeout`; at least one of `httpRetryEvents` / `tcpRetryEvents`.
 * Envoy turns it into `retry_on` + `num_retries` + `per_try_timeout`, with
 * its default back-off (25 ms base, 250 ms cap, full jitter); the route's
 * per-request timeout covers all attempts (see validation/retry-budget.ts).
 */
export class RetryPolicy {
  /** The policy described by `spec`, a plain object that an application may share. */
  public static fromSpec(spec: RetryPolicySpec): RetryPolicy {
    return new RetryPolicy(spec);
  }

  private constructor(
    /** The policy, in the API's units. */
    public readonly spec: RetryPolicySpec,
  ) {}

  /** Attempts in total when every attempt fails: the first one plus `maxRetries`. */
  public get maxAttempts(): number {
    return this.spec.maxRetries + 1;
  }

  /** Timeout of each attempt. */
  public get perRetryTimeout(): Duration {
    return Duration.millis(this.spec.perRetryTimeoutMs);
  }

  /**
   * Checks the policy and returns it; `owner` names the construct in errors
   * and `prop` the prop that holds the policy.
   */
  public check(owner: string, prop = 'retryPolicy'): this {
    const { httpRetryEvents, tcpRetryEvents, maxRetries, perRetryTimeoutMs } = this.spec;
    if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new InvalidPropError(owner, `${prop}.maxRetries`, `must be a whole number of at least 0, got ${describeValue(maxRetries)}`);
    }
    if (typeof perRetryTimeoutMs !== 'number' || !Number.isInteger(perRetryTimeoutMs) || perRetryTimeoutMs <= 0) {
      throw new InvalidPropError(
        owner,
        `${prop}.perRetryTimeoutMs`,
        `must be a whole number of milliseconds above 0, got ${describeValue(perRetryTimeoutMs)}`,
      );
    }
    if (!Array.isArray(httpRetryEvents) || !Array.isArray(tcpRetryEvents)) {
      throw new InvalidPropError(owner, prop, 'httpRetryEvents and tcpRetryEvents must both be arrays (empty for none)');
    }
    if (httpRetryEvents.length === 0 && tcpRetryEvents.length === 0) {
      throw new InvalidPropError(owner, prop, 'specify at least one of httpRetryEvents or tcpRetryEvents');
    }
    httpRetryEvents.forEach((event, index) => {
      if (!HTTP_RETRY_EVENTS.includes(event)) {
        throw new InvalidPropError(
          owner,
          `${prop}.httpRetryEvents[${index}]`,
          `unknown event ${describeValue(event)}; known: ${HTTP_RETRY_EVENTS.join(', ')}`,
        );
      }
    });
    tcpRetryEvents.forEach((event, index) => {
      if (!TCP_RETRY_EVENTS.includes(event)) {
        throw new InvalidPropError(
          owner,
          `${prop}.tcpRetryEvents[${index}]`,
          `unknown event ${describeValue(event)}; known: ${TCP_RETRY_EVENTS.join(', ')}`,
        );
      }
    });
    return this;
  }
}
