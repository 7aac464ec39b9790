/**
 * Settings of the retry queue and its dead-letter queue that the stack (SQS)
 * and the services (drainer, embedded queue) must agree on. No cdktf or
 * fastify imports here.
 */

export interface RetryQueueSettings {
  /** Receives of one message before it moves to the dead-letter queue (SQS `maxReceiveCount`). */
  readonly maxReceiveCount: number;
  /** Visibility timeout of a received message before its first back-off, in seconds. */
  readonly visibilityTimeoutSeconds: number;
  /** First back-off of a failed message, in seconds; doubles per receive, with full jitter. */
  readonly backoffBaseSeconds: number;
  /** Cap of one back-off, in seconds (SQS allows at most 43,200 = 12 h). */
  readonly backoffMaxSeconds: number;
  /** Long-polling wait of one receive, in seconds (SQS allows at most 20). */
  readonly receiveWaitSeconds: number;
  /** Messages per receive (SQS allows at most 10). */
  readonly receiveBatchSize: number;
}

/** The pipeline's retry queue settings. */
export const RETRY_QUEUE_SETTINGS: RetryQueueSettings = Object.freeze({
  maxReceiveCount: 8,
  visibilityTimeoutSeconds: 30,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 300,
  receiveWaitSeconds: 20,
  receiveBatchSize: 10,
});
