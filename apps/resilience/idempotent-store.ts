/**
 * Applies a state transition at most once per idempotency key. Processing
 * keeps its per-vehicle aggregates behind this interface; the in-memory
 * implementation serves one instance, the Redis one (`redis-idempotent-store.ts`)
 * is shared by replicas and survives restarts.
 */

/** A transition: from the entity's current state (undefined when new) to its next state and the answer. */
export type Transition<S, R> = (state: S | undefined) => { readonly state: S; readonly result: R };

/** What {@link IdempotentStore.applyOnce} returns. */
export interface ApplyOutcome<R> {
  /** The answer of the first application of the key. */
  readonly result: R;
  /** True when the key had already been applied and `result` is the stored first answer. */
  readonly replayed: boolean;
}

/** Entity states changed at most once per idempotency key. */
export interface IdempotentStore<S, R> {
  /**
   * Applies `transition` to the state of `entityId` unless `key` was applied
   * before (within the key TTL); then returns the stored first result.
   * Recording the key and writing the state are one atomic step.
   */
  applyOnce(key: string, entityId: string, transition: Transition<S, R>): Promise<ApplyOutcome<R>>;
  /** The current state of `entityId`, or undefined when it has none. */
  get(entityId: string): Promise<S | undefined>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Options of {@link MemoryIdempotentStore}. */
export interface MemoryIdempotentStoreOptions {
  /** How long an applied key is remembered, in milliseconds. @default 86_400_000 (24 h) */
  readonly keyTtlMs?: number;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/**
 * One process's store. Atomic because `applyOnce` never yields between reading
 * and writing (no await in between).
 */
export class MemoryIdempotentStore<S, R> implements IdempotentStore<S, R> {
  private readonly states = new Map<string, S>();
  private readonly results = new Map<string, { readonly result: R; readonly expiresAt: number }>();
  private readonly keyTtlMs: number;
  private readonly now: () => number;
  private lastSweepAt: number;

  constructor(options: MemoryIdempotentStoreOptions = {}) {
    this.keyTtlMs = options.keyTtlMs ?? 86_400_000;
    this.now = options.now ?? Date.now;
    this.lastSweepAt = this.now();
  }

  async applyOnce(key: string, entityId: string, transition: Transition<S, R>): Promise<ApplyOutcome<R>> {
    const now = this.now();
    this.sweepExpiredKeys(now);
    const previous = this.results.get(key);
    if (previous !== undefined && previous.expiresAt > now) {
      return { result: previous.result, replayed: true };
    }
    const next = transition(this.states.get(entityId));
    this.states.set(entityId, next.state);
    this.results.set(key, { result: next.result, expiresAt: now + this.keyTtlMs });
    return { result: next.result, replayed: false };
  }

  async get(entityId: string): Promise<S | undefined> {
    return this.states.get(entityId);
  }

  async close(): Promise<void> {
    this.results.clear();
  }

  /** Drops expired keys at most once per TTL/10, so memory stays bounded by the key rate × TTL. */
  private sweepExpiredKeys(now: number): void {
    if (now - this.lastSweepAt < this.keyTtlMs / 10) return;
    this.lastSweepAt = now;
    for (const [key, entry] of this.results) {
      if (entry.expiresAt <= now) this.results.delete(key);
    }
  }
}
