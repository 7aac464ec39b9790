/**
 * Applies a state transition at most once per idempotency key. Processing
 * keeps its per-vehicle aggregates behind this interface; the in-memory
 * implementation serves one instance, the Redis one (`redis-idempotent-store.ts`)
 * is shared by replicas and survives restarts.
 */
import { LRUCache } from 'lru-cache';
import { BoundedExpiringMap } from './bounded-expiring-map';
import { entityScopedKey } from './entity-scoped-key';

/** A transition: from the entity's current state (undefined when new) to its next state and the answer. */
export type Transition<S, R> = (state: S | undefined) => { readonly state: S; readonly result: R };

/** What {@link IdempotentStore.applyOnce} returns. */
export interface ApplyOutcome<R> {
  /** The answer of the first application of the key. */
  readonly result: R;
  /** True when the key had already been applied and `result` is the stored first answer. */
  readonly replayed: boolean;
}

/** A key came back with a different request than the one applied under it. */
export class IdempotencyKeyConflictError extends Error {
  constructor(
    readonly key: string,
    readonly entityId: string,
  ) {
    super(`idempotency key ${key} of ${entityId} was already applied with a different fingerprint`);
    this.name = 'IdempotencyKeyConflictError';
  }
}

/** Entity states changed at most once per idempotency key of the entity. */
export interface IdempotentStore<S, R> {
  /**
   * Applies `transition` to the state of `entityId` unless `key` was applied
   * to that entity before (within the key TTL): keys are scoped by entity
   * ({@link entityScopedKey}), so another entity's key never matches. The
   * first application stores `fingerprint` (of the request) with its result;
   * the same key with the same fingerprint returns that result (a replay),
   * with another fingerprint throws {@link IdempotencyKeyConflictError}.
   * Recording the key and writing the state are one atomic step.
   */
  applyOnce(key: string, entityId: string, fingerprint: string, transition: Transition<S, R>): Promise<ApplyOutcome<R>>;
  /** The current state of `entityId`, or undefined when it has none. */
  get(entityId: string): Promise<S | undefined>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Applied idempotency keys a {@link MemoryIdempotentStore} remembers at most, by default. */
export const DEFAULT_MEMORY_MAX_KEYS = 500_000;

/** Entities (vehicles) a {@link MemoryIdempotentStore} keeps state for at most, by default. */
export const DEFAULT_MEMORY_MAX_ENTITIES = 100_000;

/** Options of {@link MemoryIdempotentStore}. */
export interface MemoryIdempotentStoreOptions {
  /** How long an applied key is remembered, in milliseconds. @default 86_400_000 (24 h) */
  readonly keyTtlMs?: number;
  /**
   * Most applied keys remembered. When full, the oldest key is forgotten even
   * before its TTL: the deduplication window is the shorter of `keyTtlMs` and
   * the time the last `maxKeys` keys took to arrive, and a duplicate arriving
   * after its key was forgotten is applied again. Production runs with Redis
   * (`RedisIdempotentStore`, `REDIS_URL`) for that reason: there every key
   * lives its full TTL, as long as Redis has memory for it.
   * @default DEFAULT_MEMORY_MAX_KEYS (500,000)
   */
  readonly maxKeys?: number;
  /**
   * Most entities with a state. When full, the entity updated least recently
   * loses its state (its next application starts from undefined).
   * @default DEFAULT_MEMORY_MAX_ENTITIES (100,000)
   */
  readonly maxEntities?: number;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/**
 * One process's store, bounded: at most `maxKeys` applied keys, dropped
 * oldest first when full or once expired (a few per application, never in one
 * pass over all of them: {@link BoundedExpiringMap}), and at most
 * `maxEntities` states, dropped least recently updated first (`lru-cache`).
 * Results must not be undefined (an undefined result reads as "not applied").
 * Atomic because `applyOnce` never yields between reading and writing (no
 * await in between).
 */
export class MemoryIdempotentStore<S, R> implements IdempotentStore<S, R> {
  private readonly states: LRUCache<string, { readonly state: S }>;
  private readonly results: BoundedExpiringMap<string, { readonly fingerprint: string; readonly result: R }>;

  constructor(options: MemoryIdempotentStoreOptions = {}) {
    const { maxKeys = DEFAULT_MEMORY_MAX_KEYS, maxEntities = DEFAULT_MEMORY_MAX_ENTITIES } = options;
    for (const [name, value] of Object.entries({ maxKeys, maxEntities })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} (${value}) must be a positive integer`);
    }
    this.results = new BoundedExpiringMap({ maxEntries: maxKeys, ttlMs: options.keyTtlMs ?? 86_400_000, now: options.now });
    this.states = new LRUCache({ max: maxEntities });
  }

  async applyOnce(key: string, entityId: string, fingerprint: string, transition: Transition<S, R>): Promise<ApplyOutcome<R>> {
    const scopedKey = entityScopedKey(entityId, key);
    const previous = this.results.get(scopedKey);
    if (previous !== undefined) {
      if (previous.fingerprint !== fingerprint) throw new IdempotencyKeyConflictError(key, entityId);
      return { result: previous.result, replayed: true };
    }
    const next = transition(this.states.get(entityId)?.state);
    this.states.set(entityId, { state: next.state });
    this.results.set(scopedKey, { fingerprint, result: next.result });
    return { result: next.result, replayed: false };
  }

  async get(entityId: string): Promise<S | undefined> {
    return this.states.peek(entityId)?.state;
  }

  async close(): Promise<void> {
    this.results.clear();
    this.states.clear();
  }
}
