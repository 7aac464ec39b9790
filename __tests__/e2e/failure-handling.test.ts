/**
 * The failure handling (retries, breaker, parking, drain) with both built services as real processes,
 * configured only through the environment: processing failing every POST
 * (FAULT_503_RATE=1), ingestion retrying (RETRY_MODE=app, the default) then
 * parking in the shared embedded retry queue, processing draining it; EMF
 * metrics on stdout at shutdown; invalid settings stop the start.
 */
import { SAMPLE_EVENT } from '../apps/sample-event';
import { ensureBuilt, startService } from '../../scripts/launch/service-process';
import { tempQueueDir } from '../wiring/fixtures';

jest.setTimeout(60_000);

/** The EMF documents a process printed. */
function emfLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('failure handling across two processes', () => {
  beforeAll(() => ensureBuilt());

  test('x-503 with a shared RETRY_QUEUE_DIR: 13 attempts, 202 queued, drained by processing and applied once', async () => {
    const queue = tempQueueDir();
    const processing = await startService('processing', { RETRY_QUEUE_DIR: queue.dir, FAULT_INJECTION: 'enabled' });
    const ingestion = await startService('ingestion', {
      RETRY_QUEUE_DIR: queue.dir,
      DATA_PROCESSING_URL: `${processing.url}/ev`,
      FAULT_INJECTION: 'enabled',
    });
    try {
      const response = await fetch(`${ingestion.url}/ev`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-503': 'true' },
        body: JSON.stringify(SAMPLE_EVENT),
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ status: 'queued', idempotencyKey: 'EV-001@2024-02-15T10:30:00.000Z' });
      let events: number | undefined;
      for (const deadline = Date.now() + 15_000; events === undefined && Date.now() < deadline;) {
        const vehicle = await fetch(`${processing.url}/vehicles/EV-001`);
        if (vehicle.status === 200) events = ((await vehicle.json()) as { events: number }).events;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(events).toBe(1);
    } finally {
      expect(await ingestion.stop()).toBe(0);
      expect(await processing.stop()).toBe(0);
      queue.remove();
    }
    const processingRequests = processing
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"request"'));
    expect(processingRequests.filter((line) => line.includes('"statusCode":503'))).toHaveLength(13);
    expect(emfLines(ingestion.output())).toEqual([
      expect.objectContaining({ Service: 'data-ingestion', Requests: 1, Errors: 0, Parked: 1 }),
    ]);
    expect(emfLines(processing.output())).toEqual([
      expect.objectContaining({ Service: 'data-processing', Requests: 13, Errors: 13, Drained: 1 }),
    ]);
  });

  test.each([
    ['ingestion', { RETRY_MODE: 'envoy' }, /RETRY_MODE="envoy" is invalid: expected one of mesh, app, off/],
    ['processing', { FAULT_INJECTION: 'enabled', FAULT_503_RATE: '2' }, /FAULT_503_RATE="2" is invalid: expected a number from 0 to 1/],
    ['processing', { REDIS_URL: 'cache:6379' }, /REDIS_URL="cache:6379" is invalid/],
  ] as const)('%s with %p does not start: exit 1 and one line naming the variable', async (service, env, message) => {
    await expect(startService(service, env)).rejects.toThrow(message);
  });
});
