/**
 * The retry queue on Amazon SQS (`RETRY_QUEUE_URL`). Moving a message to the
 * dead-letter queue after `maxReceiveCount` receives is the queue's redrive
 * policy (set by the stack), not code.
 *
 * Standard or FIFO, decided by the URL: on a `.fifo` queue the idempotency key,
 * scoped by the vehicle (`groupId`), is the deduplication id (SQS drops a
 * second send of the same vehicle's key within 5 minutes) and the vehicle is
 * the message group.
 */
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { entityScopedKey } from '../entity-scoped-key';
import { IDEMPOTENCY_KEY_ATTRIBUTE, type ReceiveRequest, type ReceivedMessage, type RetryQueue, type SendRequest } from './retry-queue';

/** SQS allows 1..128 characters of alphanumerics and punctuation in a deduplication id. */
const DEDUPLICATION_ID = /^[\x21-\x7e]{1,128}$/;

/** The FIFO deduplication id of a key: the key itself when SQS accepts it, else its SHA-256. */
export function deduplicationIdOf(idempotencyKey: string): string {
  return DEDUPLICATION_ID.test(idempotencyKey) ? idempotencyKey : createHash('sha256').update(idempotencyKey).digest('hex');
}

/** {@link RetryQueue} on one SQS queue. */
export class SqsRetryQueue implements RetryQueue {
  private readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    /** The queue URL (`RETRY_QUEUE_URL`); a name ending in `.fifo` makes it a FIFO queue. */
    readonly queueUrl: string,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
  }

  async send(request: SendRequest): Promise<{ messageId: string }> {
    const attributes: Record<string, MessageAttributeValue> = {
      [IDEMPOTENCY_KEY_ATTRIBUTE]: { DataType: 'String', StringValue: request.idempotencyKey },
    };
    for (const [name, value] of Object.entries(request.attributes ?? {})) attributes[name] = { DataType: 'String', StringValue: value };
    const output = await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: request.body,
        MessageAttributes: attributes,
        ...(this.fifo
          ? {
              MessageDeduplicationId: deduplicationIdOf(
                request.groupId === undefined ? request.idempotencyKey : entityScopedKey(request.groupId, request.idempotencyKey),
              ),
              MessageGroupId: request.groupId ?? request.idempotencyKey,
            }
          : {}),
      }),
    );
    return { messageId: output.MessageId ?? '' };
  }

  async receive(request: ReceiveRequest): Promise<ReceivedMessage[]> {
    const output = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: request.maxMessages,
        WaitTimeSeconds: request.waitTimeSeconds,
        VisibilityTimeout: request.visibilityTimeoutSeconds,
        MessageSystemAttributeNames: ['All'],
        // The older, deprecated request for the same attributes: SQS-compatible servers such as local-aws-sqs read only this.
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: request.signal },
    );
    return (output.Messages ?? []).map((message) => {
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
        if (name !== IDEMPOTENCY_KEY_ATTRIBUTE && value.StringValue !== undefined) attributes[name] = value.StringValue;
      }
      return {
        messageId: message.MessageId ?? '',
        idempotencyKey: message.MessageAttributes?.[IDEMPOTENCY_KEY_ATTRIBUTE]?.StringValue ?? '',
        body: message.Body ?? '',
        attributes,
        receiptHandle: message.ReceiptHandle ?? '',
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? '1'),
      };
    });
  }

  async delete(receiptHandle: string): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }));
  }

  async changeVisibility(receiptHandle: string, timeoutSeconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.round(timeoutSeconds),
      }),
    );
  }
}
