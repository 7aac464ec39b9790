/**
 * Task scale-in protection against a loopback HTTP server that stands in for
 * the ECS container agent's task-protection endpoint, and the drain of a real
 * embedded queue that turns it on and off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RetryQueueSettings } from '../../../contract/retry-queue';
import { buildConfiguredApp } from '../../../apps/processing/configured-app';
import { readProcessingSettings } from '../../../apps/processing/settings';
import { SAMPLE_EVENT } from '../sample-event';
import {
  AGENT_RETRY_PAUSE_MS,
  DEFAULT_PROTECTION_MINUTES,
  protectWhileHolding,
  TaskScaleInProtection,
} from '../../../apps/processing/task-scale-in-protection';
import { RetryQueueDrainer } from '../../../apps/resilience/retry-queue-drainer';
import { EmbeddedRetryQueue } from '../../../apps/resilience/retry-queue/embedded-retry-queue';

const TASK_ARN = 'arn:aws:ecs:ap-northeast-1:111122223333:task/fleet/0123456789abcdef0123456789abcdef';

interface AgentRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A stand-in for the agent: records each request and answers as the agent does, or as `answer` says. */
class FakeAgent {
  readonly requests: AgentRequest[] = [];
  protectionEnabled = false;
  answer: ((request: AgentRequest) => { status: number; body: string }) | undefined;
  private server: Server | undefined;
  uri = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const request = { method: req.method!, url: req.url!, contentType: req.headers['content-type'], body: JSON.parse(text || 'null') };
        this.requests.push(request);
        const answer = this.answer?.(request) ?? this.protect(request);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.uri = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/${'a'.repeat(32)}-1234`;
  }

  private protect(request: AgentRequest): { status: number; body: string } {
    const { ProtectionEnabled, ExpiresInMinutes } = request.body as { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
    this.protectionEnabled = ProtectionEnabled;
    const expiration = ProtectionEnabled ? { ExpirationDate: new Date(Date.now() + (ExpiresInMinutes ?? 120) * 60_000).toISOString() } : {};
    return { status: 200, body: JSON.stringify({ protection: { ...expiration, ProtectionEnabled, TaskArn: TASK_ARN } }) };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
  });
}

let agent: FakeAgent;
beforeEach(async () => {
  agent = new FakeAgent();
  await agent.start();
});
afterEach(() => agent.stop());

describe('TaskScaleInProtection', () => {
  test('turns protection on with a PUT of JSON to <ECS_AGENT_URI>/task-protection/v1/state, for the default 2 minutes', async () => {
    const state = await new TaskScaleInProtection({ agentUri: agent.uri }).set(true);
    expect(agent.requests).toEqual([
      {
        method: 'PUT',
        url: `${new URL(agent.uri).pathname}/task-protection/v1/state`,
        contentType: 'application/json',
        body: { ProtectionEnabled: true, ExpiresInMinutes: DEFAULT_PROTECTION_MINUTES },
      },
    ]);
    expect(state).toEqual({ protectionEnabled: true, expirationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  test('turns protection off with ProtectionEnabled false and no expiry', async () => {
    const state = await new TaskScaleInProtection({ agentUri: `${agent.uri}/`, expiresInMinutes: 10 }).set(false);
    // A trailing slash on the agent URI does not double the path's slash.
    expect(agent.requests.map((r) => [r.url, r.body])).toEqual([
      [`${new URL(agent.uri).pathname}/task-protection/v1/state`, { ProtectionEnabled: false }],
    ]);
    expect(state).toEqual({ protectionEnabled: false });
  });

  test("throws with the agent's failure when it refuses", async () => {
    agent.answer = () => ({ status: 400, body: JSON.stringify({ failure: { Arn: TASK_ARN, Reason: 'TASK_NOT_VALID', Detail: null } }) });
    await expect(new TaskScaleInProtection({ agentUri: agent.uri }).set(true)).rejects.toThrow(
      'task protection: the agent answered 400: {"Arn":"' + TASK_ARN + '","Reason":"TASK_NOT_VALID","Detail":null}',
    );
  });

  test('throws on an answer that is not JSON', async () => {
    agent.answer = () => ({ status: 502, body: '<html>bad gateway</html>' });
    await expect(new TaskScaleInProtection({ agentUri: agent.uri }).set(true)).rejects.toThrow(/answered 502 with a body that is not JSON/);
  });

  test.each([0, 2_881, 1.5])('rejects expiresInMinutes %p (1-2880)', (minutes) => {
    expect(() => new TaskScaleInProtection({ agentUri: agent.uri, expiresInMinutes: minutes })).toThrow(
      `expiresInMinutes must be an integer from 1 to 2880, got ${minutes}`,
    );
  });
});

describe('protectWhileHolding', () => {
  test('calls the agent only when the task starts or stops holding messages, and renews only after an empty receive', async () => {
    // GIVEN a queue whose receives bring messages, messages, messages, nothing, messages
    const message = { messageId: 'm', idempotencyKey: 'k', body: '{}', attributes: {}, receiptHandle: 'r', receiveCount: 1 };
    const script = [[message], [message], [message], [], [message]];
    const scripted = {
      send: async () => ({ messageId: 'm' }),
      receive: async () => script.shift() ?? [],
      delete: async () => undefined,
      changeVisibility: async () => undefined,
    };
    const queue = protectWhileHolding(scripted, new TaskScaleInProtection({ agentUri: agent.uri, expiresInMinutes: 1 }), (error) => {
      throw error;
    });
    // WHEN the drain receives five times
    for (let i = 0; i < 5; i++) await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
    // THEN protection went on, off, and on again
    expect(agent.requests.map((r) => (r.body as { ProtectionEnabled: boolean }).ProtectionEnabled)).toEqual([true, false, true]);
  });
});

describe('the processing app as ECS configures it (ECS_AGENT_URI set)', () => {
  test('its drain turns protection on for the parked events and off once drained; without ECS_AGENT_URI it makes no call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'configured-protection-'));
    try {
      // GIVEN a parked event and processing configured on that queue, with and without the agent's URI
      const env = { RETRY_QUEUE_DIR: dir, LOG_LEVEL: 'silent', METRICS_FLUSH_INTERVAL_MS: '0' };
      const producer = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 8 });
      await producer.send({ idempotencyKey: 'parked-1', body: JSON.stringify(SAMPLE_EVENT) });
      const unprotected = await buildConfiguredApp(readProcessingSettings(env), { ecsAgentUri: '' });
      await unprotected.ready();
      await unprotected.close();
      expect(agent.requests).toEqual([]);
      await producer.send({ idempotencyKey: 'parked-2', body: JSON.stringify(SAMPLE_EVENT) });
      const app = await buildConfiguredApp(readProcessingSettings(env), { ecsAgentUri: agent.uri });
      // WHEN it drains
      await app.ready();
      const deadline = Date.now() + 30_000;
      while (agent.requests.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await app.close();
      // THEN the agent saw protection on, then off
      expect(agent.requests.map((r) => r.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 2 }, { ProtectionEnabled: false }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('the drain of a protected queue', () => {
  const FAST: RetryQueueSettings = {
    maxReceiveCount: 4,
    visibilityTimeoutSeconds: 5,
    backoffBaseSeconds: 0.1,
    backoffMaxSeconds: 0.3,
    receiveWaitSeconds: 1,
    receiveBatchSize: 10,
  };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'protected-drain-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const waitFor = async (condition: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  test('is protected while it handles messages, and unprotected once a receive comes back empty: two calls for 25 messages', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: FAST.maxReceiveCount, pollIntervalMs: 20 });
    for (let i = 0; i < 25; i++) await queue.send({ idempotencyKey: `k-${i}`, body: `{"n":${i}}` });
    const errors: unknown[] = [];
    const protectedDuringHandling: boolean[] = [];
    const drainer = new RetryQueueDrainer({
      queue: protectWhileHolding(queue, new TaskScaleInProtection({ agentUri: agent.uri }), (error) => errors.push(error)),
      settings: FAST,
      handler: async () => {
        protectedDuringHandling.push(agent.protectionEnabled);
      },
    });
    drainer.start();
    await waitFor(() => protectedDuringHandling.length === 25 && agent.requests.length === 2);
    await drainer.stop();
    expect(protectedDuringHandling.every(Boolean)).toBe(true);
    expect(agent.requests.map((r) => r.body)).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 2 }, { ProtectionEnabled: false }]);
    expect(agent.protectionEnabled).toBe(false);
    expect(errors).toEqual([]);
  });

  test('keeps draining when the agent is unreachable, reports it once, and calls again only after the pause', async () => {
    await agent.stop();
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: FAST.maxReceiveCount, pollIntervalMs: 20 });
    for (let i = 0; i < 5; i++) await queue.send({ idempotencyKey: `k-${i}`, body: `{"n":${i}}` });
    const errors: unknown[] = [];
    const handled: string[] = [];
    let clock = 1_000_000;
    const protectedQueue = protectWhileHolding(
      queue,
      new TaskScaleInProtection({ agentUri: agent.uri }),
      (error) => errors.push(error),
      () => clock,
    );
    const drainer = new RetryQueueDrainer({
      queue: protectedQueue,
      settings: FAST,
      handler: async (m) => void handled.push(m.idempotencyKey),
    });
    drainer.start();
    await waitFor(() => handled.length === 5);
    for (let i = 0; i < 5; i++) await queue.send({ idempotencyKey: `later-${i}`, body: `{"n":${i}}` });
    await waitFor(() => handled.length === 10);
    expect(errors).toHaveLength(1);
    clock += AGENT_RETRY_PAUSE_MS;
    await queue.send({ idempotencyKey: 'after-pause', body: '{}' });
    await waitFor(() => handled.length === 11);
    await drainer.stop();
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toMatch(/fetch failed|ECONNREFUSED/);
  });
});
