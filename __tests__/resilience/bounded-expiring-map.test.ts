/**
 * The in-memory idempotency window: a bound on entries, oldest evicted first,
 * expiry by TTL, and a sweep that looks at a few slots per call, never at
 * the whole map. Times come from an injected clock.
 */
import { BoundedExpiringMap } from '../../apps/resilience/bounded-expiring-map';

function mapWithClock(options: { maxEntries: number; ttlMs: number; sweepStep?: number }) {
  const clock = { now: 1_763_900_000_000 };
  return { map: new BoundedExpiringMap<string, number>({ ...options, now: () => clock.now }), clock };
}

describe('BoundedExpiringMap', () => {
  describe('at the bound', () => {
    test('holds at most maxEntries and evicts the oldest first, expired or not', () => {
      const { map } = mapWithClock({ maxEntries: 3, ttlMs: 60_000 });
      for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, i);
      expect(map.size).toBe(3);
      expect(['a', 'b', 'c', 'd', 'e'].map((key) => map.get(key))).toEqual([undefined, undefined, 2, 3, 4]);
    });

    test('never holds more than maxEntries over many times its bound', () => {
      const { map, clock } = mapWithClock({ maxEntries: 100, ttlMs: 1_000_000 });
      let largest = 0;
      for (let i = 0; i < 10_000; i++) {
        clock.now += i % 7;
        map.set(`key-${i % 250}`, i);
        largest = Math.max(largest, map.size);
      }
      expect(largest).toBe(100);
      expect(map.get('key-249')).toBe(9_999);
    });

    test('a key set again moves to the end: its first slot is skipped, not evicting the newer entry', () => {
      const { map } = mapWithClock({ maxEntries: 3, ttlMs: 60_000 });
      map.set('a', 1);
      map.set('b', 2);
      map.set('a', 3);
      map.set('c', 4); // the ring is full: the stale first slot of `a` goes, `a` stays
      expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([3, 2, 4]);
      map.set('d', 5); // now `b` is the oldest
      expect([map.get('a'), map.get('b'), map.get('c'), map.get('d')]).toEqual([3, undefined, 4, 5]);
      expect(map.size).toBe(3);
    });
  });

  describe('expiry', () => {
    test('an entry is gone once its TTL has passed; reading it does not extend its life', () => {
      const { map, clock } = mapWithClock({ maxEntries: 10, ttlMs: 1_000 });
      map.set('k', 1);
      clock.now += 999;
      expect(map.get('k')).toBe(1);
      clock.now += 1;
      expect(map.get('k')).toBeUndefined();
    });

    test('a set looks at no more than sweepStep slots, so a backlog of expired entries shrinks a few per call', () => {
      const { map, clock } = mapWithClock({ maxEntries: 1_000, ttlMs: 1_000, sweepStep: 4 });
      for (let i = 0; i < 100; i++) map.set(`old-${i}`, i);
      clock.now += 1_000;
      map.set('new-0', 0);
      expect(map.size).toBe(100 - 4 + 1);
      for (let i = 1; i < 40; i++) {
        const before = map.size;
        map.set(`new-${i}`, i);
        expect(before - map.size + 1).toBeLessThanOrEqual(4);
      }
      expect(map.size).toBe(40);
      expect(map.get('old-99')).toBeUndefined();
    });

    test('one sweep step examines at most sweepStep slots and stops at the first live entry', () => {
      const { map, clock } = mapWithClock({ maxEntries: 1_000, ttlMs: 1_000, sweepStep: 8 });
      for (let i = 0; i < 20; i++) map.set(`old-${i}`, i);
      clock.now += 500;
      map.set('young', 20);
      clock.now += 500; // the 20 old entries expire now; `young` in 500 ms
      expect(map.sweep()).toEqual({ examined: 8, expired: 8 });
      expect(map.sweep()).toEqual({ examined: 8, expired: 8 });
      expect(map.sweep()).toEqual({ examined: 4, expired: 4 });
      expect(map.sweep()).toEqual({ examined: 0, expired: 0 });
      expect(map.size).toBe(1);
      expect(map.get('young')).toBe(20);
    });

    test('a stale slot (its key was set again) is freed by the sweep without counting as expired', () => {
      const { map, clock } = mapWithClock({ maxEntries: 10, ttlMs: 1_000, sweepStep: 2 });
      map.set('k', 1);
      clock.now += 1_000;
      map.set('k', 2); // the first entry expired and was swept by this set; the new one is live
      expect(map.get('k')).toBe(2);
      map.set('j', 3);
      map.set('k', 4); // `k` set again while live: its earlier slot is now stale
      clock.now += 10;
      expect(map.sweep()).toEqual({ examined: 1, expired: 0 });
      expect(map.get('k')).toBe(4);
      expect(map.get('j')).toBe(3);
    });
  });

  test('delete forgets a key at once; its slot still counts until the sweep or the bound frees it', () => {
    const { map } = mapWithClock({ maxEntries: 3, ttlMs: 60_000 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect([map.get('a'), map.size]).toEqual([undefined, 1]);
    map.set('c', 3);
    map.set('d', 4); // the ring is full: the freed slot of `a` goes, `b` stays
    expect([map.get('b'), map.get('c'), map.get('d')]).toEqual([2, 3, 4]);
    map.set('e', 5);
    expect([map.get('b'), map.size]).toEqual([undefined, 3]);
  });

  test('clear drops everything and the map starts afresh', () => {
    const { map } = mapWithClock({ maxEntries: 2, ttlMs: 1_000 });
    map.set('a', 1);
    map.set('b', 2);
    map.clear();
    expect(map.size).toBe(0);
    map.set('c', 3);
    map.set('d', 4);
    map.set('e', 5);
    expect([map.get('c'), map.get('d'), map.get('e')]).toEqual([undefined, 4, 5]);
  });

  test.each([
    [{ maxEntries: 0, ttlMs: 1 }, /maxEntries \(0\) must be a positive integer/],
    [{ maxEntries: 1.5, ttlMs: 1 }, /maxEntries \(1.5\) must be a positive integer/],
    [{ maxEntries: 1, ttlMs: 0 }, /ttlMs \(0\) must be a positive number/],
    [{ maxEntries: 1, ttlMs: 1, sweepStep: 0 }, /sweepStep \(0\) must be a positive integer/],
  ])('rejects %j', (options, message) => {
    expect(() => new BoundedExpiringMap(options)).toThrow(message);
  });
});
