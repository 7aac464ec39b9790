import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { buildApp as buildIngestion } from '../../../apps/ingestion/app';
import { buildApp as buildProcessing } from '../../../apps/processing/app';
import { FAULT_503_MESSAGE } from '../../../apps/processing/ev-route';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { RetryMode } from '../../../contract/services';
import { SAMPLE_EVENT } from '../sample-event';

/** Collects a service's JSON log lines. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
    done();
  }
}

const json = { 'content-type': 'application/json' };

describe('ingestion POST /ev with processing listening on loopback', () => {
  let processing: ServiceApp;
  let processingLog: LogLines;
  let ingestion: ServiceApp;
  let ingestionLog: LogLines;

  beforeEach(async () => {
    processingLog = new LogLines();
    processing = buildProcessing({ logStream: processingLog, faultInjection: true });
    const address = await processing.listen({ port: 0, host: '127.0.0.1' });
    ingestionLog = new LogLines();
    ingestion = buildIngestion({ dataProcessingUrl: new URL(`${address}/ev`), logStream: ingestionLog, faultInjection: true });
  });
  afterEach(async () => {
    await ingestion.close();
    await processing.close();
  });

  test("relays processing's 200 and body", async () => {
    const response = await ingestion.inject({ method: 'POST', url: '/ev', headers: json, payload: JSON.stringify(SAMPLE_EVENT) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ status: 'processed', anomalies: [] });
    expect((await processing.inject({ method: 'GET', url: '/vehicles/EV-001' })).json().events).toBe(1);
  });

  test("propagates x-503 and relays processing's 503 with its JSON body", async () => {
    const response = await ingestion.inject({
      method: 'POST',
      url: '/ev',
      headers: { ...json, 'x-503': 'true' },
      payload: JSON.stringify(SAMPLE_EVENT),
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'Service Unavailable', message: FAULT_503_MESSAGE });
  });

  test("propagates the idempotency key and relays the replay header and processing's 409", async () => {
    const headers = { ...json, 'idempotency-key': 'event-42' };
    await ingestion.inject({ method: 'POST', url: '/ev', headers, payload: JSON.stringify(SAMPLE_EVENT) });
    const replay = await ingestion.inject({ method: 'POST', url: '/ev', headers, payload: JSON.stringify(SAMPLE_EVENT) });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const later = { ...SAMPLE_EVENT, timestamp: '2024-02-15T11:00:00Z' };
    const reused = await ingestion.inject({ method: 'POST', url: '/ev', headers, payload: JSON.stringify(later) });
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ error: 'Conflict', field: 'idempotency-key' });
  });

  test('propagates the trace id; each service logs one line per request with it', async () => {
    const traceId = 'Root=1-67891233-abcdef012345678912345678';
    await ingestion.inject({
      method: 'POST',
      url: '/ev',
      headers: { ...json, 'x-amzn-trace-id': traceId },
      payload: JSON.stringify(SAMPLE_EVENT),
    });
    for (const log of [ingestionLog, processingLog]) {
      const requestLines = log.lines.filter((line) => line.msg === 'request');
      expect(requestLines).toHaveLength(1);
      expect(requestLines[0]).toMatchObject({ method: 'POST', url: '/ev', statusCode: 200, traceId, level: 30 });
      expect(typeof requestLines[0].reqId).toBe('string');
      expect(typeof requestLines[0].responseTimeMs).toBe('number');
    }
  });

  test("a caller cannot choose a request's id in the logs: x-request-id is ignored by both services", async () => {
    await ingestion.inject({ method: 'POST', url: '/ev', headers: json, payload: JSON.stringify(SAMPLE_EVENT) });
    const genuine = ingestionLog.lines.find((line) => line.msg === 'request')!.reqId as string;
    // the attack: a second request that claims the first one's id, in ingestion's log and in processing's
    const later = { ...SAMPLE_EVENT, timestamp: '2024-02-15T11:00:00Z' };
    await ingestion.inject({ method: 'POST', url: '/ev', headers: { ...json, 'x-request-id': genuine }, payload: JSON.stringify(later) });
    await processing.inject({ method: 'POST', url: '/ev', headers: { ...json, 'x-request-id': 'req-1' }, payload: JSON.stringify(later) });
    const ids = (log: LogLines) => log.lines.filter((line) => line.msg === 'request').map((line) => line.reqId);
    expect(ids(ingestionLog)).toHaveLength(2);
    expect(new Set(ids(ingestionLog)).size).toBe(2);
    expect(ids(processingLog)).toHaveLength(3);
    expect(new Set(ids(processingLog)).size).toBe(3);
  });

  test('a bad event is answered by ingestion and never reaches processing', async () => {
    const response = await ingestion.inject({
      method: 'POST',
      url: '/ev',
      headers: json,
      payload: JSON.stringify({ ...SAMPLE_EVENT, speed: -1 }),
    });
    expect(response.statusCode).toBe(400);
    expect(processingLog.lines.filter((line) => line.msg === 'request')).toHaveLength(0);
  });

  test('an idempotency key over 256 characters → 400 naming the header, never forwarded (nor parked)', async () => {
    const headers = { ...json, 'idempotency-key': 'k'.repeat(257) };
    const response = await ingestion.inject({ method: 'POST', url: '/ev', headers, payload: JSON.stringify(SAMPLE_EVENT) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'Bad Request', field: 'idempotency-key' });
    expect(processingLog.lines.filter((line) => line.msg === 'request')).toHaveLength(0);
    const longest = await ingestion.inject({
      method: 'POST',
      url: '/ev',
      headers: { ...json, 'idempotency-key': 'k'.repeat(256) },
      payload: JSON.stringify(SAMPLE_EVENT),
    });
    expect(longest.statusCode).toBe(200);
  });
});

/** One call (RETRY_MODE=off): how a missing answer maps to 503 / 504; app-mode retries are tested in __tests__/wiring. */
describe('ingestion POST /ev without an answer from processing', () => {
  test('processing unreachable (connection refused) → 503 JSON', async () => {
    // GIVEN a port that was just free
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const app = buildIngestion({ logLevel: 'silent', dataProcessingUrl: new URL(`http://127.0.0.1:${port}/ev`), retryMode: RetryMode.OFF });
    // WHEN
    const response = await app.inject({ method: 'POST', url: '/ev', headers: json, payload: JSON.stringify(SAMPLE_EVENT) });
    // THEN
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: 'Service Unavailable',
      message: expect.stringMatching(/data-processing unreachable \(connection-error\)/),
    });
    await app.close();
  });

  test('processing silent past the timeout → 504 JSON', async () => {
    // GIVEN a server that accepts and never answers
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const app = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(`http://127.0.0.1:${port}/ev`),
      processingTimeoutMs: 200,
      retryMode: RetryMode.OFF,
    });
    // WHEN
    const response = await app.inject({ method: 'POST', url: '/ev', headers: json, payload: JSON.stringify(SAMPLE_EVENT) });
    // THEN
    expect(response.statusCode).toBe(504);
    expect(response.json().message).toMatch(/\(timeout\)/);
    await app.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });
});
