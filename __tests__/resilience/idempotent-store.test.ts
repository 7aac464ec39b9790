/**
 * One contract, two stores: the in-memory store and the Redis store must both
 * apply every idempotency key exactly once. The Redis store runs as deployed:
 * a real redis-server over TLS, as the services' ACL user (only its key
 * prefix and commands allowed).
 */
import type Redis from 'ioredis';
import { DependencyUnavailableError } from '../../apps/resilience/dependency-unavailable-error';
import {
  IdempotencyKeyConflictError,
  MemoryIdempotentStore,
  type IdempotentStore,
  type Transition,
} from '../../apps/resilience/idempotent-store';
import { RedisIdempotentStore } from '../../apps/resilience/redis-idempotent-store';
import { startRedisServer, type RedisServer } from '../../scripts/launch/redis-server';

interface Counter {
  readonly events: number;
  readonly keys: readonly string[];
}

/** Counts events and remembers which keys were applied, in order. */
function countEvent(key: string): Transition<Counter, { readonly eventNumber: number }> {
  return (state) => {
    const events = (state?.events ?? 0) + 1;
    return { state: { events, keys: [...(state?.keys ?? []), key] }, result: { eventNumber: events } };
  };
}

/** The fingerprint of the request most tests apply (the same request each time). */
const FINGERPRINT = 'fingerprint-1';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StoreFactory {
  readonly name: string;
  /** Two stores that share one backing state (two replicas), with the given key TTL. */
  pair(keyTtlMs?: number): [IdempotentStore<Counter, { eventNumber: number }>, IdempotentStore<Counter, { eventNumber: number }>];
}

let redisServer: RedisServer;
let connections: Redis[] = [];
let prefixSequence = 0;

beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: true });
});

afterEach(async () => {
  await Promise.all(connections.map((connection) => connection.quit()));
  connections = [];
});

afterAll(async () => {
  await redisServer.stop();
});

const memoryFactory: StoreFactory = {
  name: 'MemoryIdempotentStore',
  pair(keyTtlMs) {
    const store = new MemoryIdempotentStore<Counter, { eventNumber: number }>({ keyTtlMs });
    return [store, store];
  },
};

const redisFactory: StoreFactory = {
  name: 'RedisIdempotentStore',
  pair(keyTtlMs) {
    const keyPrefix = `idem:test${++prefixSequence}:`;
    const first = redisServer.client();
    const second = redisServer.client();
    connections.push(first, second);
    return [new RedisIdempotentStore(first, { keyPrefix, keyTtlMs }), new RedisIdempotentStore(second, { keyPrefix, keyTtlMs })];
  },
};

describe.each([memoryFactory, redisFactory])('$name', (factory) => {
  it("scopes keys by entity: another entity's key is applied to that entity, not replayed", async () => {
    const [store] = factory.pair();
    await store.applyOnce('shared', 'car-a', FINGERPRINT, countEvent('shared'));
    expect(await store.applyOnce('shared', 'car-b', FINGERPRINT, countEvent('shared'))).toEqual({
      result: { eventNumber: 1 },
      replayed: false,
    });
    expect(await store.get('car-b')).toEqual({ events: 1, keys: ['shared'] });
  });

  it('an entity id and key that only differ in where the separator falls are two keys', async () => {
    const [store] = factory.pair();
    await store.applyOnce('b:c', 'a', FINGERPRINT, countEvent('b:c'));
    expect((await store.applyOnce('c', 'a:b', FINGERPRINT, countEvent('c'))).replayed).toBe(false);
  });

  it('the same key with another fingerprint throws IdempotencyKeyConflictError and changes nothing', async () => {
    const [store] = factory.pair();
    await store.applyOnce('k', 'car-f', FINGERPRINT, countEvent('k'));
    await expect(store.applyOnce('k', 'car-f', 'fingerprint-2', countEvent('k'))).rejects.toThrow(IdempotencyKeyConflictError);
    expect(await store.get('car-f')).toEqual({ events: 1, keys: ['k'] });
  });

  it('replays the first result of a key, with replayed=true, and changes the state once', async () => {
    const [store] = factory.pair();
    const first = await store.applyOnce('k1', 'car-1', FINGERPRINT, countEvent('k1'));
    const again = await store.applyOnce('k1', 'car-1', FINGERPRINT, countEvent('k1'));
    expect(first).toEqual({ result: { eventNumber: 1 }, replayed: false });
    expect(again).toEqual({ result: { eventNumber: 1 }, replayed: true });
    expect(await store.get('car-1')).toEqual({ events: 1, keys: ['k1'] });
  });

  it('applies 50 concurrent copies of one key, arriving at two replicas, exactly once', async () => {
    const [a, b] = factory.pair();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).applyOnce('dup', 'car-2', FINGERPRINT, countEvent('dup'))),
    );
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome.result.eventNumber === 1)).toBe(true);
    expect(await b.get('car-2')).toEqual({ events: 1, keys: ['dup'] });
  });

  it('applies 40 concurrent distinct keys on one entity without losing an update', async () => {
    const [a, b] = factory.pair();
    const keys = Array.from({ length: 40 }, (_, i) => `distinct-${i}`);
    const outcomes = await Promise.all(keys.map((key, i) => (i % 2 === 0 ? a : b).applyOnce(key, 'car-3', FINGERPRINT, countEvent(key))));
    expect(outcomes.every((outcome) => !outcome.replayed)).toBe(true);
    expect(outcomes.map((outcome) => outcome.result.eventNumber).sort((x, y) => x - y)).toEqual(keys.map((_, i) => i + 1));
    const state = await a.get('car-3');
    expect(state?.events).toBe(40);
    expect([...(state?.keys ?? [])].sort()).toEqual([...keys].sort());
  });

  it('forgets a key after its TTL, so the key applies again', async () => {
    const [store] = factory.pair(400);
    await store.applyOnce('short', 'car-4', FINGERPRINT, countEvent('short'));
    expect((await store.applyOnce('short', 'car-4', FINGERPRINT, countEvent('short'))).replayed).toBe(true);
    await sleep(600);
    const afterTtl = await store.applyOnce('short', 'car-4', FINGERPRINT, countEvent('short'));
    expect(afterTtl).toEqual({ result: { eventNumber: 2 }, replayed: false });
  });

  it('returns undefined for an entity it never saw', async () => {
    const [store] = factory.pair();
    expect(await store.get('nobody')).toBeUndefined();
  });
});

