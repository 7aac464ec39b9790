/**
 * One trace across both built services, as real processes on loopback with a
 * local OTLP/HTTP receiver in place of the collector sidecar: a `POST /ev`
 * gives ingestion's server span, its client span and processing's server
 * span in one trace; with `x-503` and app-mode retries every attempt is a
 * client span of its own with processing's server span under it, and the
 * parked event's drain is linked back to the request. The batch delay is a
 * minute, so every span here reaches the receiver through the flush on
 * shutdown (SIGTERM).
 */
import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { OtlpReceiver, type ReceivedSpan } from '../../scripts/tracing/otlp-receiver';
import { ensureBuilt, type ServiceProcess } from '../../scripts/launch/service-process';
import { eventually, queueFiles, tempQueueDir } from '../wiring/fixtures';
import { postSample, spansOf, startTracedService } from './traced-services';

jest.setTimeout(60_000);

/** Attempts at processing for one `x-503` call: the first and the policy's retries (13). */
const ATTEMPTS = 1 + PROCESSING_RETRY_POLICY.maxRetries;

/** Only the flush on shutdown exports (the scheduled export would come after a minute). */
const FLUSH_ON_SHUTDOWN_ONLY = { OTEL_BSP_SCHEDULE_DELAY: '60000' };

let receiver: OtlpReceiver;

beforeAll(async () => {
  ensureBuilt();
  receiver = await OtlpReceiver.start('spans');
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(() => receiver.clear());

/** Processing, then ingestion forwarding to it, both traced, with `env`. */
async function startPair(env: Record<string, string> = {}): Promise<{ ingestion: ServiceProcess; processing: ServiceProcess }> {
  const processing = await startTracedService('processing', receiver, { ...FLUSH_ON_SHUTDOWN_ONLY, ...env });
  try {
    const ingestion = await startTracedService('ingestion', receiver, {
      ...FLUSH_ON_SHUTDOWN_ONLY,
      ...env,
      DATA_PROCESSING_URL: `${processing.url}/ev`,
    });
    return { ingestion, processing };
  } catch (error) {
    await processing.stop();
    throw error;
  }
}

/** Stops both; each must exit 0 (its spans flushed). */
async function stopPair({ ingestion, processing }: { ingestion: ServiceProcess; processing: ServiceProcess }): Promise<void> {
  expect(await ingestion.stop()).toBe(0);
  expect(await processing.stop()).toBe(0);
}

describe('one POST /ev, one trace across both services', () => {
  test('ingestion server span → its client span → processing server span', async () => {
    const pair = await startPair();
    try {
      expect(await postSample(pair.ingestion.url)).toBe(200);
    } finally {
      await stopPair(pair);
    }
    const spans = receiver.spans();
    expect(spans).toHaveLength(3);
    const [ingestionServer] = spansOf(spans, 'data-ingestion', 'SERVER');
    const [ingestionClient] = spansOf(spans, 'data-ingestion', 'CLIENT');
    const [processingServer] = spansOf(spans, 'data-processing', 'SERVER');
    expect(ingestionServer).toMatchObject({
      name: 'POST /ev',
      parentSpanId: undefined,
      attributes: expect.objectContaining({ 'http.response.status_code': 200 }),
    });
    expect(ingestionClient).toMatchObject({ name: 'POST', traceId: ingestionServer.traceId, parentSpanId: ingestionServer.spanId });
    expect(processingServer).toMatchObject({
      name: 'POST /ev',
      traceId: ingestionServer.traceId,
      parentSpanId: ingestionClient.spanId,
      statusCode: 0,
    });
  });

  test(`x-503 with RETRY_MODE=app: ${ATTEMPTS} attempts are ${ATTEMPTS} client spans, each with processing's server span under it; the drain of the parked event links back`, async () => {
    const queue = tempQueueDir();
    const pair = await startPair({ RETRY_MODE: 'app', RETRY_QUEUE_DIR: queue.dir });
    try {
      expect(await postSample(pair.ingestion.url, { 'x-503': 'true' })).toBe(202);
      // the parked event is drained by processing before the services stop
      await eventually(() => queueFiles(queue.dir, 'messages').length === 0, 15_000);
    } finally {
      await stopPair(pair);
      queue.remove();
    }
    const spans = receiver.spans();
    const [ingestionServer, ...otherServers] = spansOf(spans, 'data-ingestion', 'SERVER');
    expect(otherServers).toEqual([]);
    expect(ingestionServer).toMatchObject({ name: 'POST /ev', attributes: expect.objectContaining({ 'http.response.status_code': 202 }) });
    const trace = spans.filter((span) => span.traceId === ingestionServer.traceId);

    // ingestion: one client span per attempt, all under its server span, each answered 503, resend counts 1..12
    const clients = spansOf(trace, 'data-ingestion', 'CLIENT');
    expect(clients).toHaveLength(ATTEMPTS);
    for (const client of clients) {
      expect(client).toMatchObject({
        parentSpanId: ingestionServer.spanId,
        statusCode: 2,
        attributes: expect.objectContaining({ 'http.response.status_code': 503 }),
      });
    }
    const resendCounts = clients.map((client) => client.attributes['http.request.resend_count'] ?? 0).sort((a, b) => Number(a) - Number(b));
    expect(resendCounts).toEqual(Array.from({ length: ATTEMPTS }, (_, index) => index));

    // processing: one server span per attempt, each under a different client span
    const servers = spansOf(trace, 'data-processing', 'SERVER');
    expect(servers).toHaveLength(ATTEMPTS);
    expect(new Set(servers.map((server) => server.parentSpanId))).toEqual(new Set(clients.map((client) => client.spanId)));
    for (const server of servers) expect(server).toMatchObject({ name: 'POST /ev', statusCode: 2 });

    // nothing else in the request's trace; the drain is a trace of its own, linked to ingestion's server span
    expect(trace).toHaveLength(1 + 2 * ATTEMPTS);
    const drains: ReceivedSpan[] = spansOf(spans, 'data-processing', 'CONSUMER');
    expect(drains).toHaveLength(1);
    expect(drains[0]).toMatchObject({
      name: 'process retry-queue',
      statusCode: 0,
      links: [{ traceId: ingestionServer.traceId, spanId: ingestionServer.spanId }],
    });
    expect(drains[0].traceId).not.toBe(ingestionServer.traceId);
    expect(spans).toHaveLength(1 + 2 * ATTEMPTS + 1);
  });
});
