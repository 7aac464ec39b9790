/**
 * A map whose entries expire a fixed time after they were set, holding at
 * most `maxEntries`: when full, the oldest entry is evicted, expired or not.
 * The in-memory idempotency window of processing, and the embedded retry
 * queue's cache of the files it claimed.
 *
 * Entries leave in the order they were set, which with one TTL for all is
 * also the order they expire in. That order is kept in a ring of keys beside
 * the lookup `Map`, so finding the oldest entry is O(1): a `Map` alone would
 * not do, because V8 leaves a hole for every deleted entry until it rehashes,
 * and reading the first key of a map that is emptied from the front walks
 * all those holes (measured on Node 20: ~5 µs per operation at 1,000 entries,
 * ~150 µs at 100,000).
 *
 * Expired entries are dropped incrementally: every {@link BoundedExpiringMap.set}
 * looks at no more than `sweepStep` of the oldest slots, so no call walks the
 * whole map. Since each call adds one entry and may drop several, a backlog of
 * expired entries shrinks while traffic flows; without traffic nothing is
 * dropped, and memory stays where it was, within the bound.
 */

/** Options of {@link BoundedExpiringMap}. */
export interface BoundedExpiringMapOptions {
  /** Most entries held; setting one more evicts the oldest. Also the length of the ring of keys. */
  readonly maxEntries: number;
  /** How long an entry lives after it was set, in milliseconds. */
  readonly ttlMs: number;
  /** Oldest slots a `set` looks at to drop expired entries. @default 4 */
  readonly sweepStep?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
}

/** What one sweep step did. */
export interface SweepResult {
  /** Slots looked at (at most `sweepStep`). */
  readonly examined: number;
  /** Entries dropped because they had expired. */
  readonly expired: number;
}

/** Entries expiring `ttlMs` after they were set, at most `maxEntries` of them, oldest evicted first. */
export class BoundedExpiringMap<K, V> {
  /**
   * Key → serial number of its entry. The n-th entry set lives in ring slot
   * (n − 1) mod `maxEntries`, until a newer entry takes that slot.
   */
  private readonly serials = new Map<K, number>();
  /** The ring, as parallel arrays: they grow by `push` up to `maxEntries`, then wrap. */
  private readonly ringKeys: K[] = [];
  private readonly ringValues: V[] = [];
  private readonly ringExpiries: number[] = [];
  /** Serial of each slot's entry; a key set again has a newer serial, which makes its old slot stale. */
  private readonly ringSerials: number[] = [];
  /** Slots in use are `count` from `head` (wrapping); the next entry goes to slot `serial mod maxEntries`. */
  private head = 0;
  private count = 0;
  private serial = 0;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly sweepStep: number;
  private readonly now: () => number;

  constructor(options: BoundedExpiringMapOptions) {
    const { maxEntries, ttlMs, sweepStep = 4 } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries (${maxEntries}) must be a positive integer`);
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs (${ttlMs}) must be a positive number`);
    if (!Number.isSafeInteger(sweepStep) || sweepStep < 1) throw new RangeError(`sweepStep (${sweepStep}) must be a positive integer`);
    this.maxEntries = maxEntries;
    this.ttlMs = ttlMs;
    this.sweepStep = sweepStep;
    this.now = options.now ?? Date.now;
  }

  /** The value of `key`, or undefined when it was never set, has expired or was evicted. Does not extend its life. */
  get(key: K): V | undefined {
    const slot = this.slotOf(key);
    return slot !== undefined && this.ringExpiries[slot] > this.now() ? this.ringValues[slot] : undefined;
  }

  /**
   * Sets `key` to live `ttlMs` from now, as the newest entry (a key set again
   * moves to the end). First drops up to `sweepStep` expired oldest entries;
   * when the map is full, evicts the oldest entry even if it has not expired.
   */
  set(key: K, value: V): void {
    const now = this.now();
    this.sweep(now);
    if (this.count === this.maxEntries) this.dropOldest();
    const slot = this.serial % this.maxEntries;
    const serial = ++this.serial;
    if (slot === this.ringKeys.length) {
      this.ringKeys.push(key);
      this.ringValues.push(value);
      this.ringExpiries.push(now + this.ttlMs);
      this.ringSerials.push(serial);
    } else {
      this.ringKeys[slot] = key;
      this.ringValues[slot] = value;
      this.ringExpiries[slot] = now + this.ttlMs;
      this.ringSerials[slot] = serial;
    }
    this.count++;
    this.serials.set(key, serial);
  }

  /**
   * One sweep step: looks at the oldest slots, at most `sweepStep` of them,
   * dropping expired entries and stale slots; stops at the first entry still
   * alive (all newer ones expire later). Called by {@link set}.
   */
  sweep(now: number = this.now()): SweepResult {
    let examined = 0;
    let expired = 0;
    while (examined < this.sweepStep && this.count > 0) {
      const live = this.serials.get(this.ringKeys[this.head]) === this.ringSerials[this.head];
      if (live && this.ringExpiries[this.head] > now) break;
      examined++;
      if (live) expired++;
      this.dropOldest();
    }
    return { examined, expired };
  }

  /** Forgets `key` at once (its slot is freed when the sweep or the bound reaches it); false when it held no entry. */
  delete(key: K): boolean {
    return this.serials.delete(key);
  }

  /** Entries held, expired ones not yet swept included (at most `maxEntries`). */
  get size(): number {
    return this.serials.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.serials.clear();
    for (const ring of [this.ringKeys, this.ringValues, this.ringExpiries, this.ringSerials]) ring.length = 0;
    this.head = 0;
    this.count = 0;
    this.serial = 0;
  }

  /** The ring slot of `key`'s entry, if it still holds one. */
  private slotOf(key: K): number | undefined {
    const serial = this.serials.get(key);
    if (serial === undefined) return undefined;
    const slot = (serial - 1) % this.maxEntries;
    return this.ringSerials[slot] === serial ? slot : undefined;
  }

  /** Frees the oldest slot, deleting its entry unless the key was set again since. */
  private dropOldest(): void {
    const { head } = this;
    const key = this.ringKeys[head];
    if (this.serials.get(key) === this.ringSerials[head]) this.serials.delete(key);
    this.ringKeys[head] = undefined as K;
    this.ringValues[head] = undefined as V;
    this.head = head + 1 === this.maxEntries ? 0 : head + 1;
    this.count--;
  }
}