describe('RedisIdempotentStore durability', () => {
  it('a new store instance (a restarted replica) replays keys and keeps the state', async () => {
    const before = await RedisIdempotentStore.connect<Counter, { eventNumber: number }>(
      redisServer.connection,
      { keyPrefix: 'idem:restart:' },
      { tls: redisServer.tls },
    );
    await before.applyOnce('r1', 'car-5', FINGERPRINT, countEvent('r1'));
    await before.close();
    const after = await RedisIdempotentStore.connect<Counter, { eventNumber: number }>(
      redisServer.connection,
      { keyPrefix: 'idem:restart:' },
      { tls: redisServer.tls },
    );
    expect(await after.applyOnce('r1', 'car-5', FINGERPRINT, countEvent('r1'))).toEqual({ result: { eventNumber: 1 }, replayed: true });
    expect(await after.get('car-5')).toEqual({ events: 1, keys: ['r1'] });
    await after.close();
  });

  it('keeps applied keys and state across a kill -9 of redis-server itself (AOF, fsync always)', async () => {
    const server = await startRedisServer({ appendOnly: true });
    const store = await RedisIdempotentStore.connect<Counter, { eventNumber: number }>(
      server.connection,
      { keyPrefix: 'idem:crash:' },
      { tls: server.tls },
    );
    await store.applyOnce('c1', 'car-6', FINGERPRINT, countEvent('c1'));
    await store.close();
    await server.kill();
    const restarted = await startRedisServer({ appendOnly: true, dir: server.dir, port: server.port, users: server.users });
    const after = await RedisIdempotentStore.connect<Counter, { eventNumber: number }>(
      restarted.connection,
      { keyPrefix: 'idem:crash:' },
      { tls: restarted.tls },
    );
    expect((await after.applyOnce('c1', 'car-6', FINGERPRINT, countEvent('c1'))).replayed).toBe(true);
    expect((await after.get('car-6'))?.events).toBe(1);
    await after.close();
    await restarted.stop();
    await server.stop();
  });
});

describe('MemoryIdempotentStore bounds', () => {
  it('forgets the oldest key once maxKeys are held, so a duplicate of it is applied again (documented double apply)', async () => {
    const store = new MemoryIdempotentStore<Counter, { eventNumber: number }>({ maxKeys: 2 });
    await store.applyOnce('k1', 'car-7', FINGERPRINT, countEvent('k1'));
    await store.applyOnce('k2', 'car-7', FINGERPRINT, countEvent('k2'));
    expect((await store.applyOnce('k1', 'car-7', FINGERPRINT, countEvent('k1'))).replayed).toBe(true);
    await store.applyOnce('k3', 'car-7', FINGERPRINT, countEvent('k3'));
    expect(await store.applyOnce('k2', 'car-7', FINGERPRINT, countEvent('k2'))).toEqual({ result: { eventNumber: 2 }, replayed: true });
    const again = await store.applyOnce('k1', 'car-7', FINGERPRINT, countEvent('k1'));
    expect(again).toEqual({ result: { eventNumber: 4 }, replayed: false });
    expect(await store.get('car-7')).toEqual({ events: 4, keys: ['k1', 'k2', 'k3', 'k1'] });
  });

  it('keeps state for at most maxEntities entities, dropping the one updated least recently', async () => {
    const store = new MemoryIdempotentStore<Counter, { eventNumber: number }>({ maxEntities: 2 });
    await store.applyOnce('a1', 'car-a', FINGERPRINT, countEvent('a1'));
    await store.applyOnce('b1', 'car-b', FINGERPRINT, countEvent('b1'));
    await store.get('car-a'); // reading does not count as an update
    await store.applyOnce('b2', 'car-b', FINGERPRINT, countEvent('b2'));
    await store.applyOnce('c1', 'car-c', FINGERPRINT, countEvent('c1'));
    expect(await store.get('car-a')).toBeUndefined();
    expect(await store.get('car-b')).toEqual({ events: 2, keys: ['b1', 'b2'] });
    expect(await store.get('car-c')).toEqual({ events: 1, keys: ['c1'] });
    expect(await store.applyOnce('a2', 'car-a', FINGERPRINT, countEvent('a2'))).toEqual({ result: { eventNumber: 1 }, replayed: false });
  });

  it('expires keys by its clock: a key past its TTL applies again', async () => {
    const clock = { now: 1_763_900_000_000 };
    const store = new MemoryIdempotentStore<Counter, { eventNumber: number }>({ keyTtlMs: 60_000, now: () => clock.now });
    await store.applyOnce('t1', 'car-8', FINGERPRINT, countEvent('t1'));
    clock.now += 59_999;
    expect((await store.applyOnce('t1', 'car-8', FINGERPRINT, countEvent('t1'))).replayed).toBe(true);
    clock.now += 1;
    expect(await store.applyOnce('t1', 'car-8', FINGERPRINT, countEvent('t1'))).toEqual({ result: { eventNumber: 2 }, replayed: false });
  });

  it('rejects a bound that cannot hold anything', () => {
    expect(() => new MemoryIdempotentStore({ maxKeys: 0 })).toThrow(/maxKeys \(0\) must be a positive integer/);
    expect(() => new MemoryIdempotentStore({ maxEntities: 0 })).toThrow(/maxEntities \(0\) must be a positive integer/);
  });
});

