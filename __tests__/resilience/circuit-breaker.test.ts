/**
 * The failure-rate breaker's state machine, per process and shared through a
 * real redis-server by two breakers (two ingestion replicas), over TLS as the
 * services' ACL user.
 */
import type Redis from 'ioredis';
import { BrokenCircuitError, CircuitBreaker } from '../../apps/resilience/circuit-breaker/circuit-breaker';
import {
  CircuitState,
  type CircuitBreakerSettings,
  type CircuitBreakerStore,
} from '../../apps/resilience/circuit-breaker/circuit-breaker-store';
import { MAX_WINDOW_BUCKETS, MemoryCircuitBreakerStore } from '../../apps/resilience/circuit-breaker/memory-circuit-breaker-store';
import { RedisCircuitBreakerStore } from '../../apps/resilience/circuit-breaker/redis-circuit-breaker-store';
import { startRedisServer, type RedisServer } from '../../scripts/launch/redis-server';

const SETTINGS: CircuitBreakerSettings = {
  failureRateThreshold: 0.5,
  minimumCalls: 6,
  windowMs: 10_000,
  bucketMs: 1_000,
  openDurationMs: 5_000,
  halfOpenScoutCalls: 2,
};

let redisServer: RedisServer;
let connections: Redis[] = [];
let circuitSequence = 0;

beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterEach(async () => {
  await Promise.all(connections.map((connection) => connection.quit()));
  connections = [];
});
afterAll(async () => {
  await redisServer.stop();
});

interface Replicas {
  readonly a: CircuitBreaker;
  readonly b: CircuitBreaker;
  /** The shared fake clock, in ms; starts at a realistic epoch time. */
  readonly clock: { now: number };
}

const memoryReplicas = (): Replicas => {
  const clock = { now: 1_763_900_000_000 };
  const store = new MemoryCircuitBreakerStore(SETTINGS);
  return { a: new CircuitBreaker(store, { now: () => clock.now }), b: new CircuitBreaker(store, { now: () => clock.now }), clock };
};

const redisReplicas = (): Replicas => {
  const clock = { now: 1_763_900_000_000 };
  const name = `processing-${++circuitSequence}`;
  const storeOn = (): CircuitBreakerStore => {
    const connection = redisServer.client();
    connections.push(connection);
    return new RedisCircuitBreakerStore(connection, { name, settings: SETTINGS });
  };
  return { a: new CircuitBreaker(storeOn(), { now: () => clock.now }), b: new CircuitBreaker(storeOn(), { now: () => clock.now }), clock };
};

const succeed = async () => 'ok';
const fail = async (): Promise<string> => {
  throw new Error('upstream down');
};

/** Trips the circuit: `minimumCalls` failures. */
async function trip(breaker: CircuitBreaker): Promise<void> {
  for (let i = 0; i < SETTINGS.minimumCalls; i++) await breaker.execute(fail).catch(() => undefined);
}

