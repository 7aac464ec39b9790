/**
 * A durable retry queue in a local directory (`RETRY_QUEUE_DIR`), shared by
 * the ingestion and processing processes, with SQS semantics. Maildir-like,
 * no native dependencies:
 *
 * - `tmp/` — messages being written (never read).
 * - `messages/<visibleAt>-<receiveCount>-<messageId>.json` — the queue. A
 *   message is visible when `visibleAt` (ms, zero-padded) has passed. Sending
 *   writes to `tmp/`, fsyncs and renames in; receiving renames the file to a
 *   later `visibleAt` and a higher receive count. A rename is atomic, so of two
 *   processes receiving the same file exactly one wins; deleting is an unlink.
 * - `dead-letters/` — messages received `maxReceiveCount` times, moved there
 *   (by rename) on their next receive, as SQS does.
 *
 * A `kill -9` at any moment leaves every message whole in exactly one place:
 * at worst a message received by the killed process becomes visible again
 * when its visibility timeout ends (at-least-once, like SQS; processing is
 * idempotent). Receipt handles are `<receiveCount>-<messageId>`: stable across
 * `changeVisibility`, and stale once another consumer received the message.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { BoundedExpiringMap } from '../bounded-expiring-map';
import { renameIfPresent, syncDirectory, writeFileDurably } from '../durable-file';
import type { ReceiveRequest, ReceivedMessage, RetryQueue, SendRequest } from './retry-queue';

/** Thrown by `changeVisibility` for a receipt handle whose message is no longer held by that receive. */
export class ReceiptHandleInvalidError extends Error {
  constructor(receiptHandle: string) {
    super(`receipt handle ${receiptHandle} is not in flight (deleted, or received again by another consumer)`);
    this.name = 'ReceiptHandleInvalidError';
  }
}

/** Options of {@link EmbeddedRetryQueue}. */
export interface EmbeddedRetryQueueOptions {
  /** Receives after which a message moves to `dead-letters/` (SQS `maxReceiveCount`). */
  readonly maxReceiveCount: number;
  /** Fallback poll interval of a long poll when no file event arrives, in ms. @default 250 */
  readonly pollIntervalMs?: number;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
}

/** The stored content of a message (its state lives in the file name). */
interface StoredMessage {
  readonly messageId: string;
  readonly idempotencyKey: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly sentAt: number;
}

/** A message file name, parsed. */
export interface MessageFileName {
  /** When the message becomes visible, ms since the epoch. */
  readonly visibleAt: number;
  /** Receives so far. */
  readonly receiveCount: number;
  readonly messageId: string;
}

const FILE_NAME = /^(\d{15})-(\d+)-([0-9a-f-]{36})\.json$/;

/** `<visibleAt>-<receiveCount>-<messageId>.json`, with `visibleAt` zero-padded so names sort by time. */
export function messageFileName(name: MessageFileName): string {
  return `${String(Math.max(0, Math.floor(name.visibleAt))).padStart(15, '0')}-${name.receiveCount}-${name.messageId}.json`;
}

/** Parses a message file name; undefined for anything else. */
export function parseMessageFileName(fileName: string): MessageFileName | undefined {
  const match = FILE_NAME.exec(fileName);
  return match === null ? undefined : { visibleAt: Number(match[1]), receiveCount: Number(match[2]), messageId: match[3] };
}

/** Sub-directories of a queue directory. */
export function queueDirectories(root: string): {
  readonly tmp: string;
  readonly messages: string;
  readonly deadLetters: string;
  readonly tasks: string;
} {
  return {
    tmp: join(root, 'tmp'),
    messages: join(root, 'messages'),
    deadLetters: join(root, 'dead-letters'),
    tasks: join(root, 'move-tasks'),
  };
}

/**
 * Bound of the receipt-handle cache, oldest forgotten first; forgetting only
 * costs a directory scan. Handles leave it when their message is deleted, so
 * only messages received and never deleted (a crashed handler) pile up.
 */
const MAX_REMEMBERED_CLAIMS = 10_000;

/** A claim older than SQS's longest visibility timeout (12 h) is stale: another receive may have taken the message. */
const CLAIM_TTL_MS = 43_200_000;

/** Temporary files older than this are leftovers of a killed writer. */
const ORPHAN_AGE_MS = 60_000;

/** The embedded queue; see the file comment for the layout. */
export class EmbeddedRetryQueue implements RetryQueue {
  private readonly dirs: ReturnType<typeof queueDirectories>;
  private readonly now: () => number;
  private readonly pollIntervalMs: number;
  /** File names of the messages this instance received, by receipt handle (saves a directory scan per delete). */
  private readonly claimedFiles: BoundedExpiringMap<string, string>;

  private constructor(
    /** The queue directory. */
    readonly root: string,
    private readonly options: EmbeddedRetryQueueOptions,
  ) {
    this.dirs = queueDirectories(root);
    this.now = options.now ?? Date.now;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.claimedFiles = new BoundedExpiringMap({ maxEntries: MAX_REMEMBERED_CLAIMS, ttlMs: CLAIM_TTL_MS, now: this.now });
  }

  /** Opens (creating if needed) the queue in `root` and removes temporary files orphaned by killed writers. */
  static async open(root: string, options: EmbeddedRetryQueueOptions): Promise<EmbeddedRetryQueue> {
    const queue = new EmbeddedRetryQueue(root, options);
    for (const dir of Object.values(queue.dirs)) await fs.mkdir(dir, { recursive: true });
    for (const name of await fs.readdir(queue.dirs.tmp)) {
      const path = join(queue.dirs.tmp, name);
      const stat = await fs.stat(path).catch(() => undefined);
      if (stat !== undefined && Date.now() - stat.mtimeMs > ORPHAN_AGE_MS) await fs.rm(path, { force: true });
    }
    return queue;
  }