describe('RedisIdempotentStore while the store is unavailable', () => {
  it('fails at once with DependencyUnavailableError while redis-server is down, and works again once it is back', async () => {
    const server = await startRedisServer({ appendOnly: true });
    const store = await RedisIdempotentStore.connect<Counter, { eventNumber: number }>(
      server.connection,
      { keyPrefix: 'idem:outage:' },
      { tls: server.tls },
    );
    let restarted: RedisServer | undefined;
    try {
      await store.applyOnce('o1', 'car-7', FINGERPRINT, countEvent('o1'));
      await server.kill();
      const started = Date.now();
      const failure = await store.applyOnce('o2', 'car-7', FINGERPRINT, countEvent('o2')).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(500);
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(failure).toMatchObject({ dependency: 'shared-state store', retryAfterSeconds: 1 });
      await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
      restarted = await startRedisServer({ appendOnly: true, dir: server.dir, port: server.port, users: server.users });
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50))
        if (
          await store.ping().then(
            () => true,
            () => false,
          )
        )
          break;
      expect(await store.applyOnce('o2', 'car-7', FINGERPRINT, countEvent('o2'))).toEqual({ result: { eventNumber: 2 }, replayed: false });
    } finally {
      await store.close();
      await restarted?.stop();
      await server.stop();
    }
  });

  it('answers a command the ACL user may not run with the server error itself (a configuration bug, not an outage)', async () => {
    const connection = redisServer.client();
    connections.push(connection);
    const store = new RedisIdempotentStore<Counter, { eventNumber: number }>(connection, { keyPrefix: 'not-allowed:' });
    const failure = await store.applyOnce('k', 'car-8', FINGERPRINT, countEvent('k')).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(DependencyUnavailableError);
    expect(String(failure)).toMatch(/NOPERM/);
  });
});

describe('RedisIdempotentStore with replicaAcks (WAIT), on a primary with a replica', () => {
  it('answers once a replica holds the write; without a replica, 503-worthy DependencyUnavailableError, and the retry replays', async () => {
    const primary = await startRedisServer();
    let replica = await startRedisServer({ replicaOf: primary });
    const store = await RedisIdempotentStore.connect<Counter, { eventNumber: number }>(
      primary.connection,
      // Generous for a loaded test machine (parallel suites, TLS); the WAIT stays below the command timeout.
      { keyPrefix: 'idem:wait:', replicaAcks: 1, replicationTimeoutMs: 4_000 },
      { tls: primary.tls, commandTimeoutMs: 8_000 },
    );
    const onReplica = replica.client();
    try {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
        if (/master_link_status:up/.test(await onReplica.info('replication'))) break;
      }
      expect(await store.applyOnce('w1', 'car-9', FINGERPRINT, countEvent('w1'))).toEqual({ result: { eventNumber: 1 }, replayed: false });
      expect(await onReplica.get('idem:wait:key:5:car-9:w1')).not.toBeNull();
      onReplica.disconnect();
      await replica.stop();
      const failure = await store.applyOnce('w2', 'car-9', FINGERPRINT, countEvent('w2')).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(String(failure)).toMatch(/replication \(0 of 1 replicas acknowledged\)/);
      replica = await startRedisServer({ replicaOf: primary });
      expect(await store.applyOnce('w2', 'car-9', FINGERPRINT, countEvent('w2'))).toEqual({ result: { eventNumber: 2 }, replayed: true });
    } finally {
      onReplica.disconnect();
      await store.close();
      await replica.stop();
      await primary.stop();
    }
  });
});
