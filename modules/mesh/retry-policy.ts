import type { AppmeshRouteSpecHttpRouteRetryPolicy } from '@cdktf/provider-aws/lib/appmesh-route';
import { HttpRetryEvent, TcpRetryEvent, type RetryPolicySpec } from '../../contract/retry-policy';
import { Duration } from '../core/duration';
import { InvalidPropError } from '../core/prop-error';

const HTTP_RETRY_EVENTS: readonly string[] = Object.values(HttpRetryEvent);
const TCP_RETRY_EVENTS: readonly string[] = Object.values(TcpRetryEvent);

/**
 * The retry policy of an HTTP route, rendered from the contract's
 * {@link RetryPolicySpec} so that App Mesh and the in-process retrier apply
 * one and the same object.
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
  /** The policy described by `spec` (for example the contract's `PROCESSING_RETRY_POLICY`). */
  public static fromSpec(spec: RetryPolicySpec): RetryPolicy {
    return new RetryPolicy(spec);
  }

  private constructor(
    /** The policy, in the contract's units. */
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

  /** Checks the policy and renders the provider block; `owner` names the construct in errors. */
  public render(owner: string): AppmeshRouteSpecHttpRouteRetryPolicy {
    const { httpRetryEvents, tcpRetryEvents, maxRetries, perRetryTimeoutMs } = this.spec;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new InvalidPropError(owner, 'retryPolicy.maxRetries', `must be a whole number of at least 0, got ${maxRetries}`);
    }
    if (!Number.isInteger(perRetryTimeoutMs) || perRetryTimeoutMs <= 0) {
      throw new InvalidPropError(
        owner,
        'retryPolicy.perRetryTimeoutMs',
        `must be a whole number of milliseconds above 0, got ${perRetryTimeoutMs}`,
      );
    }
    if (httpRetryEvents.length === 0 && tcpRetryEvents.length === 0) {
      throw new InvalidPropError(owner, 'retryPolicy', 'specify at least one of httpRetryEvents or tcpRetryEvents');
    }
    for (const event of httpRetryEvents) {
      if (!HTTP_RETRY_EVENTS.includes(event)) {
        throw new InvalidPropError(
          owner,
          'retryPolicy.httpRetryEvents',
          `unknown event '${event}'; App Mesh knows ${HTTP_RETRY_EVENTS.join(', ')}`,
        );
      }
    }
    for (const event of tcpRetryEvents) {
      if (!TCP_RETRY_EVENTS.includes(event)) {
        throw new InvalidPropError(
          owner,
          'retryPolicy.tcpRetryEvents',
          `unknown event '${event}'; App Mesh knows ${TCP_RETRY_EVENTS.join(', ')}`,
        );
      }
    }
    return {
      httpRetryEvents: httpRetryEvents.length > 0 ? [...httpRetryEvents] : undefined,
      maxRetries,
      perRetryTimeout: this.perRetryTimeout.toAppMesh(),
      tcpRetryEvents: tcpRetryEvents.length > 0 ? [...tcpRetryEvents] : undefined,
    };
  }
}
