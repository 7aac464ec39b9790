/**
 * An SQS-compatible server on loopback for tests, the drill and `npm run dev
 * -- --queue sqs`: `local-aws-sqs` (npm, pure JavaScript, no install script),
 * which speaks the JSON protocol of the current AWS SDK and runs message move
 * tasks. It starts in this process with the pipeline's retry queue and its
 * dead-letter queue (redrive policy with the contract's `maxReceiveCount`),
 * and hands out the environment that points a service's SDK at it through
 * the SDK's standard setting, `AWS_ENDPOINT_URL_SQS`.
 *
 * Where the emulator (2.0.2) differs from SQS, as seen by these tests:
 * - `ChangeMessageVisibility` also counts as a receive, so a message the
 *   drain backs off reaches `maxReceiveCount` after fewer receives than on SQS;
 * - a long poll returns only when `MaxNumberOfMessages` arrived or
 *   `WaitTimeSeconds` passed (SQS returns with the first messages), so the
 *   drain's wait must stay below the visibility timeout
 *   (`RETRY_QUEUE_RECEIVE_WAIT_SECONDS`);
 * - it reads only the older `AttributeNames` for `ApproximateReceiveCount`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { RETRY_QUEUE_SETTINGS } from '../../contract/retry-queue';

/** Region and account of the emulated queues (cosmetic: they appear in URLs and ARNs). */
export const LOCAL_SQS_REGION = 'us-east-1';
export const LOCAL_SQS_ACCOUNT = '000000000000';

/** Options of {@link startLocalSqs}. */
export interface LocalSqsOptions {
  /** Receives before a message moves to the dead-letter queue. @default RETRY_QUEUE_SETTINGS.maxReceiveCount */
  readonly maxReceiveCount?: number;
  /** Name of the retry queue; the dead-letter queue is `<name>-dlq`. @default 'ev-retry' */
  readonly queueName?: string;
  /** Port to listen on. @default a free one */
  readonly port?: number;
}

/** Messages of one queue by state. */
export interface LocalQueueDepth {
  readonly visible: number;
  readonly inFlight: number;
}

/** A running emulator with the retry queue and its dead-letter queue. */
export interface LocalSqs {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  /** `AWS_ENDPOINT_URL_SQS`, region, throwaway credentials, `RETRY_QUEUE_URL` and `DLQ_URL`: what a service or the redrive CLI needs. */
  env(): Record<string, string>;
  /** An SDK client of this server. */
  client(): SQSClient;
  /** Messages of the retry queue (or the dead-letter queue) by state. */
  depth(queue?: 'retry' | 'dead-letter'): Promise<LocalQueueDepth>;
  /** Stops the server (its queues are gone). */
  stop(): Promise<void>;
}

/** Starts the emulator with the two queues; resolves once they exist. */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const queueName = options.queueName ?? 'ev-retry';
  const deadLetterQueueName = `${queueName}-dlq`;
  const arnOf = (name: string) => `arn:aws:sqs:${LOCAL_SQS_REGION}:${LOCAL_SQS_ACCOUNT}:${name}`;
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region: LOCAL_SQS_REGION,
    accountId: LOCAL_SQS_ACCOUNT,
    emulateQueueCreationLifecycle: false,
    queues: [
      { QueueName: deadLetterQueueName },
      {
        QueueName: queueName,
        Attributes: {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: arnOf(deadLetterQueueName),
            maxReceiveCount: options.maxReceiveCount ?? RETRY_QUEUE_SETTINGS.maxReceiveCount,
          }),
        },
      },
    ],
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const urlOf = (name: string) => `${endpoint}/${LOCAL_SQS_ACCOUNT}/${name}`;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const sdk = new SQSClient({ endpoint, region: LOCAL_SQS_REGION, credentials });
  const local: LocalSqs = {
    endpoint,
    queueUrl: urlOf(queueName),
    queueArn: arnOf(queueName),
    deadLetterQueueUrl: urlOf(deadLetterQueueName),
    deadLetterQueueArn: arnOf(deadLetterQueueName),
    env() {
      return {
        AWS_ENDPOINT_URL_SQS: endpoint,
        AWS_REGION: LOCAL_SQS_REGION,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        RETRY_QUEUE_URL: local.queueUrl,
        DLQ_URL: local.deadLetterQueueUrl,
      };
    },
    client: () => new SQSClient({ endpoint, region: LOCAL_SQS_REGION, credentials }),
    async depth(queue = 'retry') {
      const { Attributes } = await sdk.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue === 'retry' ? local.queueUrl : local.deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },
    async stop() {
      sdk.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
  return local;
}
