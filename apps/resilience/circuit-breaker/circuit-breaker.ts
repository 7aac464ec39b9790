/**
 * A failure-rate circuit breaker around calls to a dependency (ingestion →
 * processing). The state machine lives in a {@link CircuitBreakerStore}: per
 * process, or shared by all replicas in Redis.
 *
 * Why not cockatiel's `CircuitBreakerPolicy`: its `IBreaker` is synchronous
 * (`failure()` must answer "open now?" without awaiting), and the open /
 * half-open state, the open timer and the single half-open test call live
 * inside the policy object of one process. A shared circuit needs every
 * transition and every scout permit decided atomically in the central store,
 * which is asynchronous; wrapping cockatiel would leave two sources of truth.
 */
import { CircuitState, type CallPermit, type CircuitBreakerStore } from './circuit-breaker-store';

/** Thrown instead of calling while the circuit is open (or half-open with no scout permit left). */
export class BrokenCircuitError extends Error {
  constructor(
    /** The state that rejected the call. */
    readonly state: CircuitState,
    /** Cool-down left, in milliseconds (0 when waiting for scouts). */
    readonly retryAfterMs: number,
  ) {
    super(`circuit ${state}: call not made${retryAfterMs > 0 ? ` (retry after ${retryAfterMs} ms)` : ''}`);
    this.name = 'BrokenCircuitError';
  }
}

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Clock in milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
  /**
   * Called when the store fails (e.g. Redis unreachable). The breaker then
   * fails open: the call is made and its outcome is not recorded, so an outage
   * of the breaker's store never stops the traffic it guards.
   */
  readonly onStoreError?: (error: unknown) => void;
}

/** Guards calls with a failure-rate circuit kept in `store`. */
export class CircuitBreaker {
  private readonly now: () => number;

  constructor(
    private readonly store: CircuitBreakerStore,
    private readonly options: CircuitBreakerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Calls `call` unless the circuit rejects it ({@link BrokenCircuitError}).
   * A thrown error counts as a failure; so does a value for which
   * `isFailure` returns true (e.g. a 5xx response), which is still returned.
   */
  async execute<T>(call: () => Promise<T>, isFailure: (value: T) => boolean = () => false): Promise<T> {
    const permit = await this.acquire();
    if (permit?.kind === 'rejected') throw new BrokenCircuitError(permit.state, permit.retryAfterMs);
    let value: T;
    try {
      value = await call();
    } catch (error) {
      await this.record(permit, false);
      throw error;
    }
    await this.record(permit, !isFailure(value));
    return value;
  }

  /** The circuit's current state. */
  state(): Promise<CircuitState> {
    return this.store.state();
  }

  private async acquire(): Promise<CallPermit | undefined> {
    try {
      return await this.store.acquire(this.now());
    } catch (error) {
      this.options.onStoreError?.(error);
      return undefined;
    }
  }

  private async record(permit: CallPermit | undefined, succeeded: boolean): Promise<void> {
    if (permit === undefined || permit.kind === 'rejected') return;
    try {
      await this.store.record(permit, succeeded, this.now());
    } catch (error) {
      this.options.onStoreError?.(error);
    }
  }
}
