/**
 * The SQS path for real: both built services as processes whose AWS SDK talks
 * to `local-aws-sqs` through the SDK's standard endpoint setting
 * (`AWS_ENDPOINT_URL_SQS`), with the retry queue and its dead-letter queue
 * (redrive policy, `maxReceiveCount` from the contract): events parked by
 * ingestion are drained by processing and applied once; a message that can
 * never be applied ends in the dead-letter queue; `npm run redrive -- start |
 * list | cancel` moves dead letters back; an unreachable queue is a 503 at
 * ingestion and does not stop processing. The request shapes the emulator
 * does not check stay in `__tests__/resilience/sqs-retry-queue.test.ts`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RETRY_QUEUE_SETTINGS } from '../../contract/retry-queue';
import { SqsRetryQueue } from '../../apps/resilience/retry-queue/sqs-retry-queue';
import { SAMPLE_EVENT } from '../apps/sample-event';
import { startLocalSqs, type LocalSqs } from '../../scripts/launch/local-aws-sqs';
import { ensureBuilt, startService, type ServiceProcess } from '../../scripts/launch/service-process';
import { freeLoopbackPort } from '../../scripts/launch/redis-server';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..', '..');

/** Fast drain settings; the receive wait stays below the visibility timeout (see the helper on local-aws-sqs). */
const FAST_DRAIN = {
  RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS: '2',
  RETRY_QUEUE_BACKOFF_BASE_SECONDS: '0.1',
  RETRY_QUEUE_BACKOFF_MAX_SECONDS: '0.2',
  RETRY_QUEUE_RECEIVE_WAIT_SECONDS: '1',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  let value = await probe();
  for (const deadline = Date.now() + timeoutMs; !done(value); value = await probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(100);
  }
  return value;
}