  async send(request: SendRequest): Promise<{ messageId: string }> {
    const messageId = randomUUID();
    const stored: StoredMessage = {
      messageId,
      idempotencyKey: request.idempotencyKey,
      body: request.body,
      attributes: request.attributes ?? {},
      sentAt: this.now(),
    };
    const name = messageFileName({ visibleAt: stored.sentAt, receiveCount: 0, messageId });
    await writeFileDurably(join(this.dirs.messages, name), JSON.stringify(stored), this.dirs.tmp);
    return { messageId };
  }

  async receive(request: ReceiveRequest): Promise<ReceivedMessage[]> {
    const waitUntil = this.now() + request.waitTimeSeconds * 1000;
    for (;;) {
      const { received, nextVisibleAt } = await this.receiveVisible(request);
      const remaining = waitUntil - this.now();
      if (received.length > 0 || remaining <= 0 || request.signal?.aborted === true) return received;
      await this.waitForChange(Math.min(remaining, Math.max(1, nextVisibleAt - this.now()), this.pollIntervalMs), request.signal);
    }
  }

  async delete(receiptHandle: string): Promise<void> {
    const name = await this.findInFlight(receiptHandle);
    this.claimedFiles.delete(receiptHandle);
    if (name === undefined) return;
    try {
      await fs.unlink(join(this.dirs.messages, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return;
    }
    await syncDirectory(this.dirs.messages);
  }

  async changeVisibility(receiptHandle: string, timeoutSeconds: number): Promise<void> {
    const name = await this.findInFlight(receiptHandle);
    const parsed = name === undefined ? undefined : parseMessageFileName(name);
    if (name === undefined || parsed === undefined) throw new ReceiptHandleInvalidError(receiptHandle);
    const renamed = messageFileName({ ...parsed, visibleAt: this.now() + timeoutSeconds * 1000 });
    if (!(await renameIfPresent(join(this.dirs.messages, name), join(this.dirs.messages, renamed)))) {
      this.claimedFiles.delete(receiptHandle);
      throw new ReceiptHandleInvalidError(receiptHandle);
    }
    this.claimedFiles.set(receiptHandle, renamed);
    await syncDirectory(this.dirs.messages);
  }

  /** Messages visible now, in flight, and dead-lettered (approximate while others work on the queue). */
  async depth(): Promise<{ readonly visible: number; readonly inFlight: number; readonly deadLetters: number }> {
    const now = this.now();
    const names = (await fs.readdir(this.dirs.messages)).map(parseMessageFileName).filter((n) => n !== undefined);
    const visible = names.filter((n) => n.visibleAt <= now).length;
    const deadLetters = (await fs.readdir(this.dirs.deadLetters)).filter((n) => parseMessageFileName(n) !== undefined).length;
    return { visible, inFlight: names.length - visible, deadLetters };
  }

  /** One pass over the directory: claims visible messages by rename, dead-letters exhausted ones. */
  private async receiveVisible(request: ReceiveRequest): Promise<{ received: ReceivedMessage[]; nextVisibleAt: number }> {
    const now = this.now();
    const received: ReceivedMessage[] = [];
    let nextVisibleAt = Infinity;
    const names = (await fs.readdir(this.dirs.messages)).filter((name) => FILE_NAME.test(name)).sort();
    for (const name of names) {
      if (received.length >= request.maxMessages) break;
      const parsed = parseMessageFileName(name)!;
      if (parsed.visibleAt > now) {
        nextVisibleAt = parsed.visibleAt;
        break;
      }
      const from = join(this.dirs.messages, name);
      if (parsed.receiveCount >= this.options.maxReceiveCount) {
        const deadName = messageFileName({ ...parsed, visibleAt: now });
        if (await renameIfPresent(from, join(this.dirs.deadLetters, deadName))) {
          await syncDirectory(this.dirs.deadLetters);
          await syncDirectory(this.dirs.messages);
        }
        continue;
      }
      const claimed = { ...parsed, visibleAt: now + request.visibilityTimeoutSeconds * 1000, receiveCount: parsed.receiveCount + 1 };
      const to = join(this.dirs.messages, messageFileName(claimed));
      if (!(await renameIfPresent(from, to))) continue;
      const content = await fs.readFile(to, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (content === undefined) continue;
      const stored = JSON.parse(content) as StoredMessage;
      const receiptHandle = `${claimed.receiveCount}-${claimed.messageId}`;
      this.claimedFiles.set(receiptHandle, messageFileName(claimed));
      received.push({
        messageId: stored.messageId,
        idempotencyKey: stored.idempotencyKey,
        body: stored.body,
        attributes: stored.attributes,
        receiptHandle,
        receiveCount: claimed.receiveCount,
      });
    }
    if (received.length > 0) await syncDirectory(this.dirs.messages);
    return { received, nextVisibleAt };
  }

  /** The current file name of a received message: remembered if this instance received it, else by scanning. */
  private async findInFlight(receiptHandle: string): Promise<string | undefined> {
    const remembered = this.claimedFiles.get(receiptHandle);
    if (remembered !== undefined) return remembered;
    const suffix = `-${receiptHandle}.json`;
    return (await fs.readdir(this.dirs.messages)).find((name) => name.endsWith(suffix));
  }

  /** Waits until the messages directory changes, `ms` pass, or `signal` aborts. */
  private async waitForChange(ms: number, signal: AbortSignal | undefined): Promise<void> {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      onAbort = resolve;
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        watcher = watch(this.dirs.messages, { persistent: false }, () => resolve());
        watcher.on('error', () => resolve());
      } catch {
        // no watch support: the timer alone bounds the wait
      }
    });
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    watcher?.close();
  }
}
