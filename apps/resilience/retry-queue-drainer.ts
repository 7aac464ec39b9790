/**
 * Drains the retry queue into processing: long polling, batches, delete on
 * success, and on failure a back-off with full jitter and a max delay, set as
 * the message's visibility timeout from its receive count (SQS
 * `ApproximateReceiveCount` + `ChangeMessageVisibility`).
 * After `maxReceiveCount` failed receives the queue moves the message to its
 * dead-letter queue.
 */
import { RETRY_QUEUE_SETTINGS, type RetryQueueSettings } from '../../contract/retry-queue';
import type { ReceivedMessage, RetryQueue } from './retry-queue/retry-queue';

/** Handles one message; resolving means done (the message is deleted), throwing means retry later. */
export type RetryQueueMessageHandler = (message: ReceivedMessage) => Promise<void>;

/** Options of {@link RetryQueueDrainer}. */
export interface RetryQueueDrainerOptions {
  readonly queue: RetryQueue;
  readonly handler: RetryQueueMessageHandler;
  /** Batch size, waits, visibility and back-off. @default RETRY_QUEUE_SETTINGS */
  readonly settings?: RetryQueueSettings;
  /** Uniform random source in [0, 1), for tests. @default Math.random */
  readonly random?: () => number;
  /** Called with a failed handler's error or a queue error; the drainer carries on. */
  readonly onError?: (error: unknown, message?: ReceivedMessage) => void;
  /** Called after a message was handled and deleted. */
  readonly onDrained?: (message: ReceivedMessage) => void;
  /**
   * Asked before each receive: while it resolves false (a dependency of the
   * handler, such as the shared-state store, is down), nothing is received,
   * so an outage does not use up the messages' receives and dead-letter them;
   * asked again after a pause. @default always true
   */
  readonly canProcess?: () => Promise<boolean>;
}

/**
 * Back-off after the `receiveCount`-th receive failed, in seconds: uniform in
 * [0, min(max, base × 2^(receiveCount − 1))) — "full jitter".
 */
export function retryBackoffSeconds(receiveCount: number, settings: RetryQueueSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.backoffMaxSeconds, settings.backoffBaseSeconds * 2 ** (Math.max(1, receiveCount) - 1));
  return random() * ceiling;
}

/** Pause after a failed receive (queue unreachable) or while the handler cannot process, in ms. */
const RECEIVE_ERROR_PAUSE_MS = 1_000;

/** A loop receiving batches from the queue until {@link RetryQueueDrainer.stop}. */
export class RetryQueueDrainer {
  private readonly settings: RetryQueueSettings;
  private readonly random: () => number;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: RetryQueueDrainerOptions) {
    this.settings = options.settings ?? RETRY_QUEUE_SETTINGS;
    this.random = options.random ?? Math.random;
  }

  /** Starts draining (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the current long poll, lets the batch in hand finish, and resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { queue } = this.options;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      if (this.options.canProcess !== undefined && !(await this.options.canProcess().catch(() => false))) {
        await pause(RECEIVE_ERROR_PAUSE_MS, signal);
        continue;
      }
      let batch: ReceivedMessage[];
      try {
        batch = await queue.receive({
          maxMessages: this.settings.receiveBatchSize,
          waitTimeSeconds: this.settings.receiveWaitSeconds,
          visibilityTimeoutSeconds: this.settings.visibilityTimeoutSeconds,
          signal,
        });
      } catch (error) {
        if (signal.aborted) break;
        this.options.onError?.(error);
        await pause(RECEIVE_ERROR_PAUSE_MS, signal);
        continue;
      }
      await Promise.all(batch.map((message) => this.handle(message)));
    }
  }

  private async handle(message: ReceivedMessage): Promise<void> {
    const { queue, handler } = this.options;
    try {
      await handler(message);
    } catch (error) {
      this.options.onError?.(error, message);
      await queue
        .changeVisibility(message.receiptHandle, retryBackoffSeconds(message.receiveCount, this.settings, this.random))
        .catch((visibilityError: unknown) => this.options.onError?.(visibilityError, message));
      return;
    }
    try {
      await queue.delete(message.receiptHandle);
      this.options.onDrained?.(message);
    } catch (error) {
      this.options.onError?.(error, message);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
