/**
 * Parking in ingestion, with real parts: a real embedded retry queue
 * directory, real loopback servers standing in for processing (counting the
 * calls that reach them), the real processing app for 4xx.
 */
import { rmSync } from 'node:fs';
import { buildApp as buildIngestion } from '../../apps/ingestion/app';
import { buildApp as buildProcessing } from '../../apps/processing/app';
import type { ServiceApp } from '../../apps/service-kit/service-app';
import { MemoryCircuitBreakerStore } from '../../apps/resilience/circuit-breaker/memory-circuit-breaker-store';
import { DEFAULT_CIRCUIT_BREAKER_SETTINGS } from '../../apps/resilience/circuit-breaker/circuit-breaker-store';
import { EmbeddedMetrics } from '../../apps/resilience/embedded-metrics';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { PipelineMetric } from '../../contract/metrics';
import { RetryMode } from '../../contract/services';
import { SAMPLE_EVENT, eventWith } from '../apps/sample-event';
import { postEvent, queueFiles, startCountingServer, tempQueueDir, type CountingServer } from './fixtures';

const FAST_BACKOFF = { baseIntervalMs: 1, maxIntervalMs: 2 };

async function openQueue(dir: string): Promise<EmbeddedRetryQueue> {
  return EmbeddedRetryQueue.open(dir, { maxReceiveCount: 8 });
}

async function receiveAll(queue: EmbeddedRetryQueue) {
  return queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
}

