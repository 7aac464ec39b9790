/**
 * Nothing accepted is lost when ingestion stops or when processing stalls:
 * with processing frozen (a loopback server that accepts and never answers),
 * SIGTERM makes the real ingestion process stop retrying at once and park
 * every in-flight event (202) — or answer 503 — instead of cutting the
 * connections when its grace period ends; and without a signal, ingestion
 * answers by its answer deadline (202, parked), before the front door's
 * idle timeout would drop the request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import { ensureBuilt, startService } from '../../scripts/launch/service-process';
import { eventWith } from '../apps/sample-event';
import { tempQueueDir } from '../wiring/fixtures';

jest.setTimeout(60_000);

/** A processing stand-in that accepts connections and requests and never answers. */
async function startFrozenProcessing(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer(() => {
    requests++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ev`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** POSTs an event; resolves with its status and body, or with the transport error's text when no answer came. */
async function post(url: string, vehicleId: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(`${url}/ev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(eventWith({ vehicle_id: vehicleId })),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String((error as Error).cause ?? error) };
  }
}

async function queuedKeys(dir: string): Promise<string[]> {
  const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 8 });
  const messages = await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
  return messages.map((message) => message.idempotencyKey).sort();
}

describe('ingestion with a frozen processing', () => {
  beforeAll(() => ensureBuilt());

  test('SIGTERM while 5 events are retrying: every client gets 202 (parked) or 503, the process exits 0, the 202s are in the queue', async () => {
    const frozen = await startFrozenProcessing();
    const queue = tempQueueDir();
    const ingestion = await startService('ingestion', { RETRY_QUEUE_DIR: queue.dir, DATA_PROCESSING_URL: frozen.url, LOG_LEVEL: 'warn' });
    try {
      const vehicles = ['EV-S1', 'EV-S2', 'EV-S3', 'EV-S4', 'EV-S5'];
      const answers = Promise.all(vehicles.map((vehicle) => post(ingestion.url, vehicle)));
      for (const deadline = Date.now() + 10_000; frozen.requests() < vehicles.length && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(frozen.requests()).toBeGreaterThanOrEqual(vehicles.length);

      ingestion.signal('SIGTERM');
      const settled = await answers;
      const exitCode = await ingestion.exited();

      expect(settled.map((answer) => answer.status).filter((status) => status !== 202 && status !== 503)).toEqual([]);
      const parked = settled.filter((answer) => answer.status === 202).map((answer) => JSON.parse(answer.body).idempotencyKey as string);
      expect(parked.length).toBeGreaterThan(0);
      expect(await queuedKeys(queue.dir)).toEqual(parked.sort());
      expect(exitCode).toBe(0);
    } finally {
      await ingestion.stop();
      await frozen.close();
      queue.remove();
    }
  });

  test('ANSWER_DEADLINE_MS: the retries stop at the deadline and the event is parked (202), well before the retry schedule (68 s) ends', async () => {
    const frozen = await startFrozenProcessing();
    const queue = tempQueueDir();
    const ingestion = await startService('ingestion', {
      RETRY_QUEUE_DIR: queue.dir,
      DATA_PROCESSING_URL: frozen.url,
      LOG_LEVEL: 'warn',
      ANSWER_DEADLINE_MS: '2000',
    });
    try {
      const answer = await post(ingestion.url, 'EV-D1');
      expect(answer.status).toBe(202);
      expect(JSON.parse(answer.body)).toEqual({ status: 'queued', idempotencyKey: 'EV-D1@2024-02-15T10:30:00.000Z' });
      expect(await queuedKeys(queue.dir)).toEqual(['EV-D1@2024-02-15T10:30:00.000Z']);
    } finally {
      await ingestion.stop();
      await frozen.close();
      queue.remove();
    }
  });
});
