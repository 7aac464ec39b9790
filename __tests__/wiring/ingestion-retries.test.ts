/**
 * RETRY_MODE wiring of ingestion over real HTTP: in app mode one x-503 call
 * reaches processing 1 + 12 times (the article's experiment), resets are
 * retried as Envoy does; in mesh and off modes the app calls once.
 */
import { buildApp as buildIngestion } from '../../apps/ingestion/app';
import { buildApp as buildProcessing } from '../../apps/processing/app';
import { FAULT_503_MESSAGE } from '../../apps/processing/ev-route';
import type { ServiceApp } from '../../apps/service-kit/service-app';
import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { RetryMode } from '../../contract/services';
import { SAMPLE_EVENT } from '../apps/sample-event';
import { LogLines, eventsOf, postEvent, startCountingServer } from './fixtures';

describe('ingestion → real processing on loopback', () => {
  let processing: ServiceApp;
  let processingLog: LogLines;
  let processingUrl: URL;
  let ingestion: ServiceApp | undefined;

  beforeEach(async () => {
    processingLog = new LogLines();
    processing = buildProcessing({ logStream: processingLog, faultInjection: true });
    processingUrl = new URL(`${await processing.listen({ port: 0, host: '127.0.0.1' })}/ev`);
  });
  afterEach(async () => {
    await ingestion?.close();
    ingestion = undefined;
    await processing.close();
  });

  test('RETRY_MODE=app (the default): one x-503 call reaches processing exactly 13 times, then its 503 is relayed', async () => {
    ingestion = buildIngestion({ logLevel: 'silent', dataProcessingUrl: processingUrl, faultInjection: true });
    const response = await postEvent(ingestion, SAMPLE_EVENT, { 'x-503': 'true' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'Service Unavailable', message: FAULT_503_MESSAGE });
    expect(processingLog.requests().map((line) => line.statusCode)).toEqual(Array(1 + PROCESSING_RETRY_POLICY.maxRetries).fill(503));
    expect(1 + PROCESSING_RETRY_POLICY.maxRetries).toBe(13);
  });

  test('RETRY_MODE=app: a normal call is made once', async () => {
    ingestion = buildIngestion({ logLevel: 'silent', dataProcessingUrl: processingUrl, retryMode: RetryMode.APP, faultInjection: true });
    expect((await postEvent(ingestion, SAMPLE_EVENT)).statusCode).toBe(200);
    expect(processingLog.requests()).toHaveLength(1);
    expect(await eventsOf(processing, 'EV-001')).toBe(1);
  });

  test.each([RetryMode.MESH, RetryMode.OFF])('RETRY_MODE=%s: one x-503 call reaches processing once', async (retryMode) => {
    ingestion = buildIngestion({ logLevel: 'silent', dataProcessingUrl: processingUrl, retryMode, faultInjection: true });
    expect((await postEvent(ingestion, SAMPLE_EVENT, { 'x-503': 'true' })).statusCode).toBe(503);
    expect(processingLog.requests()).toHaveLength(1);
  });
});

describe('app-mode retries on transport failures', () => {
  test('a connection reset on every call: 13 attempts, then 503 naming them', async () => {
    const resetting = await startCountingServer((request) => request.socket.destroy());
    const ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(resetting.url),
      retryBackoff: { baseIntervalMs: 1, maxIntervalMs: 2 },
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toMatch(/^data-processing unreachable \(reset\) after 13 attempts/);
    expect(resetting.requests()).toBe(13);
    await ingestion.close();
    await resetting.close();
  });

  test('the overall deadline stops retrying: RETRY_OVERALL_TIMEOUT_MS bounds the call', async () => {
    const unavailable = await startCountingServer((_request, response) => response.writeHead(503).end());
    const ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(unavailable.url),
      retryBackoff: { baseIntervalMs: 1_000, maxIntervalMs: 1_000 },
      retryOverallTimeoutMs: 250,
    });
    const startedAt = Date.now();
    expect((await postEvent(ingestion, SAMPLE_EVENT)).statusCode).toBe(503);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(unavailable.requests()).toBeGreaterThanOrEqual(1);
    expect(unavailable.requests()).toBeLessThan(13);
    await ingestion.close();
    await unavailable.close();
  });

  test('slow attempts until the overall deadline: 504 naming the deadline', async () => {
    const silent = await startCountingServer(() => undefined);
    const ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(silent.url),
      processingTimeoutMs: 100,
      retryBackoff: { baseIntervalMs: 1, maxIntervalMs: 2 },
      retryOverallTimeoutMs: 350,
    });
    try {
      const response = await postEvent(ingestion, SAMPLE_EVENT);
      expect(response.statusCode).toBe(504);
      expect(response.json().message).toMatch(/^data-processing unreachable \(deadline\)/);
    } finally {
      await ingestion.close();
      await silent.close();
    }
  });
});
