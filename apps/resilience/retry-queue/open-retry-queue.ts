/**
 * Picks the retry queue from the environment, for the services' entry points:
 * SQS when `RETRY_QUEUE_URL` is set, else the embedded queue in
 * `RETRY_QUEUE_DIR`.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { RETRY_QUEUE_SETTINGS } from '../../../contract/retry-queue';
import { EmbeddedRetryQueue } from './embedded-retry-queue';
import type { RetryQueue } from './retry-queue';
import { SqsRetryQueue } from './sqs-retry-queue';

/** The retry queue the environment configures; throws when it configures none. */
export async function openRetryQueue(env: NodeJS.ProcessEnv = process.env): Promise<RetryQueue> {
  const url = env.RETRY_QUEUE_URL;
  if (url !== undefined && url !== '') return new SqsRetryQueue(new SQSClient({}), url);
  const dir = env.RETRY_QUEUE_DIR;
  if (dir !== undefined && dir !== '') return EmbeddedRetryQueue.open(dir, { maxReceiveCount: RETRY_QUEUE_SETTINGS.maxReceiveCount });
  throw new Error('no retry queue configured: set RETRY_QUEUE_URL (SQS) or RETRY_QUEUE_DIR (embedded queue directory)');
}
