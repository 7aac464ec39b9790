/**
 * The apps as the environment configures them (`buildConfiguredApp` over the
 * settings read from env, as the server entries do), with real parts: a real
 * redis-server for REDIS_URL (TLS, the ACL user's REDIS_USERNAME and
 * REDIS_PASSWORD), a real embedded queue directory for RETRY_QUEUE_DIR.
 */
import { buildConfiguredApp as buildIngestion } from '../../apps/ingestion/configured-app';
import { readIngestionSettings } from '../../apps/ingestion/settings';
import { buildConfiguredApp as buildProcessing } from '../../apps/processing/configured-app';
import { readProcessingSettings } from '../../apps/processing/settings';
import type { ServiceApp } from '../../apps/service-kit/service-app';
import { SAMPLE_EVENT } from '../apps/sample-event';
import { startRedisServer, type RedisServer } from '../../scripts/launch/redis-server';
import { eventsOf, eventually, postEvent, queueFiles, startCountingServer, tempQueueDir } from './fixtures';

const QUIET = { LOG_LEVEL: 'silent', METRICS_FLUSH_INTERVAL_MS: '0' };

/** The cache connection's test CA (a service process gets it through NODE_EXTRA_CA_CERTS). */
const withCa = (redis: RedisServer) => ({ redisTls: redis.tls });

describe('REDIS_URL', () => {
  let redis: RedisServer;
  const apps: ServiceApp[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(() => redis.stop());

  test('two processing instances on one Redis apply a duplicated event once', async () => {
    const env = { ...QUIET, ...redis.serviceEnv() };
    const first = await buildProcessing(readProcessingSettings(env), withCa(redis));
    const second = await buildProcessing(readProcessingSettings(env), withCa(redis));
    apps.push(first, second);
    const event = { ...SAMPLE_EVENT, vehicle_id: 'EV-REDIS-1' };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => postEvent(i % 2 === 0 ? first : second, event)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(10).fill(200));
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(await eventsOf(first, 'EV-REDIS-1')).toBe(1);
    expect(await eventsOf(second, 'EV-REDIS-1')).toBe(1);
  });

  test('processing state survives a new instance (a restart)', async () => {
    const env = { ...QUIET, ...redis.serviceEnv() };
    const before = await buildProcessing(readProcessingSettings(env), withCa(redis));
    await postEvent(before, { ...SAMPLE_EVENT, vehicle_id: 'EV-REDIS-2' });
    await before.close();
    const after = await buildProcessing(readProcessingSettings(env), withCa(redis));
    apps.push(after);
    expect(await eventsOf(after, 'EV-REDIS-2')).toBe(1);
  });

  test('two ingestion instances share one circuit: opened by failures through one, the other does not call processing', async () => {
    const failing = await startCountingServer((_request, response) => response.writeHead(500).end());
    const env = { ...QUIET, ...redis.serviceEnv(), RETRY_MODE: 'off', DATA_PROCESSING_URL: failing.url };
    const first = await buildIngestion(readIngestionSettings(env), withCa(redis));
    const second = await buildIngestion(readIngestionSettings(env), withCa(redis));
    apps.push(first, second);
    for (let i = 0; i < 10; i++) expect((await postEvent(first, SAMPLE_EVENT)).statusCode).toBe(500);
    expect(failing.requests()).toBe(10);
    const response = await postEvent(second, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toMatch(/circuit-open/);
    expect(failing.requests()).toBe(10);
    await failing.close();
  });
});

describe('RETRY_QUEUE_DIR shared by both services', () => {
  test('processing failing every POST (FAULT_503_RATE=1): ingestion parks after its retries, 202; processing drains it; applied once', async () => {
    const queueDir = tempQueueDir();
    const processing = await buildProcessing(
      readProcessingSettings({
        ...QUIET,
        RETRY_QUEUE_DIR: queueDir.dir,
        FAULT_INJECTION: 'enabled',
        FAULT_503_RATE: '1',
        RETRY_QUEUE_BACKOFF_BASE_SECONDS: '0.1',
        RETRY_QUEUE_BACKOFF_MAX_SECONDS: '0.2',
      }),
    );
    const address = await processing.listen({ port: 0, host: '127.0.0.1' });
    const ingestion = await buildIngestion(
      readIngestionSettings({
        ...QUIET,
        RETRY_QUEUE_DIR: queueDir.dir,
        DATA_PROCESSING_URL: `${address}/ev`,
        RETRY_BACKOFF_BASE_MS: '1',
        RETRY_BACKOFF_MAX_MS: '2',
      }),
    );
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'queued', idempotencyKey: 'EV-001@2024-02-15T10:30:00.000Z' });
    await eventually(async () => (await eventsOf(processing, 'EV-001')) === 1);
    await eventually(() => queueFiles(queueDir.dir, 'messages').length === 0);
    expect(await eventsOf(processing, 'EV-001')).toBe(1);
    await ingestion.close();
    await processing.close();
    queueDir.remove();
  });
});
