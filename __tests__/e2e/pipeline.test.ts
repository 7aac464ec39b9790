/**
 * The two built services as real processes on loopback, real HTTP between
 * them: the article's normal and x-503 calls, processing stopped, and a
 * graceful shutdown of ingestion with requests in flight.
 */
import { Pool } from 'undici';
import { FAULT_503_MESSAGE } from '../../apps/processing/ev-route';
import { SAMPLE_EVENT, eventWith } from '../apps/sample-event';
import { ensureBuilt, startService, type ServiceProcess } from '../../scripts/launch/service-process';

jest.setTimeout(60_000);

const json = { 'content-type': 'application/json' };

async function postEvent(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/ev`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function eventsOf(processing: ServiceProcess, vehicleId: string): Promise<number | undefined> {
  const response = await fetch(`${processing.url}/vehicles/${vehicleId}`);
  return response.status === 200 ? ((await response.json()) as { events: number }).events : undefined;
}

describe('the pipeline as two processes', () => {
  let processing: ServiceProcess;
  let ingestion: ServiceProcess;

  beforeAll(() => ensureBuilt());

  beforeEach(async () => {
    processing = await startService('processing', { FAULT_INJECTION: 'enabled' });
    ingestion = await startService('ingestion', { DATA_PROCESSING_URL: `${processing.url}/ev`, FAULT_INJECTION: 'enabled' });
  });
  afterEach(async () => {
    await ingestion.stop();
    await processing.stop();
  });

  test('the article sample goes through: 200 processed, applied once at processing', async () => {
    const answer = await postEvent(ingestion.url, SAMPLE_EVENT);
    expect(answer).toEqual({ status: 200, body: { status: 'processed', anomalies: [] } });
    expect(await eventsOf(processing, 'EV-001')).toBe(1);
  });

  test('x-503 → 503 with the article message, nothing applied', async () => {
    const answer = await postEvent(ingestion.url, SAMPLE_EVENT, { 'x-503': 'true' });
    expect(answer).toEqual({ status: 503, body: { error: 'Service Unavailable', message: FAULT_503_MESSAGE } });
    expect(await eventsOf(processing, 'EV-001')).toBeUndefined();
  });

  test('processing stopped → 503 JSON from ingestion; processing exited 0', async () => {
    expect(await processing.stop()).toBe(0);
    const answer = await postEvent(ingestion.url, SAMPLE_EVENT);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'Service Unavailable', message: expect.stringMatching(/data-processing unreachable/) });
  });

  test('SIGTERM on ingestion with 64 requests in flight: all 64 answered at once (503 shutdown: no retry queue here), exit 0, then no new connections', async () => {
    // GIVEN 64 requests held in flight inside ingestion: processing is paused (SIGSTOP), so they wait on it
    const client = new Pool(ingestion.url, { connections: 64 });
    processing.signal('SIGSTOP');
    const inFlight = Array.from({ length: 64 }, (_, i) =>
      client
        .request({ method: 'POST', path: '/ev', headers: json, body: JSON.stringify(eventWith({ vehicle_id: `EV-SHUT-${i}` })) })
        .then(async (response) => ({ status: response.statusCode, body: await response.body.json() }))
        .catch((error: Error) => ({ status: 0, body: error.message })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // WHEN ingestion is told to stop, then processing resumes
    ingestion.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await fetch(`${ingestion.url}/health-check`).then(
      (response) => `answered ${response.status}`,
      (error: Error) => `failed: ${String((error.cause as { code?: string } | undefined)?.code ?? error.message)}`,
    );
    processing.signal('SIGCONT');
    const answers = await Promise.all(inFlight);
    // THEN every client has an answer: ingestion stopped waiting on processing when the signal came (with a retry queue: 202, parked)
    expect(answers.filter((answer) => answer.status !== 503)).toEqual([]);
    expect(answers[0].body).toEqual({ error: 'Service Unavailable', message: 'data-processing unreachable (shutdown)' });
    expect(await ingestion.exited()).toBe(0);
    expect(refused).toBe('failed: ECONNREFUSED');
    await client.close();
  });
});
