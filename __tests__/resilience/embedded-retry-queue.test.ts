/**
 * The embedded retry queue for real: files in a temporary directory, other
 * processes working on it, and kill -9 at random moments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedRetryQueue,
  ReceiptHandleInvalidError,
  parseMessageFileName,
  queueDirectories,
} from '../../apps/resilience/retry-queue/embedded-retry-queue';

const WORKER = join(__dirname, 'fixtures', 'queue-worker.ts');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'retry-queue-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the worker fixture; collects the keys of its complete stdout lines with `prefix`. */
function startWorker(args: string[], prefix: 'ACK' | 'DEL'): { child: ChildProcess; keys: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const keys: string[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith(`${prefix} `)) keys.push(line.slice(4));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, keys, exited };
}

/** Every message file in the queue and its DLQ, parsed whole (throws on a partial file). */
async function storedKeys(root: string): Promise<string[]> {
  const { messages, deadLetters } = queueDirectories(root);
  const keys: string[] = [];
  for (const directory of [messages, deadLetters]) {
    for (const name of await fs.readdir(directory)) {
      expect(parseMessageFileName(name)).toBeDefined();
      keys.push((JSON.parse(await fs.readFile(join(directory, name), 'utf8')) as { idempotencyKey: string }).idempotencyKey);
    }
  }
  return keys;
}

describe('EmbeddedRetryQueue', () => {
  it('delivers a sent message with its key, attributes and receive count, then deletes it', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 3 });
    await queue.send({ idempotencyKey: 'k1', body: '{"a":1}', attributes: { trace: 't-1' } });
    const [message] = await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
    expect(message).toMatchObject({ idempotencyKey: 'k1', body: '{"a":1}', attributes: { trace: 't-1' }, receiveCount: 1 });
    expect(await queue.receive({ maxMessages: 10, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 })).toEqual([]);
    await queue.delete(message.receiptHandle);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('hides a received message for its visibility timeout, then redelivers it with a higher receive count', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 5 });
    await queue.send({ idempotencyKey: 'k1', body: '{}' });
    await queue.receive({ maxMessages: 1, waitTimeSeconds: 0, visibilityTimeoutSeconds: 0.5 });
    expect(await queue.receive({ maxMessages: 1, waitTimeSeconds: 0, visibilityTimeoutSeconds: 0.5 })).toEqual([]);
    const started = Date.now();
    const [again] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 2, visibilityTimeoutSeconds: 30 });
    expect(again.receiveCount).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('changes the visibility of a received message, keeping its receipt handle', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 5 });
    await queue.send({ idempotencyKey: 'k1', body: '{}' });
    const [message] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
    await queue.changeVisibility(message.receiptHandle, 0);
    const [again] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
    expect(again).toMatchObject({ messageId: message.messageId, receiveCount: 2 });
    await expect(queue.changeVisibility(message.receiptHandle, 10)).rejects.toBeInstanceOf(ReceiptHandleInvalidError);
    await queue.delete(message.receiptHandle);
    expect((await queue.depth()).inFlight).toBe(1);
  });

  it('moves a message to the dead letters on the receive after maxReceiveCount', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 2 });
    await queue.send({ idempotencyKey: 'k1', body: '{}' });
    for (let receive = 1; receive <= 2; receive++) {
      const [message] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
      expect(message.receiveCount).toBe(receive);
      await queue.changeVisibility(message.receiptHandle, 0);
    }
    expect(await queue.receive({ maxMessages: 1, waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 })).toEqual([]);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLetters: 1 });
    expect(await storedKeys(dir)).toEqual(['k1']);
  });

  it('long-polls: a receive waiting on an empty queue returns soon after a send', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 5, pollIntervalMs: 5_000 });
    const started = Date.now();
    const receiving = queue.receive({ maxMessages: 10, waitTimeSeconds: 10, visibilityTimeoutSeconds: 30 });
    await sleep(100);
    await queue.send({ idempotencyKey: 'k1', body: '{}' });
    expect(await receiving).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ends a long poll early when its signal aborts', async () => {
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(await queue.receive({ maxMessages: 10, waitTimeSeconds: 10, visibilityTimeoutSeconds: 30, signal: controller.signal })).toEqual(
      [],
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('removes orphaned temporary files of killed writers when opened', async () => {
    const { tmp } = queueDirectories(dir);
    await fs.mkdir(tmp, { recursive: true });
    const orphan = join(tmp, 'half-written.tmp');
    await fs.writeFile(orphan, '{"idempot');
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(orphan, old, old);
    await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 5 });
    expect(await fs.readdir(tmp)).toEqual([]);
  });

  it('two consumer processes share the queue a producer process fills: each message delivered once', async () => {
    const producer = startWorker(['produce', dir, '0', '300'], 'ACK');
    const consumers = [0, 1].map((i) => startWorker(['consume', dir, join(dir, `log-${i}`), '1500'], 'DEL'));
    expect(await producer.exited).toBe(0);
    expect(await Promise.all(consumers.map((c) => c.exited))).toEqual([0, 0]);
    const delivered = consumers.flatMap((c) => c.keys);
    expect(producer.keys).toHaveLength(300);
    expect(delivered.sort()).toEqual([...producer.keys].sort());
    expect(consumers.every((c) => c.keys.length > 0)).toBe(true);
  }, 60_000);

  it('kill -9 of producer and consumer at random moments loses no acknowledged send and leaves no partial message', async () => {
    const acknowledged: string[] = [];
    const logs: string[] = [];
    for (let round = 0; round < 8; round++) {
      const producer = startWorker(['produce', dir, String(round * 100_000), '100000'], 'ACK');
      const log = join(dir, `consumer-${round}.log`);
      logs.push(log);
      const consumer = startWorker(['consume', dir, log, '600000'], 'DEL');
      const started = Date.now();
      while (producer.keys.length < 5 && Date.now() - started < 20_000) await sleep(10);
      await sleep(Math.random() * 300);
      producer.child.kill('SIGKILL');
      await sleep(Math.random() * 100);
      consumer.child.kill('SIGKILL');
      await Promise.all([producer.exited, consumer.exited]);
      acknowledged.push(...producer.keys);
    }
    // a consumer killed before it opened its log consumed nothing
    const consumed = new Set(logs.filter((log) => existsSync(log)).flatMap((log) => readFileSync(log, 'utf8').split('\n').slice(0, -1)));
    const stored = await storedKeys(dir);
    expect(new Set(stored).size).toBe(stored.length);
    const present = new Set([...stored, ...consumed]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(8 * 5);
    expect(acknowledged.filter((key) => !present.has(key))).toEqual([]);
    const queue = await EmbeddedRetryQueue.open(dir, { maxReceiveCount: 100 });
    let drained = 0;
    for (;;) {
      const batch = await queue.receive({ maxMessages: 10, waitTimeSeconds: 1.5, visibilityTimeoutSeconds: 30 });
      if (batch.length === 0) break;
      drained += batch.length;
      for (const message of batch) await queue.delete(message.receiptHandle);
    }
    expect(drained).toBe(stored.length);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  }, 120_000);
});