describe('ingestion parks what it cannot deliver', () => {
  let queueDir: ReturnType<typeof tempQueueDir>;
  let unavailable: CountingServer;
  let ingestion: ServiceApp | undefined;

  beforeEach(async () => {
    queueDir = tempQueueDir();
    unavailable = await startCountingServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"Service Unavailable","message":"down"}');
    });
  });
  afterEach(async () => {
    await ingestion?.close();
    ingestion = undefined;
    await unavailable.close();
    queueDir.remove();
  });

  test('retries exhausted on 503 → 202 {"status":"queued"} with the derived key; the event is in the queue directory without x-503', async () => {
    const queue = await openQueue(queueDir.dir);
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryBackoff: FAST_BACKOFF,
      retryQueue: queue,
    });
    const traceId = 'Root=1-67891233-abcdef012345678912345678';
    const response = await postEvent(ingestion, SAMPLE_EVENT, { 'x-503': 'true', 'x-amzn-trace-id': traceId });
    expect(response.statusCode).toBe(202);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ status: 'queued', idempotencyKey: 'EV-001@2024-02-15T10:30:00.000Z' });
    expect(unavailable.requests()).toBe(13);
    expect(queueFiles(queueDir.dir, 'messages')).toHaveLength(1);
    const [message] = await receiveAll(await openQueue(queueDir.dir));
    expect(message).toMatchObject({ idempotencyKey: 'EV-001@2024-02-15T10:30:00.000Z', attributes: { TraceId: traceId } });
    expect(JSON.parse(message.body)).toEqual(SAMPLE_EVENT);
    expect(JSON.stringify(message)).not.toMatch(/x-503/);
  });

  test('the Idempotency-Key header is the parked key', async () => {
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryMode: RetryMode.OFF,
      retryQueue: await openQueue(queueDir.dir),
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT, { 'idempotency-key': 'client-key-7' });
    expect(response.json()).toEqual({ status: 'queued', idempotencyKey: 'client-key-7' });
    const [message] = await receiveAll(await openQueue(queueDir.dir));
    expect(message.idempotencyKey).toBe('client-key-7');
  });

  test('processing unreachable → parked too (transport failure after retries)', async () => {
    await unavailable.close();
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryBackoff: FAST_BACKOFF,
      retryQueue: await openQueue(queueDir.dir),
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(202);
    expect(queueFiles(queueDir.dir, 'messages')).toHaveLength(1);
  });

  test('no retry queue configured → 503 JSON, nothing stored', async () => {
    ingestion = buildIngestion({ logLevel: 'silent', dataProcessingUrl: new URL(unavailable.url), retryMode: RetryMode.OFF });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'Service Unavailable' });
  });

  test('the queue fails to store the event → 503 JSON saying so', async () => {
    const queue = await openQueue(queueDir.dir);
    rmSync(queueDir.dir, { recursive: true, force: true });
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryMode: RetryMode.OFF,
      retryQueue: queue,
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: 'Service Unavailable',
      message: expect.stringMatching(
        /^event neither processed nor queued \(data-processing answered 503\); the retry queue is unavailable$/,
      ),
    });
  });

  test('circuit open → parked without calling processing', async () => {
    // GIVEN a breaker that opens after 2 failed calls, and processing answering 500 (not retried by the policy)
    const failing = await startCountingServer((_request, response) => response.writeHead(500).end());
    const circuitBreakerStore = new MemoryCircuitBreakerStore({
      ...DEFAULT_CIRCUIT_BREAKER_SETTINGS,
      minimumCalls: 2,
      openDurationMs: 60_000,
    });
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(failing.url),
      circuitBreakerStore,
      retryQueue: await openQueue(queueDir.dir),
    });
    for (const vehicle of ['EV-A', 'EV-B']) expect((await postEvent(ingestion, eventWith({ vehicle_id: vehicle }))).statusCode).toBe(202);
    expect(failing.requests()).toBe(2);
    expect(await circuitBreakerStore.state()).toBe('open');
    // WHEN
    const response = await postEvent(ingestion, eventWith({ vehicle_id: 'EV-C' }));
    // THEN
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'queued', idempotencyKey: 'EV-C@2024-02-15T10:30:00.000Z' });
    expect(failing.requests()).toBe(2);
    expect(queueFiles(queueDir.dir, 'messages')).toHaveLength(3);
    await failing.close();
  });

  test('circuit open and no queue → 503 naming the open circuit, processing not called', async () => {
    const circuitBreakerStore = new MemoryCircuitBreakerStore({
      ...DEFAULT_CIRCUIT_BREAKER_SETTINGS,
      minimumCalls: 1,
      openDurationMs: 60_000,
    });
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryMode: RetryMode.OFF,
      circuitBreakerStore,
    });
    expect((await postEvent(ingestion, SAMPLE_EVENT)).statusCode).toBe(503);
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toBe('data-processing unreachable (circuit-open)');
    expect(unavailable.requests()).toBe(1);
  });

  test('Requests, Errors and Parked are counted for POST /ev only, and flushed when the app closes', async () => {
    const lines: string[] = [];
    const metrics = new EmbeddedMetrics({
      service: 'data-ingestion',
      metrics: [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.PARKED],
      write: (line) => lines.push(line),
    });
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryMode: RetryMode.OFF,
      retryQueue: await openQueue(queueDir.dir),
      metrics,
    });
    await postEvent(ingestion, SAMPLE_EVENT); // parked: 202
    await postEvent(ingestion, eventWith({ speed: -1 })); // 400
    rmSync(queueDir.dir, { recursive: true, force: true });
    await postEvent(ingestion, eventWith({ vehicle_id: 'EV-2' })); // not parked: 503
    await ingestion.inject({ method: 'GET', url: '/health-check' });
    await ingestion.close();
    ingestion = undefined;
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ Service: 'data-ingestion', Requests: 3, Errors: 1, Parked: 1 });
  });
});

describe('4xx answers of processing', () => {
  test('are relayed as they are and never parked', async () => {
    const queueDir = tempQueueDir();
    const processing = buildProcessing({ logLevel: 'silent' });
    const address = await processing.listen({ port: 0, host: '127.0.0.1' });
    const ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(`${address}/ev`),
      retryQueue: await openQueue(queueDir.dir),
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT, { 'idempotency-key': 'k'.repeat(300) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'idempotency-key' });
    expect(queueFiles(queueDir.dir, 'messages')).toHaveLength(0);
    await ingestion.close();
    await processing.close();
    queueDir.remove();
  });
});
