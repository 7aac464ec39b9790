/**
 * The retry queue where ingestion parks events it could not deliver and from
 * which processing drains them: SQS semantics (visibility timeout, receive
 * count, dead-letter queue after `maxReceiveCount`), implemented by SQS in
 * AWS ({@link SqsRetryQueue}) and by a durable directory locally
 * ({@link EmbeddedRetryQueue}).
 */

/** What to park. */
export interface SendRequest {
  /** The event's idempotency key (a message attribute; the deduplication id on a FIFO queue). */
  readonly idempotencyKey: string;
  /** The event, as sent by the client (JSON text). */
  readonly body: string;
  /** Extra string attributes (e.g. trace id). */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Ordering group on a FIFO queue (the vehicle id); ignored elsewhere. */
  readonly groupId?: string;
}

/** How to receive. */
export interface ReceiveRequest {
  /** At most this many messages (SQS: 1..10). */
  readonly maxMessages: number;
  /** Long polling: wait up to this long for a first message (SQS: 0..20). */
  readonly waitTimeSeconds: number;
  /** The received messages stay invisible to other consumers this long. */
  readonly visibilityTimeoutSeconds: number;
  /** Ends a long poll early (graceful stop). */
  readonly signal?: AbortSignal;
}

/** One received message. */
export interface ReceivedMessage {
  /** The queue's id of the message. */
  readonly messageId: string;
  /** The event's idempotency key, as sent. */
  readonly idempotencyKey: string;
  /** The event, as sent. */
  readonly body: string;
  /** The extra attributes, as sent. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Identifies this receive; needed to delete the message or change its visibility. */
  readonly receiptHandle: string;
  /** How many times the message has been received, this time included (SQS `ApproximateReceiveCount`). */
  readonly receiveCount: number;
}

/** A queue with SQS semantics. */
export interface RetryQueue {
  /** Stores a message durably; resolves only once it is stored. */
  send(request: SendRequest): Promise<{ readonly messageId: string }>;
  /** Receives up to `maxMessages` visible messages, waiting up to `waitTimeSeconds` for the first. */
  receive(request: ReceiveRequest): Promise<ReceivedMessage[]>;
  /** Deletes a received message (after successful processing). */
  delete(receiptHandle: string): Promise<void>;
  /** Makes a received message visible again after `timeoutSeconds` (0: now). */
  changeVisibility(receiptHandle: string, timeoutSeconds: number): Promise<void>;
}

/** Message attribute carrying the idempotency key. */
export const IDEMPOTENCY_KEY_ATTRIBUTE = 'IdempotencyKey';
