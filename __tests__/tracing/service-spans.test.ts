/**
 * The spans each built service emits, one service at a time, as a real
 * process exporting over OTLP/HTTP to a local receiver: processing's server
 * spans (route names, errors, the health check left out, the caller's W3C
 * context continued, X-Ray-valid trace ids), its spans per drained message,
 * and ingestion's client span with the context it forwards in both formats.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { RETRY_QUEUE_SETTINGS } from '../../contract/retry-queue';
import { TRACE_ID_ATTRIBUTE } from '../../contract/tracing';
import { OtlpReceiver } from '../../scripts/tracing/otlp-receiver';
import { SAMPLE_EVENT } from '../apps/sample-event';
import { SHUTDOWN_FLUSH_TIMEOUT_MS } from '../../apps/tracing/open-telemetry-tracing';
import { ensureBuilt, startService } from '../../scripts/launch/service-process';
import { eventually, queueFiles, tempQueueDir } from '../wiring/fixtures';
import { postSample, spansOf, startTracedService } from './traced-services';

jest.setTimeout(60_000);

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
/** An X-Ray header as Envoy sends it. */
const XRAY_ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const XRAY_TRACE_ID = '5759e988bd862e3fe1be46a994272793';
const XRAY_PARENT = '53995c3f42cd8ad8';

let receiver: OtlpReceiver;

