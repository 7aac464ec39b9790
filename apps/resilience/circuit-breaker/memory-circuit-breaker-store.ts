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

/** In-process {@link CircuitBreakerStore}; atomic because no method awaits. */
export class MemoryCircuitBreakerStore implements CircuitBreakerStore {
  private current = CircuitState.CLOSED;
  private generation = 0;
  private openedAt = 0;
  private halfOpenSince = 0;
  private permitsLeft = 0;
  private scoutSuccesses = 0;
  /** Bucket number → [successes, failures]. */
  private readonly buckets = new Map<number, [number, number]>();

  constructor(private readonly settings: CircuitBreakerSettings = DEFAULT_CIRCUIT_BREAKER_SETTINGS) {}

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
    const bucket = Math.floor(now / this.settings.bucketMs);
    const counts = this.buckets.get(bucket) ?? [0, 0];
    counts[succeeded ? 0 : 1]++;
    this.buckets.set(bucket, counts);
    const oldest = bucket - Math.ceil(this.settings.windowMs / this.settings.bucketMs) + 1;
    let calls = 0;
    let failures = 0;
    for (const [number, [ok, failed]] of this.buckets) {
      if (number < oldest) {
        this.buckets.delete(number);
        continue;
      }
      calls += ok + failed;
      failures += failed;
    }
    if (!succeeded && calls >= this.settings.minimumCalls && failures / calls >= this.settings.failureRateThreshold) {
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
    this.buckets.clear();
  }

  private closeCircuit(): void {
    this.current = CircuitState.CLOSED;
    this.buckets.clear();
  }
}
