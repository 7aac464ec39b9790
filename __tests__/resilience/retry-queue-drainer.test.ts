/**
 * The drainer on the embedded queue for real: deletes what its handler
 * accepts, backs failures off by receive count, and dead-letters them after
 * maxReceiveCount.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETRY_QUEUE_SETTINGS, type RetryQueueSettings } from '../../contract/retry-queue';
import { retryBackoffSeconds, RetryQueueDrainer } from '../../apps/resilience/retry-queue-drainer';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import type { ReceivedMessage } from '../../apps/resilience/retry-queue/retry-queue';

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
  dir = mkdtempSync(join(tmpdir(), 'drainer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const waitFor = async (condition: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('RetryQueueDrainer', () => {
  it('hands each message to the handler and deletes it on success', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: FAST.maxReceiveCount, pollIntervalMs: 20 });
    for (let i = 0; i < 25; i++) await queue.send({ idempotencyKey: `k-${i}`, body: `{"n":${i}}` });
    const handled: string[] = [];
    const drained: string[] = [];
    const drainer = new RetryQueueDrainer({
      queue,
      settings: FAST,
      handler: async (message) => void handled.push(message.idempotencyKey),
      onDrained: (message) => drained.push(message.idempotencyKey),
    });
    drainer.start();
    await waitFor(() => drained.length === 25);
    await drainer.stop();
    expect(handled.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `k-${i}`).sort());
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('redelivers a failing message with growing delays and dead-letters it after maxReceiveCount', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: FAST.maxReceiveCount, pollIntervalMs: 10 });
    await queue.send({ idempotencyKey: 'poison', body: '{}' });
    const receives: { count: number; at: number }[] = [];
    const drainer = new RetryQueueDrainer({
      queue,
      settings: FAST,
      random: () => 0.999,
      handler: async (message: ReceivedMessage) => {
        receives.push({ count: message.receiveCount, at: Date.now() });
        throw new Error('processing unavailable');
      },
    });
    drainer.start();
    await waitFor(async () => (await queue.depth()).deadLetters === 1);
    await drainer.stop();
    expect(receives.map((r) => r.count)).toEqual([1, 2, 3, 4]);
    const gaps = receives.slice(1).map((r, i) => r.at - receives[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(290);
    expect(gaps[2]).toBeLessThan(1_000);
  });

  it('stops promptly during a long poll', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 4 });
    const drainer = new RetryQueueDrainer({ queue, settings: { ...FAST, receiveWaitSeconds: 20 }, handler: async () => undefined });
    drainer.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await drainer.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('retryBackoffSeconds', () => {
  it('doubles from the base per receive, capped, with full jitter', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 8, 9].map((n) => Math.round(retryBackoffSeconds(n, RETRY_QUEUE_SETTINGS, top)))).toEqual([2, 4, 8, 16, 256, 300]);
    expect(retryBackoffSeconds(5, RETRY_QUEUE_SETTINGS, () => 0)).toBe(0);
    for (let i = 0; i < 200; i++) expect(retryBackoffSeconds(7, RETRY_QUEUE_SETTINGS)).toBeLessThan(128);
  });
});
