/**
 * Idempotency keys cannot be borrowed across vehicles, a key cannot carry
 * two different events, and the derived key does not depend on how the
 * instant is written. Run against processing with both stores: in memory and
 * in a real redis-server; and through the retry queue's drain.
 */
import type Redis from 'ioredis';
import { buildApp } from '../../../apps/processing/app';
import { MemoryIdempotentStore, type IdempotentStore } from '../../../apps/resilience/idempotent-store';
import { RedisIdempotentStore } from '../../../apps/resilience/redis-idempotent-store';
import { EmbeddedRetryQueue } from '../../../apps/resilience/retry-queue/embedded-retry-queue';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { RETRY_QUEUE_SETTINGS } from '../../../contract/retry-queue';
import type { EvResult, VehicleState } from '../../../apps/processing/vehicle-state';
import { startRedisServer, type RedisServer } from '../../../scripts/launch/redis-server';
import { eventWith } from '../sample-event';
import { eventsOf, eventually, postEvent, tempQueueDir } from '../../wiring/fixtures';

let redisServer: RedisServer;
const connections: Redis[] = [];
let prefixSequence = 0;

beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.quit()));
  await redisServer.stop();
});

const stores: ReadonlyArray<[string, () => IdempotentStore<VehicleState, EvResult>]> = [
  ['in memory', () => new MemoryIdempotentStore()],
  [
    'in Redis',
    () => {
      const connection = redisServer.client();
      connections.push(connection);
      return new RedisIdempotentStore(connection, { keyPrefix: `idem:scope${++prefixSequence}:` });
    },
  ],
];

describe.each(stores)('processing with the store %s', (_name, newStore) => {
  let app: ServiceApp;
  beforeEach(() => {
    app = buildApp({ logLevel: 'silent', store: newStore() });
  });
  afterEach(() => app.close());

  test("vehicle B's event under vehicle A's Idempotency-Key is applied to B, not answered with A's result", async () => {
    const hot = { percentage: 50, voltage: 390, temperature: 80 };
    const first = await postEvent(app, eventWith({ vehicle_id: 'EV-A', battery: hot }), { 'idempotency-key': 'shared-key' });
    expect(first.statusCode).toBe(200);
    expect(first.json().anomalies).not.toEqual([]);

    const other = await postEvent(app, eventWith({ vehicle_id: 'EV-B' }), { 'idempotency-key': 'shared-key' });

    expect(other.statusCode).toBe(200);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.json()).toEqual({ status: 'processed', anomalies: [] });
    expect(await eventsOf(app, 'EV-B')).toBe(1);
    expect(await eventsOf(app, 'EV-A')).toBe(1);
  });

  test('the same key with a different body → 409 JSON error naming the conflict; nothing applied', async () => {
    await postEvent(app, eventWith({ vehicle_id: 'EV-C', speed: 40 }), { 'idempotency-key': 'k-1' });

    const conflicting = await postEvent(app, eventWith({ vehicle_id: 'EV-C', speed: 90 }), { 'idempotency-key': 'k-1' });

    expect(conflicting.statusCode).toBe(409);
    expect(conflicting.headers['content-type']).toMatch(/^application\/json/);
    expect(conflicting.json()).toEqual({
      error: 'Conflict',
      message: expect.stringMatching(/idempotency key k-1 of vehicle EV-C was already used for a different event/),
      field: 'idempotency-key',
    });
    expect(await eventsOf(app, 'EV-C')).toBe(1);
  });

  test('a forged event under the derived key of a real one (vehicle@timestamp) is told apart: the real one gets 409, not a silent replay', async () => {
    await postEvent(app, eventWith({ vehicle_id: 'EV-D', odometer: 1 }));
    const real = await postEvent(app, eventWith({ vehicle_id: 'EV-D' }));
    expect(real.statusCode).toBe(409);
    expect(real.json().field).toBe('timestamp');
  });

  test('the same event sent again is still a replay (same body, same key)', async () => {
    const event = eventWith({ vehicle_id: 'EV-E' });
    await postEvent(app, event, { 'idempotency-key': 'k-2' });
    const again = await postEvent(app, event, { 'idempotency-key': 'k-2' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  test('four spellings of one instant are one event (derived key and fingerprint use the instant, not its spelling)', async () => {
    const spellings = ['2024-02-15T10:30:00Z', '2024-02-15T10:30:00.000Z', '2024-02-15T11:30:00+01:00', '2024-02-15t10:30:00z'];
    const answers = [];
    for (const timestamp of spellings) answers.push(await postEvent(app, eventWith({ vehicle_id: 'EV-F', timestamp })));
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => answer.headers['idempotent-replayed'])).toEqual([undefined, 'true', 'true', 'true']);
    expect(await eventsOf(app, 'EV-F')).toBe(1);
  });
});

describe("the retry queue's drain scopes keys by vehicle too", () => {
  test('a queued event of vehicle B under a key vehicle A used is applied to B; a queued event conflicting with an applied one is not applied', async () => {
    const queueDir = tempQueueDir();
    const queue = await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 3 });
    const app = buildApp({
      logLevel: 'silent',
      retryQueue: queue,
      retryQueueSettings: {
        ...RETRY_QUEUE_SETTINGS,
        receiveWaitSeconds: 0,
        backoffBaseSeconds: 0.05,
        backoffMaxSeconds: 0.1,
        visibilityTimeoutSeconds: 1,
      },
    });
    try {
      await app.ready();
      await postEvent(app, eventWith({ vehicle_id: 'EV-G', speed: 10 }), { 'idempotency-key': 'drained-key' });
      await queue.send({ idempotencyKey: 'drained-key', body: JSON.stringify(eventWith({ vehicle_id: 'EV-H' })), groupId: 'EV-H' });
      await queue.send({
        idempotencyKey: 'drained-key',
        body: JSON.stringify(eventWith({ vehicle_id: 'EV-G', speed: 99 })),
        groupId: 'EV-G',
      });
      await eventually(async () => (await eventsOf(app, 'EV-H')) === 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await eventsOf(app, 'EV-G')).toBe(1);
      const vehicle = await app.inject({ method: 'GET', url: '/vehicles/EV-G' });
      expect(vehicle.json().speed_kmh.max).toBe(10);
    } finally {
      await app.close();
      queueDir.remove();
    }
  });
});
