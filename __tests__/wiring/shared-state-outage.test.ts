/**
 * A shared-state store outage is a retryable answer: processing answers
 * `POST /ev` with 503 and `Retry-After` at once (a 500 is not retried by the
 * mesh's `gateway-error` policy), `GET /ready` says the store is down while
 * `GET /health-check` stays 200 (liveness), the retry-queue drain pauses, and
 * all of it recovers when the store is back. Ingestion's shared breaker
 * fails open meanwhile.
 */
import { buildConfiguredApp as buildIngestion } from '../../apps/ingestion/configured-app';
import { readIngestionSettings } from '../../apps/ingestion/settings';
import { buildConfiguredApp as buildProcessing } from '../../apps/processing/configured-app';
import { readProcessingSettings } from '../../apps/processing/settings';
import type { ServiceApp } from '../../apps/service-kit/service-app';
import { SAMPLE_EVENT } from '../apps/sample-event';
import { RETRY_QUEUE_SETTINGS } from '../../contract/retry-queue';
import { EmbeddedRetryQueue, parseMessageFileName } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { freeLoopbackPort, startRedisServer, type RedisServer } from '../../scripts/launch/redis-server';
import { eventsOf, eventually, postEvent, queueFiles, startCountingServer, tempQueueDir } from './fixtures';

const QUIET = { LOG_LEVEL: 'silent', METRICS_FLUSH_INTERVAL_MS: '0' };

const apps: ServiceApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function expectStoreDown(processing: ServiceApp): Promise<void> {
  await processing.ready();
  const started = Date.now();
  const response = await postEvent(processing, { ...SAMPLE_EVENT, vehicle_id: 'EV-OUTAGE' });
  expect(Date.now() - started).toBeLessThan(300);
  expect(response.statusCode).toBe(503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.json()).toEqual({ error: 'Service Unavailable', message: expect.stringMatching(/^shared-state store is unavailable/) });
  const ready = await processing.inject({ method: 'GET', url: '/ready' });
  expect(ready.statusCode).toBe(503);
  expect(ready.headers['retry-after']).toBe('1');
  expect(ready.json()).toEqual({
    status: 'not-ready',
    checks: { 'shared-state store': expect.stringMatching(/^down: shared-state store is unavailable/) },
  });
  expect((await processing.inject({ method: 'GET', url: '/health-check' })).statusCode).toBe(200);
}

describe('processing with the shared-state store unreachable', () => {
  test('REDIS_URL at a closed port (as a new user would try it): it starts, answers 503 + Retry-After at once, and is not ready', async () => {
    const port = await freeLoopbackPort();
    const processing = await buildProcessing(readProcessingSettings({ ...QUIET, REDIS_URL: `redis://127.0.0.1:${port}` }));
    apps.push(processing);
    await expectStoreDown(processing);
  });

  test('redis-server going away and coming back: 200, then 503 and not ready, then ready and 200 again, the state kept', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    const processing = await buildProcessing(readProcessingSettings({ ...QUIET, ...redis.serviceEnv() }), { redisTls: redis.tls });
    apps.push(processing);
    expect((await processing.inject({ method: 'GET', url: '/ready' })).json()).toEqual({
      status: 'ready',
      checks: { 'shared-state store': 'up' },
    });
    expect((await postEvent(processing, { ...SAMPLE_EVENT, vehicle_id: 'EV-OUTAGE' })).statusCode).toBe(200);
    await redis.kill();
    await expectStoreDown(processing);
    const restarted = await startRedisServer({ appendOnly: true, dir: redis.dir, port: redis.port, users: redis.users });
    try {
      let ready = 0;
      for (
        const deadline = Date.now() + 10_000;
        ready !== 200 && Date.now() < deadline;
        await new Promise((resolve) => setTimeout(resolve, 50))
      ) {
        ready = (await processing.inject({ method: 'GET', url: '/ready' })).statusCode;
      }
      expect(ready).toBe(200);
      expect(
        (await postEvent(processing, { ...SAMPLE_EVENT, vehicle_id: 'EV-OUTAGE', timestamp: '2024-02-15T10:31:00Z' })).statusCode,
      ).toBe(200);
      expect(await eventsOf(processing, 'EV-OUTAGE')).toBe(2);
    } finally {
      await processing.close();
      apps.splice(0);
      await restarted.stop();
      await redis.stop();
    }
  });
});

describe('the retry-queue drain while the shared-state store is down', () => {
  test('receives nothing (the messages keep their receives for later) and drains once the store is back', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    const queueDir = tempQueueDir();
    const processing = await buildProcessing(
      readProcessingSettings({ ...QUIET, ...redis.serviceEnv(), RETRY_QUEUE_DIR: queueDir.dir, RETRY_QUEUE_RECEIVE_WAIT_SECONDS: '1' }),
      { redisTls: redis.tls },
    );
    await processing.ready();
    let restarted: RedisServer | undefined;
    try {
      await redis.kill();
      // The long poll that was waiting when the store went down ends within its 1 s wait; then the drain pauses.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const queue = await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: RETRY_QUEUE_SETTINGS.maxReceiveCount });
      const event = { ...SAMPLE_EVENT, vehicle_id: 'EV-DRAIN-PAUSED' };
      await queue.send({ idempotencyKey: 'EV-DRAIN-PAUSED@1', body: JSON.stringify(event) });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(queueFiles(queueDir.dir, 'messages').map((name) => parseMessageFileName(name)?.receiveCount)).toEqual([0]);
      restarted = await startRedisServer({ appendOnly: true, dir: redis.dir, port: redis.port, users: redis.users });
      await eventually(async () => (await eventsOf(processing, 'EV-DRAIN-PAUSED')) === 1);
      await eventually(() => queueFiles(queueDir.dir, 'messages').length === 0);
    } finally {
      await processing.close();
      await restarted?.stop();
      await redis.stop();
      queueDir.remove();
    }
  });
});

describe('ingestion with the shared-state store unreachable', () => {
  test('the shared breaker fails open: events still reach processing, and ingestion stays ready', async () => {
    const port = await freeLoopbackPort();
    const processing = await startCountingServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"processed","anomalies":[]}'),
    );
    const ingestion = await buildIngestion(
      readIngestionSettings({ ...QUIET, REDIS_URL: `redis://127.0.0.1:${port}`, DATA_PROCESSING_URL: processing.url }),
    );
    apps.push(ingestion);
    expect((await postEvent(ingestion, SAMPLE_EVENT)).statusCode).toBe(200);
    expect(processing.requests()).toBe(1);
    expect((await ingestion.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    await processing.close();
  });
});