beforeAll(async () => {
  ensureBuilt();
  receiver = await OtlpReceiver.start('spans');
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => receiver.clear());

describe('processing: a server span per request', () => {
  test('named after the route, in the caller W3C trace; 5xx an error, 4xx not; 404 named by method; no span for the health check', async () => {
    const processing = await startTracedService('processing', receiver);
    try {
      expect(await postSample(processing.url, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` })).toBe(200);
      expect(await postSample(processing.url, { 'x-503': 'true' })).toBe(503);
      expect(
        (await fetch(`${processing.url}/ev`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"speed":-1}' }))
          .status,
      ).toBe(400);
      expect((await fetch(`${processing.url}/nope?x=1`)).status).toBe(404);
      expect((await fetch(`${processing.url}/health-check`)).status).toBe(200);
    } finally {
      expect(await processing.stop()).toBe(0);
    }
    const spans = receiver.spans();
    expect(spans).toHaveLength(4);
    expect(spans.every((span) => span.service === 'data-processing' && span.kind === 'SERVER')).toBe(true);
    const [ok, fault, invalid, unknown] = [200, 503, 400, 404].map((status) =>
      spans.find((span) => span.attributes['http.response.status_code'] === status),
    );
    expect(ok).toMatchObject({
      name: 'POST /ev',
      traceId: TRACE_ID,
      parentSpanId: CALLER_SPAN_ID,
      statusCode: 0,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/ev',
        'url.path': '/ev',
        'url.scheme': 'http',
        'http.response.status_code': 200,
      },
    });
    expect(fault).toMatchObject({ name: 'POST /ev', statusCode: 2, attributes: expect.objectContaining({ 'error.type': '503' }) });
    expect(invalid).toMatchObject({ name: 'POST /ev', statusCode: 0 });
    expect(invalid?.attributes).not.toHaveProperty('error.type');
    expect(unknown).toMatchObject({ name: 'GET', statusCode: 0, attributes: expect.objectContaining({ 'url.path': '/nope' }) });
    expect(unknown?.attributes).not.toHaveProperty('http.route');
    // Requests without trace headers each start a trace, with an X-Ray-valid id: epoch seconds first.
    for (const span of [fault, invalid, unknown]) {
      expect(span?.parentSpanId).toBeUndefined();
      expect(Math.abs(parseInt(span?.traceId.slice(0, 8) ?? '', 16) - Date.now() / 1000)).toBeLessThan(600);
    }
  });

  test('a drained message gets a span of its own, linked to the context stored with it; one that fails is an error span', async () => {
    // GIVEN a queue holding an event parked with its X-Ray header, and a body that can never be applied
    const queue = tempQueueDir();
    const producer = await EmbeddedRetryQueue.open(queue.dir, { maxReceiveCount: RETRY_QUEUE_SETTINGS.maxReceiveCount });
    await producer.send({
      idempotencyKey: 'k-1',
      body: JSON.stringify(SAMPLE_EVENT),
      attributes: { [TRACE_ID_ATTRIBUTE]: `Root=${XRAY_ROOT};Parent=${XRAY_PARENT};Sampled=1` },
    });
    await producer.send({ idempotencyKey: 'k-2', body: 'not JSON' });
    // WHEN processing drains it (no back-off, so the bad one dead-letters quickly)
    const processing = await startTracedService('processing', receiver, {
      RETRY_QUEUE_DIR: queue.dir,
      RETRY_QUEUE_BACKOFF_BASE_SECONDS: '0',
      RETRY_QUEUE_BACKOFF_MAX_SECONDS: '0',
    });
    try {
      await eventually(() => queueFiles(queue.dir, 'messages').length === 0 && queueFiles(queue.dir, 'dead-letters').length === 1, 30_000);
    } finally {
      expect(await processing.stop()).toBe(0);
      queue.remove();
    }
    // THEN consumer spans only, each the root of a trace of its own
    const spans = receiver.spans();
    expect(spans.every((span) => span.kind === 'CONSUMER' && span.name === 'process retry-queue' && span.parentSpanId === undefined)).toBe(
      true,
    );
    const applied = spans.filter((span) => span.statusCode === 0);
    const failed = spans.filter((span) => span.statusCode === 2);
    // the parked event: applied once, linked to the stored context, in another trace
    expect(applied).toHaveLength(1);
    expect(applied[0].links).toEqual([{ traceId: XRAY_TRACE_ID, spanId: XRAY_PARENT }]);
    expect(applied[0].traceId).not.toBe(XRAY_TRACE_ID);
    expect(applied[0].attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'retry-queue',
      'retry_queue.receive_count': 1,
    });
    // the bad body: one error span per receive until it dead-letters, without a link (nothing was stored)
    expect(failed).toHaveLength(RETRY_QUEUE_SETTINGS.maxReceiveCount);
    expect(failed.map((span) => span.attributes['retry_queue.receive_count']).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: RETRY_QUEUE_SETTINGS.maxReceiveCount }, (_, index) => index + 1),
    );
    for (const span of failed)
      expect(span).toMatchObject({ links: [], attributes: expect.objectContaining({ 'error.type': 'UnappliableEventError' }) });
  });
});

describe('an unreachable collector', () => {
  test('requests are answered as usual; on SIGTERM the flush gives up after its bound, the process exits 0 and says so once', async () => {
    const processing = await startService('processing', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    expect(await postSample(processing.url)).toBe(200);
    // Without the bound the exporter would retry for its 10 s timeout and the failed flush would make the exit code 1.
    expect(await processing.stop()).toBe(0);
    const warnings = processing
      .output()
      .split('\n')
      .filter((line) => line.startsWith('OpenTelemetry '));
    expect(warnings).toEqual([
      `OpenTelemetry warn: spans not exported at shutdown: no answer from the collector within ${SHUTDOWN_FLUSH_TIMEOUT_MS} ms`,
    ]);
  });
});

describe('ingestion: a client span per attempt, its context forwarded in both formats', () => {
  let server: Server;
  let forwarded: IncomingHttpHeaders[];
  let processingUrl: string;

  beforeEach(async () => {
    // A stand-in for processing that records the headers it receives.
    forwarded = [];
    server = createServer((request, response) => {
      forwarded.push(request.headers);
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"processed","anomalies":[]}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    processingUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ev`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("Envoy's X-Ray header is continued; processing receives the client span in both formats; the request log shows the server span", async () => {
    const ingestion = await startTracedService('ingestion', receiver, { DATA_PROCESSING_URL: processingUrl });
    try {
      expect(await postSample(ingestion.url, { 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${XRAY_PARENT};Sampled=1` })).toBe(200);
    } finally {
      expect(await ingestion.stop()).toBe(0);
    }
    const spans = receiver.spans();
    expect(spans).toHaveLength(2);
    const [serverSpan] = spansOf(spans, 'data-ingestion', 'SERVER');
    const [clientSpan] = spansOf(spans, 'data-ingestion', 'CLIENT');
    expect(serverSpan).toMatchObject({ name: 'POST /ev', traceId: XRAY_TRACE_ID, parentSpanId: XRAY_PARENT, statusCode: 0 });
    const port = Number(new URL(processingUrl).port);
    expect(clientSpan).toMatchObject({
      name: 'POST',
      traceId: XRAY_TRACE_ID,
      parentSpanId: serverSpan.spanId,
      statusCode: 0,
      attributes: {
        'http.request.method': 'POST',
        'url.full': processingUrl,
        'server.address': '127.0.0.1',
        'server.port': port,
        'http.response.status_code': 200,
      },
    });
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]['x-amzn-trace-id']).toBe(`Root=${XRAY_ROOT};Parent=${clientSpan.spanId};Sampled=1`);
    expect(forwarded[0].traceparent).toBe(`00-${XRAY_TRACE_ID}-${clientSpan.spanId}-01`);
    const requestLine = ingestion
      .output()
      .split('\n')
      .find((line) => line.includes('"msg":"request"') && line.includes('"url":"/ev"'));
    expect(JSON.parse(requestLine ?? '{}').traceId).toBe(`Root=${XRAY_ROOT};Parent=${serverSpan.spanId};Sampled=1`);
  });

  test('a caller not sampled (Sampled=0): no span exported, and processing is told the trace is not sampled', async () => {
    const ingestion = await startTracedService('ingestion', receiver, { DATA_PROCESSING_URL: processingUrl });
    try {
      expect(await postSample(ingestion.url, { 'x-amzn-trace-id': `Root=${XRAY_ROOT};Parent=${XRAY_PARENT};Sampled=0` })).toBe(200);
    } finally {
      expect(await ingestion.stop()).toBe(0);
    }
    expect(receiver.spans()).toEqual([]);
    expect(forwarded[0]['x-amzn-trace-id']).toMatch(new RegExp(`^Root=${XRAY_ROOT};Parent=[0-9a-f]{16};Sampled=0$`));
    expect(forwarded[0].traceparent).toMatch(new RegExp(`^00-${XRAY_TRACE_ID}-[0-9a-f]{16}-00$`));
  });
});
