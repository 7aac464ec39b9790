/**
 * Dead-letter redrive on SQS: `StartMessageMoveTask`, `ListMessageMoveTasks`,
 * `CancelMessageMoveTask`. SQS runs the task; this maps its errors to
 * one-line {@link RedriveError}s.
 */
import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { RedriveError, type DeadLetterRedrive, type MoveTask, type MoveTaskStatus } from './dead-letter-redrive';

/** The queue ARN of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
export function queueArnFromUrl(queueUrl: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/(\d{12})\/([\w-]+(?:\.fifo)?)$/.exec(queueUrl);
  if (match === null) throw new RedriveError('invalid-request', `cannot derive a queue ARN from ${queueUrl}: pass --dlq-arn`);
  const [, region, china, account, name] = match;
  return `arn:${china === undefined ? 'aws' : 'aws-cn'}:sqs:${region}:${account}:${name}`;
}

/**
 * The queue ARN of `queueUrl`: derived from an SQS URL, else (a VPC endpoint,
 * an SQS-compatible server) asked of the queue (`GetQueueAttributes`).
 */
export async function resolveQueueArn(client: SQSClient, queueUrl: string): Promise<string> {
  try {
    return queueArnFromUrl(queueUrl);
  } catch (underivable) {
    let arn: string | undefined;
    try {
      arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    } catch (error) {
      throw redriveErrorOf(error, queueUrl);
    }
    if (arn === undefined) throw underivable;
    return arn;
  }
}

/** Translates an SQS error into a {@link RedriveError} naming what went wrong. */
export function redriveErrorOf(error: unknown, subject: string): RedriveError | unknown {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as { message?: string }).message ?? String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (/QueueDoesNotExist|NonExistentQueue|ResourceNotFound/.test(name)) {
    return new RedriveError('queue-not-found', `queue not found: ${subject} (${name}: ${message})`);
  }
  if (/AccessDenied|UnauthorizedOperation|InvalidSecurity/.test(name) || status === 403) {
    return new RedriveError(
      'access-denied',
      `access denied on ${subject}: the caller needs sqs:StartMessageMoveTask, sqs:ListMessageMoveTasks, sqs:CancelMessageMoveTask and read/delete on the DLQ, send on the destination (${name}: ${message})`,
    );
  }
  if (/UnsupportedOperation|InvalidParameterValue/.test(name) && /already|active|running/i.test(message)) {
    return new RedriveError(
      'task-already-running',
      `a move task is already running for ${subject}: list it, wait for it or cancel it (${name}: ${message})`,
    );
  }
  if (/UnsupportedOperation|InvalidParameterValue|InvalidAddress|ValidationError/.test(name)) {
    return new RedriveError('invalid-request', `${subject}: ${name}: ${message}`);
  }
  return error;
}

/** {@link DeadLetterRedrive} of one SQS dead-letter queue. */
export class SqsDeadLetterRedrive implements DeadLetterRedrive {
  constructor(
    private readonly client: SQSClient,
    /** ARN of the dead-letter queue (the move task's source). */
    readonly dlqArn: string,
    /** ARN of the destination; omitted means the queues whose redrive policy names this DLQ. */
    readonly destinationArn?: string,
  ) {}

  async start(options: { readonly maxMessagesPerSecond?: number }): Promise<{ taskHandle: string }> {
    const output = await this.mapErrors(() =>
      this.client.send(
        new StartMessageMoveTaskCommand({
          SourceArn: this.dlqArn,
          ...(this.destinationArn === undefined ? {} : { DestinationArn: this.destinationArn }),
          ...(options.maxMessagesPerSecond === undefined ? {} : { MaxNumberOfMessagesPerSecond: options.maxMessagesPerSecond }),
        }),
      ),
    );
    return { taskHandle: output.TaskHandle ?? '' };
  }

  async list(): Promise<MoveTask[]> {
    const output = await this.mapErrors(() =>
      this.client.send(new ListMessageMoveTasksCommand({ SourceArn: this.dlqArn, MaxResults: 10 })),
    );
    return (output.Results ?? []).map((entry) => ({
      taskHandle: entry.TaskHandle,
      status: (entry.Status ?? 'RUNNING') as MoveTaskStatus,
      source: entry.SourceArn ?? this.dlqArn,
      destination: entry.DestinationArn,
      maxMessagesPerSecond: entry.MaxNumberOfMessagesPerSecond,
      messagesMoved: entry.ApproximateNumberOfMessagesMoved ?? 0,
      messagesToMove: entry.ApproximateNumberOfMessagesToMove,
      failureReason: entry.FailureReason,
      startedAt: entry.StartedTimestamp ?? 0,
    }));
  }

  async cancel(taskHandle: string): Promise<{ messagesMoved: number }> {
    const output = await this.mapErrors(() => this.client.send(new CancelMessageMoveTaskCommand({ TaskHandle: taskHandle })));
    return { messagesMoved: output.ApproximateNumberOfMessagesMoved ?? 0 };
  }

  private async mapErrors<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw redriveErrorOf(error, this.dlqArn);
    }
  }
}