describe.each([
  ['per process (two callers on one MemoryCircuitBreakerStore)', memoryReplicas],
  ['shared in Redis (two replicas, two connections)', redisReplicas],
])('CircuitBreaker %s', (_, replicas) => {
  it('stays closed below the minimum number of calls, however many fail', async () => {
    const { a, b } = replicas();
    for (let i = 0; i < SETTINGS.minimumCalls - 1; i++) await a.execute(fail).catch(() => undefined);
    expect(await b.state()).toBe(CircuitState.CLOSED);
    await b.execute(fail).catch(() => undefined);
    expect(await a.state()).toBe(CircuitState.OPEN);
  });

  it('stays closed while the failure rate is below the threshold', async () => {
    const { a, b } = replicas();
    for (let i = 0; i < 6; i++) await a.execute(succeed);
    for (let i = 0; i < 5; i++) await b.execute(fail).catch(() => undefined);
    expect(await a.state()).toBe(CircuitState.CLOSED);
    await b.execute(fail).catch(() => undefined);
    expect(await a.state()).toBe(CircuitState.OPEN);
  });

  it('counts a value judged a failure (a 503 answer) and still returns it', async () => {
    const { a } = replicas();
    for (let i = 0; i < SETTINGS.minimumCalls; i++) {
      expect(
        await a.execute(
          async () => ({ status: 503 }),
          (r) => r.status >= 500,
        ),
      ).toEqual({ status: 503 });
    }
    expect(await a.state()).toBe(CircuitState.OPEN);
  });

  it('forgets failures that slid out of the window', async () => {
    const { a, clock } = replicas();
    for (let i = 0; i < SETTINGS.minimumCalls - 1; i++) await a.execute(fail).catch(() => undefined);
    clock.now += SETTINGS.windowMs;
    await a.execute(fail).catch(() => undefined);
    expect(await a.state()).toBe(CircuitState.CLOSED);
  });

  it('rejects calls on every replica while open, without calling', async () => {
    const { a, b, clock } = replicas();
    await trip(a);
    let calls = 0;
    const counted = async () => void calls++;
    const rejection = await b.execute(counted).catch((e) => e);
    expect(rejection).toBeInstanceOf(BrokenCircuitError);
    expect(rejection).toMatchObject({ state: CircuitState.OPEN, retryAfterMs: SETTINGS.openDurationMs });
    clock.now += SETTINGS.openDurationMs - 1;
    await expect(a.execute(counted)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(calls).toBe(0);
  });

  it('after the cool-down lets exactly N scouts through across replicas, and closes on their success', async () => {
    const { a, b, clock } = replicas();
    await trip(a);
    clock.now += SETTINGS.openDurationMs;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slow = async () => {
      calls++;
      await gate;
      return 'ok';
    };
    let rejected = 0;
    const attempts = Array.from({ length: 8 }, (_, i) =>
      (i % 2 === 0 ? a : b).execute(slow).then(
        () => 'called',
        (e: unknown) => (rejected++, e),
      ),
    );
    for (const waitUntil = Date.now() + 5_000; rejected < 6 && Date.now() < waitUntil;)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toBe(SETTINGS.halfOpenScoutCalls);
    expect(await a.state()).toBe(CircuitState.HALF_OPEN);
    release();
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === 'called')).toHaveLength(SETTINGS.halfOpenScoutCalls);
    expect(results.filter((r) => r instanceof BrokenCircuitError && r.state === CircuitState.HALF_OPEN)).toHaveLength(6);
    expect(await b.state()).toBe(CircuitState.CLOSED);
    expect(await a.execute(succeed)).toBe('ok');
  });

  it('reopens when a scout fails, for another full cool-down', async () => {
    const { a, b, clock } = replicas();
    await trip(a);
    clock.now += SETTINGS.openDurationMs;
    await a.execute(succeed);
    await b.execute(fail).catch(() => undefined);
    expect(await a.state()).toBe(CircuitState.OPEN);
    clock.now += SETTINGS.openDurationMs - 1;
    await expect(b.execute(succeed)).rejects.toMatchObject({ state: CircuitState.OPEN, retryAfterMs: 1 });
  });

  it('starts a new scout round when scouts never report (a replica died mid-call)', async () => {
    const { a, b, clock } = replicas();
    await trip(a);
    clock.now += SETTINGS.openDurationMs;
    void a.execute(() => new Promise(() => undefined));
    void b.execute(() => new Promise(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(a.execute(succeed)).rejects.toMatchObject({ state: CircuitState.HALF_OPEN });
    clock.now += SETTINGS.openDurationMs;
    await a.execute(succeed);
    await b.execute(succeed);
    expect(await a.state()).toBe(CircuitState.CLOSED);
  });

  it('ignores a stale scout of an earlier round', async () => {
    const { a, b, clock } = replicas();
    await trip(a);
    clock.now += SETTINGS.openDurationMs;
    let releaseStale!: () => void;
    const stale = a.execute(() => new Promise<string>((resolve) => (releaseStale = () => resolve('late'))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b.execute(fail).catch(() => undefined);
    expect(await a.state()).toBe(CircuitState.OPEN);
    clock.now += SETTINGS.openDurationMs;
    await a.execute(succeed);
    releaseStale();
    await stale;
    expect(await a.state()).toBe(CircuitState.HALF_OPEN);
    await b.execute(succeed);
    expect(await a.state()).toBe(CircuitState.CLOSED);
  });
});

describe('CircuitBreaker with an unreachable store', () => {
  it('fails open within a moment when the shared redis-server goes away', async () => {
    const server = await startRedisServer();
    const store = await RedisCircuitBreakerStore.connect(server.connection, { name: 'gone', settings: SETTINGS }, { tls: server.tls });
    const errors: unknown[] = [];
    const breaker = new CircuitBreaker(store, { onStoreError: (e) => errors.push(e) });
    await trip(breaker);
    await expect(breaker.execute(succeed)).rejects.toBeInstanceOf(BrokenCircuitError);
    await server.stop();
    const started = Date.now();
    expect(await breaker.execute(succeed)).toBe('ok');
    expect(Date.now() - started).toBeLessThan(500);
    expect(errors.length).toBeGreaterThan(0);
    await store.close().catch(() => undefined);
  });

  it('fails open: calls go through and the store error is reported', async () => {
    const connection = redisServer.client();
    connection.disconnect();
    const errors: unknown[] = [];
    const breaker = new CircuitBreaker(new RedisCircuitBreakerStore(connection, { settings: SETTINGS }), {
      onStoreError: (e) => errors.push(e),
    });
    expect(await breaker.execute(succeed)).toBe('ok');
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('MemoryCircuitBreakerStore window (a fixed ring of buckets)', () => {
  const NORMAL = { kind: 'normal' } as const;
  const T0 = 1_763_900_000_000;

  it('a slot reused one window later counts only its new bucket', async () => {
    const store = new MemoryCircuitBreakerStore(SETTINGS);
    for (let i = 0; i < SETTINGS.minimumCalls - 1; i++) await store.record(NORMAL, false, T0);
    // exactly one window later: the same ring slot, a new bucket; the 5 old failures are out of the window
    expect(await store.record(NORMAL, false, T0 + SETTINGS.windowMs)).toBe(CircuitState.CLOSED);
    for (let i = 0; i < SETTINGS.minimumCalls - 2; i++) await store.record(NORMAL, false, T0 + SETTINGS.windowMs);
    expect(await store.record(NORMAL, false, T0 + SETTINGS.windowMs + 1)).toBe(CircuitState.OPEN);
  });

  it('after hours of traffic decides on the last window only', async () => {
    const store = new MemoryCircuitBreakerStore(SETTINGS);
    const end = T0 + 2 * 3_600_000;
    let calls = 0;
    const states = new Set<CircuitState>();
    for (let t = T0; t < end; t += 997) states.add(await store.record(NORMAL, ++calls % 3 !== 0, t)); // 33 % failures
    expect([...states]).toEqual([CircuitState.CLOSED]);
    // successes spread over the last window: 10 of them, then failures in the newest bucket
    for (let i = 0; i < 10; i++) await store.record(NORMAL, true, end + i * 1_000);
    const last = end + 9_000;
    for (let i = 0; i < 9; i++) expect(await store.record(NORMAL, false, last)).toBe(CircuitState.CLOSED);
    expect(await store.record(NORMAL, false, last)).toBe(CircuitState.OPEN); // 10 failures of 20 calls: 50 %
  });

  it('rejects a window of more than MAX_WINDOW_BUCKETS buckets, or no window at all', () => {
    expect(() => new MemoryCircuitBreakerStore({ ...SETTINGS, windowMs: 60_000, bucketMs: 1 })).toThrow(
      new RegExp(`windowMs / bucketMs \\(60000 / 1\\) must be at most ${MAX_WINDOW_BUCKETS} buckets`),
    );
    expect(() => new MemoryCircuitBreakerStore({ ...SETTINGS, bucketMs: 0 })).toThrow(
      /windowMs \(10000\) and bucketMs \(0\) must be positive/,
    );
  });
});
