/**
 * Moving dead letters back to the queue they came from, at a bounded rate:
 * SQS message move tasks in AWS ({@link SqsDeadLetterRedrive}), the same on
 * the embedded queue ({@link EmbeddedDeadLetterRedrive}).
 */

/** Status of a move task (the SQS values). */
export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

/** A move task and its progress (SQS `ListMessageMoveTasksResultEntry`). */
export interface MoveTask {
  /** Identifies the task for cancel (SQS returns it only while RUNNING). */
  readonly taskHandle?: string;
  /** Where the task is in its life. */
  readonly status: MoveTaskStatus;
  /** The dead-letter queue (ARN, or directory for the embedded queue). */
  readonly source: string;
  /** Where messages go; undefined means back to their source queue. */
  readonly destination?: string;
  /** Rate limit of the task. */
  readonly maxMessagesPerSecond?: number;
  /** Messages moved so far (approximate on SQS). */
  readonly messagesMoved: number;
  /** Messages in the dead-letter queue when the task started. */
  readonly messagesToMove?: number;
  /** Why a FAILED task failed. */
  readonly failureReason?: string;
  /** Start time, ms since the epoch. */
  readonly startedAt: number;
}

/** Why a redrive command failed; the CLI prints `message` and exits non-zero. */
export type RedriveErrorCode = 'queue-not-found' | 'access-denied' | 'task-already-running' | 'task-not-found' | 'invalid-request';

/** A redrive failure with a one-line explanation. */
export class RedriveError extends Error {
  constructor(
    /** The kind of failure, for programs. */
    readonly code: RedriveErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RedriveError';
  }
}

/** Start, list and cancel dead-letter move tasks. */
export interface DeadLetterRedrive {
  /** Starts moving the dead letters back at most `maxMessagesPerSecond`; returns the task handle. */
  start(options: { readonly maxMessagesPerSecond?: number }): Promise<{ readonly taskHandle: string }>;
  /** The most recent move tasks (up to 10), newest first. */
  list(): Promise<MoveTask[]>;
  /** Cancels a running task; messages already moved stay moved. Returns how many were. */
  cancel(taskHandle: string): Promise<{ readonly messagesMoved: number }>;
}
