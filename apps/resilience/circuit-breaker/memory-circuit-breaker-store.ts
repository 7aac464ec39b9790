/**
 * A circuit breaker's state in this process only: each ingestion replica
 * decides on its own. Used when no `REDIS_URL` is configured.
 */
import {
  CircuitState,
  DEFAULT_CIRCUIT_BREAKER_SETTINGS,
  type CallPermit,
  type CircuitBreakerSettings,
  type CircuitBreakerStore,
} from './circuit-breaker-store';

/** Most buckets a window may have (`windowMs / bucketMs`): the ring is summed on every failure, so it stays small. */
export const MAX_WINDOW_BUCKETS = 1_000;

/**
 * In-process {@link CircuitBreakerStore}; atomic because no method awaits.
 * The sliding window is a fixed ring of `ceil(windowMs / bucketMs)` buckets,
 * allocated once: a bucket's slot is its number modulo the ring's length, and
 * a slot still holding an older bucket counts nothing, so memory does not
 * grow with traffic or time. A success costs one increment; a failure also
 * sums the ring to decide whether the circuit opens.
 */
export class MemoryCircuitBreakerStore implements CircuitBreakerStore {
  private current = CircuitState.CLOSED;
  private generation = 0;
  private openedAt = 0;
  private halfOpenSince = 0;
  private permitsLeft = 0;
  private scoutSuccesses = 0;
  /** Number (time / `bucketMs`) of the bucket each slot holds; -Infinity when empty. */
  private readonly bucketNumbers: Float64Array;
  private readonly successes: Float64Array;
  private readonly failures: Float64Array;

  constructor(private readonly settings: CircuitBreakerSettings = DEFAULT_CIRCUIT_BREAKER_SETTINGS) {
    const { windowMs, bucketMs } = settings;
    if (!(bucketMs > 0) || !(windowMs > 0)) throw new RangeError(`windowMs (${windowMs}) and bucketMs (${bucketMs}) must be positive`);
    const length = Math.ceil(windowMs / bucketMs);
    if (length > MAX_WINDOW_BUCKETS)
      throw new RangeError(`windowMs / bucketMs (${windowMs} / ${bucketMs}) must be at most ${MAX_WINDOW_BUCKETS} buckets`);
    this.bucketNumbers = new Float64Array(length).fill(Number.NEGATIVE_INFINITY);
    this.successes = new Float64Array(length);
    this.failures = new Float64Array(length);
  }

  async acquire(now: number): Promise<CallPermit> {
    const { openDurationMs, halfOpenScoutCalls } = this.settings;
    if (this.current === CircuitState.CLOSED) return { kind: 'normal' };
    if (this.current === CircuitState.OPEN) {
      if (now < this.openedAt + openDurationMs) {
        return { kind: 'rejected', state: CircuitState.OPEN, retryAfterMs: this.openedAt + openDurationMs - now };
      }
      this.startScoutRound(now);
    } else if (now >= this.halfOpenSince + openDurationMs) {
      this.startScoutRound(now);
    }
    if (this.permitsLeft < 1 || halfOpenScoutCalls < 1) return { kind: 'rejected', state: CircuitState.HALF_OPEN, retryAfterMs: 0 };
    this.permitsLeft--;
    return { kind: 'scout', generation: this.generation };
  }

  async record(permit: Exclude<CallPermit, { kind: 'rejected' }>, succeeded: boolean, now: number): Promise<CircuitState> {
    if (permit.kind === 'scout') {
      if (this.current !== CircuitState.HALF_OPEN || permit.generation !== this.generation) return this.current;
      if (!succeeded) this.open(now);
      else if (++this.scoutSuccesses >= this.settings.halfOpenScoutCalls) this.closeCircuit();
      return this.current;
    }
    if (this.current !== CircuitState.CLOSED) return this.current;
    const { bucketNumbers } = this;
    const length = bucketNumbers.length;
    const bucket = Math.floor(now / this.settings.bucketMs);
    const slot = ((bucket % length) + length) % length;
    if (bucketNumbers[slot] !== bucket) {
      bucketNumbers[slot] = bucket;
      this.successes[slot] = 0;
      this.failures[slot] = 0;
    }
    if (succeeded) {
      this.successes[slot]++;
      return this.current;
    }
    this.failures[slot]++;
    const oldest = bucket - length + 1;
    let calls = 0;
    let failures = 0;
    for (let i = 0; i < length; i++) {
      if (bucketNumbers[i] < oldest) continue;
      calls += this.successes[i] + this.failures[i];
      failures += this.failures[i];
    }
    if (calls >= this.settings.minimumCalls && failures / calls >= this.settings.failureRateThreshold) {
      this.open(now);
    }
    return this.current;
  }

  async state(): Promise<CircuitState> {
    return this.current;
  }

  async close(): Promise<void> {}

  private startScoutRound(now: number): void {
    this.current = CircuitState.HALF_OPEN;
    this.halfOpenSince = now;
    this.permitsLeft = this.settings.halfOpenScoutCalls;
    this.scoutSuccesses = 0;
  }

  private open(now: number): void {
    this.current = CircuitState.OPEN;
    this.openedAt = now;
    this.generation++;
    this.clearWindow();
  }

  private closeCircuit(): void {
    this.current = CircuitState.CLOSED;
    this.clearWindow();
  }

  private clearWindow(): void {
    this.bucketNumbers.fill(Number.NEGATIVE_INFINITY);
  }
}
