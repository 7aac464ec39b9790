/**
 * Error answers say what went wrong without revealing the inside (the
 * processing URL, addresses and host names of upstream errors), and every
 * error — the services' own and Fastify's (404, 405, 413, 415, bad JSON,
 * validation, malformed HTTP, oversized headers, timeouts) — has the one JSON
 * shape `{"error", "message", "field"?}`.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { buildApp as buildIngestion } from '../../../apps/ingestion/app';
import { buildApp as buildProcessing } from '../../../apps/processing/app';
import { DependencyUnavailableError } from '../../../apps/resilience/dependency-unavailable-error';
import type { IdempotentStore } from '../../../apps/resilience/idempotent-store';
import type { RetryQueue } from '../../../apps/resilience/retry-queue/retry-queue';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import type { EvResult, VehicleState } from '../../../apps/processing/vehicle-state';
import { RetryMode } from '../../../contract/services';
import { freeLoopbackPort } from '../../../scripts/launch/redis-server';
import { SAMPLE_EVENT } from '../sample-event';
import { postEvent } from '../../wiring/fixtures';

/** The body is the one error shape and names none of `secrets`. */
function expectErrorShape(body: string, secrets: readonly string[] = []): void {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  expect(Object.keys(parsed).every((key) => ['error', 'message', 'field'].includes(key))).toBe(true);
  expect(typeof parsed.error).toBe('string');
  expect(typeof parsed.message).toBe('string');
  for (const secret of secrets) expect(body).not.toContain(secret);
}

describe('ingestion does not reveal where processing is', () => {
  let ingestion: ServiceApp | undefined;
  afterEach(async () => {
    await ingestion?.close();
    ingestion = undefined;
  });

  test('processing host name unknown (DNS) → 503 without the host name', async () => {
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL('http://data-processing.internal.invalid:3001/ev'),
      retryMode: RetryMode.OFF,
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expectErrorShape(response.body, ['data-processing.internal.invalid', 'internal.invalid', '3001', 'ENOTFOUND', 'getaddrinfo']);
  });

  test('processing refusing connections → 503 without its address or port', async () => {
    const port = await freeLoopbackPort();
    ingestion = buildIngestion({ logLevel: 'silent', dataProcessingUrl: new URL(`http://127.0.0.1:${port}/ev`), retryMode: RetryMode.OFF });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expectErrorShape(response.body, ['127.0.0.1', String(port), 'ECONNREFUSED']);
  });

  test('processing not answering → 504 without its address', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      ingestion = buildIngestion({
        logLevel: 'silent',
        dataProcessingUrl: new URL(`http://127.0.0.1:${port}/ev`),
        retryMode: RetryMode.OFF,
        processingTimeoutMs: 200,
      });
      const response = await postEvent(ingestion, SAMPLE_EVENT);
      expect(response.statusCode).toBe(504);
      expectErrorShape(response.body, ['127.0.0.1', String(port)]);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('the retry queue failing with an address in its error → 503 without it', async () => {
    const port = await freeLoopbackPort();
    const failingQueue: RetryQueue = {
      send: async () => {
        throw new Error('connect ECONNREFUSED 10.0.3.7:443 (https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry)');
      },
      receive: async () => [],
      delete: async () => undefined,
      changeVisibility: async () => undefined,
      close: async () => undefined,
    } as unknown as RetryQueue;
    ingestion = buildIngestion({
      logLevel: 'silent',
      dataProcessingUrl: new URL(`http://127.0.0.1:${port}/ev`),
      retryMode: RetryMode.OFF,
      retryQueue: failingQueue,
    });
    const response = await postEvent(ingestion, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expectErrorShape(response.body, ['10.0.3.7', '123456789012', 'sqs.', String(port)]);
  });
});

describe('processing does not reveal where its store is', () => {
  test('the shared-state store unavailable with an address in its error → 503 with Retry-After, without it', async () => {
    const store: IdempotentStore<VehicleState, EvResult> = {
      applyOnce: async () => {
        throw new DependencyUnavailableError('shared-state store', 1, { cause: new Error('connect ECONNREFUSED 10.0.9.9:6379') });
      },
      get: async () => undefined,
      close: async () => undefined,
    };
    const processing = buildProcessing({ logLevel: 'silent', store });
    const response = await postEvent(processing, SAMPLE_EVENT);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expectErrorShape(response.body, ['10.0.9.9', '6379', 'ECONNREFUSED']);
    expect(response.json().message).toMatch(/shared-state store is unavailable/);
    await processing.close();
  });
});

describe.each<[string, () => ServiceApp]>([
  [
    'data-ingestion',
    () => buildIngestion({ logLevel: 'silent', dataProcessingUrl: new URL('http://127.0.0.1:9/ev'), bodyLimitBytes: 1024 }),
  ],
  ['data-processing', () => buildProcessing({ logLevel: 'silent', bodyLimitBytes: 1024 })],
])("%s answers Fastify's own errors in the one shape", (_name, build) => {
  let app: ServiceApp;
  let port: number;
  beforeAll(async () => {
    app = build();
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  /** Sends `raw` bytes and resolves with the status line's code and the body, once the server closes or answers. */
  function rawRequest(raw: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
        resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4) });
      });
      socket.write(raw);
    });
  }

  test.each<[string, RequestInit & { path?: string }, number]>([
    ['404 unknown path', { method: 'GET', path: '/nowhere' }, 404],
    ['405 wrong method', { method: 'PUT', path: '/health-check' }, 405],
    ['415 not JSON', { method: 'POST', headers: { 'content-type': 'text/html' }, body: '<p>' }, 415],
    [
      '413 body too large',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(2048) }) },
      413,
    ],
    ['400 malformed JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"vehicle_id":' }, 400],
    ['400 schema', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 400],
  ])('%s', async (_case, { path, ...init }, status) => {
    const response = await fetch(`http://127.0.0.1:${port}${path ?? '/ev'}`, init);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expectErrorShape(await response.text());
  });

  test('400 malformed HTTP (a bad request line)', async () => {
    const { status, body } = await rawRequest('BROKEN\r\n\r\n');
    expect(status).toBe(400);
    expectErrorShape(body);
  });

  test('431 headers too large', async () => {
    const { status, body } = await rawRequest(`GET /health-check HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(status).toBe(431);
    expectErrorShape(body);
  });
});
