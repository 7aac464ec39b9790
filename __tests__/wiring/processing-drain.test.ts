/**
 * Processing drains the retry queue (a real embedded queue directory)
 * through the same applier and store as POST /ev; FAULT_503_RATE.
 */
import { buildApp } from '../../apps/processing/app';
import { TRANSIENT_FAULT_MESSAGE } from '../../apps/processing/ev-route';
import type { ServiceApp } from '../../apps/service-kit/service-app';
import { EmbeddedMetrics } from '../../apps/resilience/embedded-metrics';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { PipelineMetric } from '../../contract/metrics';
import { RETRY_QUEUE_SETTINGS } from '../../contract/retry-queue';
import { SAMPLE_EVENT, eventWith } from '../apps/sample-event';
import { eventsOf, eventually, postEvent, queueFiles, tempQueueDir } from './fixtures';

/** Short waits and no back-off, so a test sees several receives quickly. */
const FAST_DRAIN = {
  ...RETRY_QUEUE_SETTINGS,
  receiveWaitSeconds: 1,
  visibilityTimeoutSeconds: 5,
  backoffBaseSeconds: 0,
  backoffMaxSeconds: 0,
};

describe('processing drains the retry queue', () => {
  let queueDir: ReturnType<typeof tempQueueDir>;
  let app: ServiceApp | undefined;

  beforeEach(() => {
    queueDir = tempQueueDir();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    queueDir.remove();
  });

  test('applies a parked event once, and a replayed key already applied over HTTP is not counted twice', async () => {
    // GIVEN processing draining a queue, and one event already applied over HTTP
    const producer = await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 8 });
    const lines: string[] = [];
    const metrics = new EmbeddedMetrics({
      service: 'data-processing',
      metrics: [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.DRAINED],
      write: (line) => lines.push(line),
    });
    app = buildApp({
      logLevel: 'silent',
      retryQueue: await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 8 }),
      retryQueueSettings: FAST_DRAIN,
      metrics,
    });
    expect((await postEvent(app, SAMPLE_EVENT)).statusCode).toBe(200);
    // WHEN ingestion parks that same event (its derived key, here with the instant as the event spells it) and a new one (a client key)
    await producer.send({ idempotencyKey: 'EV-001@2024-02-15T10:30:00Z', body: JSON.stringify(SAMPLE_EVENT) });
    const later = eventWith({ timestamp: '2024-02-15T10:31:00Z', odometer: 12501 });
    await producer.send({ idempotencyKey: 'client-key-1', body: JSON.stringify(later) });
    // THEN both messages are drained (deleted), and the vehicle counts 2 events, not 3
    await eventually(() => queueFiles(queueDir.dir, 'messages').length === 0);
    expect(await eventsOf(app, 'EV-001')).toBe(2);
    // AND a POST of the client key after the drain is a replay
    const replay = await postEvent(app, later, { 'idempotency-key': 'client-key-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await eventsOf(app, 'EV-001')).toBe(2);
    await app.close();
    app = undefined;
    expect(JSON.parse(lines[0])).toMatchObject({ Service: 'data-processing', Requests: 2, Errors: 0, Drained: 2 });
  });

  test('a body that is not a valid event ends in the dead-letter queue; the service keeps serving', async () => {
    const producer = await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 2 });
    app = buildApp({
      logLevel: 'silent',
      retryQueue: await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 2 }),
      retryQueueSettings: FAST_DRAIN,
    });
    await app.ready();
    await producer.send({ idempotencyKey: 'bad-1', body: JSON.stringify({ ...SAMPLE_EVENT, speed: -1 }) });
    await producer.send({ idempotencyKey: 'bad-2', body: 'not JSON' });
    await eventually(() => queueFiles(queueDir.dir, 'dead-letters').length === 2);
    expect(queueFiles(queueDir.dir, 'messages')).toHaveLength(0);
    expect(await eventsOf(app, 'EV-001')).toBeUndefined();
    expect((await postEvent(app, SAMPLE_EVENT)).statusCode).toBe(200);
  });

  test('close stops the drain: a message sent afterwards stays in the queue', async () => {
    app = buildApp({
      logLevel: 'silent',
      retryQueue: await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 8 }),
      retryQueueSettings: FAST_DRAIN,
    });
    await app.ready();
    await app.close();
    app = undefined;
    const producer = await EmbeddedRetryQueue.open(queueDir.dir, { maxReceiveCount: 8 });
    await producer.send({ idempotencyKey: 'after-close', body: JSON.stringify(SAMPLE_EVENT) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(queueFiles(queueDir.dir, 'messages')).toHaveLength(1);
  });
});

describe('FAULT_503_RATE', () => {
  test('rate 1: every POST /ev answers a transient 503 JSON and nothing is applied', async () => {
    const app = buildApp({ logLevel: 'silent', faultInjection: true, fault503Rate: 1 });
    for (let i = 0; i < 3; i++) {
      const response = await postEvent(app, SAMPLE_EVENT);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ error: 'Service Unavailable', message: TRANSIENT_FAULT_MESSAGE });
    }
    expect(await eventsOf(app, 'EV-001')).toBeUndefined();
    await app.close();
  });

  test('rate 0.5 with a scripted random source: the draws below the rate fail, the others apply', async () => {
    const draws = [0.1, 0.9, 0.6, 0.4];
    const app = buildApp({ logLevel: 'silent', faultInjection: true, fault503Rate: 0.5, random: () => draws.shift() ?? 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postEvent(app, eventWith({ vehicle_id: `EV-${i}` }))).statusCode);
    expect(statuses).toEqual([503, 200, 200, 503]);
    await app.close();
  });

  test('an out-of-range rate is refused', () => {
    expect(() => buildApp({ faultInjection: true, fault503Rate: 1.5 })).toThrow(/fault503Rate \(1.5\) must be from 0 to 1/);
  });
});