async function eventsAt(processing: ServiceProcess, vehicleId: string): Promise<number> {
  const response = await fetch(`${processing.url}/vehicles/${vehicleId}`);
  return response.status === 200 ? ((await response.json()) as { events: number }).events : 0;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/ev`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** `npm run redrive -- <args>` with `env`; resolves with the exit code and output. */
function redrive(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The SDK warns on Node < 22 (this test machine), which would add lines to the CLI's stderr.
    const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const child = spawn('npm', ['run', '--silent', 'redrive', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...quiet, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the retry queue on SQS (local-aws-sqs)', () => {
  let sqs: LocalSqs;
  const running: ServiceProcess[] = [];

  beforeAll(() => ensureBuilt());
  beforeEach(async () => {
    sqs = await startLocalSqs();
  });
  afterEach(async () => {
    for (const service of running.splice(0)) await service.stop();
    await sqs.stop();
  });

  test('park → drain → apply once: x-503 parks the event (202), processing drains it, a second park of it is a replay', async () => {
    const processing = await startService('processing', { ...sqs.env(), ...FAST_DRAIN, FAULT_INJECTION: 'enabled' });
    const ingestion = await startService('ingestion', {
      ...sqs.env(),
      DATA_PROCESSING_URL: `${processing.url}/ev`,
      RETRY_BACKOFF_BASE_MS: '1',
      RETRY_BACKOFF_MAX_MS: '2',
      FAULT_INJECTION: 'enabled',
    });
    running.push(ingestion, processing);
    const event = { ...SAMPLE_EVENT, vehicle_id: 'EV-SQS-1' };
    for (const round of [1, 2]) {
      const response = await post(ingestion.url, event, { 'x-503': 'true' });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ status: 'queued', idempotencyKey: 'EV-SQS-1@2024-02-15T10:30:00.000Z' });
      await until(
        `round ${round}: retry queue drained`,
        () => sqs.depth(),
        (depth) => depth.visible + depth.inFlight === 0,
      );
      expect(
        await until(
          'vehicle applied',
          () => eventsAt(processing, 'EV-SQS-1'),
          (events) => events > 0,
        ),
      ).toBe(1);
    }
    expect(await sqs.depth('dead-letter')).toEqual({ visible: 0, inFlight: 0 });
  });

  test('a message that can never be applied moves to the dead-letter queue once its receive count reaches maxReceiveCount', async () => {
    const processing = await startService('processing', { ...sqs.env(), ...FAST_DRAIN });
    running.push(processing);
    await new SqsRetryQueue(sqs.client(), sqs.queueUrl).send({
      idempotencyKey: 'POISON-1',
      body: '{"vehicle_id": "EV-POISON", "not": "an event"',
    });
    await until(
      'poison message dead-lettered',
      () => sqs.depth('dead-letter'),
      (depth) => depth.visible === 1,
    );
    expect(await sqs.depth()).toEqual({ visible: 0, inFlight: 0 });
    const failures = processing
      .output()
      .split('\n')
      .filter((line) => line.includes('queued event cannot be applied'))
      .map((line) => JSON.parse(line) as { idempotencyKey: string; receiveCount: number });
    // The emulator also counts each ChangeMessageVisibility (the drain's back-off) as a receive: fewer drain attempts than on SQS.
    expect(failures.length).toBeGreaterThanOrEqual(RETRY_QUEUE_SETTINGS.maxReceiveCount / 2);
    expect(failures.length).toBeLessThanOrEqual(RETRY_QUEUE_SETTINGS.maxReceiveCount);
    expect(
      failures.every((failure) => failure.idempotencyKey === 'POISON-1' && failure.receiveCount <= RETRY_QUEUE_SETTINGS.maxReceiveCount),
    ).toBe(true);
  });

  test('the redrive policy alone: received maxReceiveCount times (visibility expiring), then dead-lettered', async () => {
    const small = await startLocalSqs({ maxReceiveCount: 3, queueName: 'small' });
    try {
      const queue = new SqsRetryQueue(small.client(), small.queueUrl);
      await queue.send({ idempotencyKey: 'K', body: '{}' });
      const counts: number[] = [];
      for (let i = 0; i < 6 && (await small.depth('dead-letter')).visible === 0; i++) {
        const [message] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 2, visibilityTimeoutSeconds: 1 });
        if (message !== undefined) counts.push(message.receiveCount);
      }
      await until(
        'dead-lettered',
        () => small.depth('dead-letter'),
        (depth) => depth.visible === 1,
      );
      expect(counts).toEqual([1, 2, 3]);
    } finally {
      await small.stop();
    }
  });

  test('npm run redrive -- list | start | cancel moves dead letters back to the retry queue they came from', async () => {
    // Dead letters as SQS makes them: received maxReceiveCount (here 1) times without being deleted.
    const source = await startLocalSqs({ maxReceiveCount: 1, queueName: 'redrive' });
    const env = source.env();
    const queue = new SqsRetryQueue(source.client(), source.queueUrl);
    const deadLetter = async (keys: string[]) => {
      for (const key of keys) await queue.send({ idempotencyKey: key, body: '{}' });
      const before = (await source.depth('dead-letter')).visible;
      for (let received = 0; received < keys.length;)
        received += (await queue.receive({ maxMessages: 10, waitTimeSeconds: 1, visibilityTimeoutSeconds: 1 })).length;
      await until(
        'dead-lettered',
        () => source.depth('dead-letter'),
        (depth) => depth.visible === before + keys.length,
      );
    };
    try {
      expect(await redrive(['list'], env)).toEqual({ code: 0, stdout: 'no move tasks\n', stderr: '' });
      await deadLetter(['DEAD-0', 'DEAD-1', 'DEAD-2']);

      const started = await redrive(['start', '--rate', '10'], env);
      expect(started).toMatchObject({ code: 0, stderr: '' });
      expect(started.stdout).toMatch(/^move task RUNNING 0\/3 moved at <=10\/s started \S+ handle \S+\n$/);
      await until(
        'moved back',
        () => source.depth(),
        (depth) => depth.visible === 3,
      );
      expect(await source.depth('dead-letter')).toEqual({ visible: 0, inFlight: 0 });
      expect((await redrive(['list'], env)).stdout).toMatch(/^COMPLETED 3\/3 moved at <=10\/s started /);

      for (let drained = 0; drained < 3;) {
        for (const message of await queue.receive({ maxMessages: 10, waitTimeSeconds: 1, visibilityTimeoutSeconds: 5 })) {
          await queue.delete(message.receiptHandle);
          drained += 1;
        }
      }
      await deadLetter(['AGAIN-0', 'AGAIN-1', 'AGAIN-2', 'AGAIN-3', 'AGAIN-4']);
      const slow = await redrive(['start', '--rate', '1'], env);
      const handle = /handle (\S+)/.exec(slow.stdout)?.[1];
      expect(handle).toBeDefined();
      const cancelled = await redrive(['cancel', handle!], env);
      expect(cancelled).toMatchObject({ code: 0, stderr: '' });
      expect(cancelled.stdout).toMatch(/^cancelled move task \S+ after [0-4] message\(s\) moved\n$/);
      expect((await redrive(['list'], env)).stdout).toMatch(/^CANCELL(ING|ED) [0-4]\/5 moved at <=1\/s/);
      expect((await source.depth('dead-letter')).visible).toBeGreaterThan(0);
    } finally {
      await source.stop();
    }
  });

  test('redrive against a queue that does not exist: one line, exit 1', async () => {
    const result = await redrive(['list'], { ...sqs.env(), DLQ_URL: `${sqs.endpoint}/000000000000/no-such-queue` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^redrive: queue not found: .*no-such-queue/);
  });
});

describe('the SQS retry queue unreachable', () => {
  test('ingestion cannot deliver nor park: 503 JSON; processing still serves POST /ev and stays ready', async () => {
    const closed = await freeLoopbackPort();
    const queueDown = {
      AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${closed}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      RETRY_QUEUE_URL: `http://127.0.0.1:${closed}/000000000000/ev-retry`,
    };
    const processing = await startService('processing', { ...queueDown, ...FAST_DRAIN });
    const ingestion = await startService('ingestion', {
      ...queueDown,
      DATA_PROCESSING_URL: `http://127.0.0.1:${await freeLoopbackPort()}/ev`,
      RETRY_MODE: 'off',
    });
    try {
      const parked = await post(ingestion.url, SAMPLE_EVENT);
      expect(parked.status).toBe(503);
      expect(await parked.json()).toMatchObject({ error: 'Service Unavailable' });
      const direct = await post(processing.url, { ...SAMPLE_EVENT, vehicle_id: 'EV-QUEUE-DOWN' });
      expect(direct.status).toBe(200);
      expect((await fetch(`${processing.url}/ready`)).status).toBe(200);
      await until(
        'drain failure logged',
        async () => processing.output(),
        (output) => output.includes('retry queue drain failed'),
      );
    } finally {
      await ingestion.stop();
      await processing.stop();
    }
  });
});
