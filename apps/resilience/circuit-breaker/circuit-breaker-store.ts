/**
 * Where a circuit breaker keeps its state and its sliding window of outcomes:
 * per process ({@link MemoryCircuitBreakerStore}) or shared by all replicas in
 * Redis ({@link RedisCircuitBreakerStore}). Both run the same state machine;
 * each operation is atomic.
 */

/** States of a circuit. */
export enum CircuitState {
  /** Calls go through; outcomes are counted. */
  CLOSED = 'closed',
  /** Calls are rejected without being made, until the cool-down has passed. */
  OPEN = 'open',
  /** A few scout calls go through; their success closes the circuit, a failure reopens it. */
  HALF_OPEN = 'half-open',
}

/** How a circuit opens and recovers. */
export interface CircuitBreakerSettings {
  /** Failure rate (0..1) over the window at or above which the circuit opens. */
  readonly failureRateThreshold: number;
  /** Calls the window must hold before the failure rate can open the circuit. */
  readonly minimumCalls: number;
  /** Length of the sliding window, in milliseconds. */
  readonly windowMs: number;
  /** Width of one bucket of the window, in milliseconds (the window slides by this step). */
  readonly bucketMs: number;
  /** Cool-down of an open circuit before scouts are let through, in milliseconds; also how long a half-open round waits for lost scouts. */
  readonly openDurationMs: number;
  /** Scout calls let through in one half-open round; all must succeed to close the circuit. */
  readonly halfOpenScoutCalls: number;
}

/** Defaults: open at 50 % failures over 10 s with at least 10 calls, 5 s cool-down, 3 scouts. */
export const DEFAULT_CIRCUIT_BREAKER_SETTINGS: CircuitBreakerSettings = Object.freeze({
  failureRateThreshold: 0.5,
  minimumCalls: 10,
  windowMs: 10_000,
  bucketMs: 1_000,
  openDurationMs: 5_000,
  halfOpenScoutCalls: 3,
});

/** The answer to "may I call?". */
export type CallPermit =
  /** Circuit closed: call and report the outcome. */
  | { readonly kind: 'normal' }
  /** Circuit half-open and this caller holds a scout permit of round `generation`. */
  | { readonly kind: 'scout'; readonly generation: number }
  /** Do not call; `retryAfterMs` is the cool-down left (0 when waiting for scouts). */
  | { readonly kind: 'rejected'; readonly state: CircuitState; readonly retryAfterMs: number };

/** Atomic operations of a breaker's state machine. */
export interface CircuitBreakerStore {
  /** Asks for a permit at time `now` (ms); may move an open circuit whose cool-down passed to half-open. */
  acquire(now: number): Promise<CallPermit>;
  /** Records the outcome of a permitted call; returns the circuit's state afterwards. */
  record(permit: Exclude<CallPermit, { kind: 'rejected' }>, succeeded: boolean, now: number): Promise<CircuitState>;
  /** The current state (for health output and tests). */
  state(): Promise<CircuitState>;
  /** Releases connections. */
  close(): Promise<void>;
}
