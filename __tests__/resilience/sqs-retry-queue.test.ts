/**
 * SqsRetryQueue against a mocked SQS client: the request shapes it sends and
 * how it reads SQS's answers.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { deduplicationIdOf, SqsRetryQueue } from '../../apps/resilience/retry-queue/sqs-retry-queue';

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const STANDARD_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry';
const FIFO_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry.fifo';

beforeEach(() => sqs.reset());

describe('SqsRetryQueue', () => {
  it('sends to a standard queue with the idempotency key and attributes as message attributes', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const queue = new SqsRetryQueue(client, STANDARD_URL);
    expect(
      await queue.send({
        idempotencyKey: 'car-1@2026-01-01T00:00:00Z',
        body: '{"a":1}',
        attributes: { TraceId: 'Root=1-abc' },
        groupId: 'car-1',
      }),
    ).toEqual({
      messageId: 'm-1',
    });
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input).toEqual({
      QueueUrl: STANDARD_URL,
      MessageBody: '{"a":1}',
      MessageAttributes: {
        IdempotencyKey: { DataType: 'String', StringValue: 'car-1@2026-01-01T00:00:00Z' },
        TraceId: { DataType: 'String', StringValue: 'Root=1-abc' },
      },
    });
  });

  it('on a FIFO queue deduplicates by the idempotency key scoped by vehicle, and groups by vehicle', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    await new SqsRetryQueue(client, FIFO_URL).send({ idempotencyKey: 'car-1@2026-01-01T00:00:00Z', body: '{}', groupId: 'car-1' });
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input).toMatchObject({
      QueueUrl: FIFO_URL,
      MessageDeduplicationId: '5:car-1:car-1@2026-01-01T00:00:00Z',
      MessageGroupId: 'car-1',
    });
  });

  it('hashes a key SQS would not accept as a deduplication id', () => {
    expect(deduplicationIdOf('ok-key_1')).toBe('ok-key_1');
    expect(deduplicationIdOf('has space')).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationIdOf('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('long-polls with batch size, visibility timeout and ApproximateReceiveCount, and maps the messages', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'rh-1',
          Body: '{"a":1}',
          Attributes: { ApproximateReceiveCount: '3' },
          MessageAttributes: {
            IdempotencyKey: { DataType: 'String', StringValue: 'k-1' },
            TraceId: { DataType: 'String', StringValue: 't' },
          },
        },
      ],
    });
    const messages = await new SqsRetryQueue(client, STANDARD_URL).receive({
      maxMessages: 10,
      waitTimeSeconds: 20,
      visibilityTimeoutSeconds: 30,
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input).toEqual({
      QueueUrl: STANDARD_URL,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
      VisibilityTimeout: 30,
      MessageSystemAttributeNames: ['All'],
      AttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    expect(messages).toEqual([
      { messageId: 'm-1', idempotencyKey: 'k-1', body: '{"a":1}', attributes: { TraceId: 't' }, receiptHandle: 'rh-1', receiveCount: 3 },
    ]);
  });

  it('returns no messages when a long poll ends empty', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    expect(
      await new SqsRetryQueue(client, STANDARD_URL).receive({ maxMessages: 1, waitTimeSeconds: 1, visibilityTimeoutSeconds: 1 }),
    ).toEqual([]);
  });

  it('deletes and changes visibility by receipt handle', async () => {
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const queue = new SqsRetryQueue(client, STANDARD_URL);
    await queue.delete('rh-1');
    await queue.changeVisibility('rh-2', 17.4);
    expect(sqs.commandCalls(DeleteMessageCommand)[0].args[0].input).toEqual({ QueueUrl: STANDARD_URL, ReceiptHandle: 'rh-1' });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0].args[0].input).toEqual({
      QueueUrl: STANDARD_URL,
      ReceiptHandle: 'rh-2',
      VisibilityTimeout: 17,
    });
  });
});
