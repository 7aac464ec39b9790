import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { SqsQueueRedrivePolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-policy';
import { renderJsonDocument } from '../core/json-document';
import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import type { PolicyStatement } from '../iam/policy-statement';

/**
 * How producers and consumers use the queue; the application that drains
 * it applies the back-off (SQS `ChangeMessageVisibility`).
 */
export interface RetryQueueSettings {
  /** Receives of one message before it moves to the dead-letter queue (SQS `maxReceiveCount`, 1-1000). */
  readonly maxReceiveCount: number;
  /** Visibility timeout of a received message before its first back-off, in seconds (0-43200). */
  readonly visibilityTimeoutSeconds: number;
  /** First back-off of a failed message, in seconds; doubles per receive. */
  readonly backoffBaseSeconds: number;
  /** Cap of one back-off, in seconds (SQS allows at most 43,200 = 12 h). */
  readonly backoffMaxSeconds: number;
  /** Long-polling wait of one receive, in seconds (0-20). */
  readonly receiveWaitSeconds: number;
}

/**
 * The longest a message can spend in the retry queue before it dead-letters:
 * every receive may hold it for the capped back-off (or the visibility
 * timeout, if longer).
 */
export function worstCaseRetryScheduleSeconds(settings: RetryQueueSettings): number {
  let total = 0;
  for (let receive = 1; receive <= settings.maxReceiveCount; receive++) {
    const backoff = Math.min(settings.backoffMaxSeconds, settings.backoffBaseSeconds * 2 ** (receive - 1));
    total += Math.max(backoff, settings.visibilityTimeoutSeconds);
  }
  return total;
}

/** SQS's longest retention, in seconds (14 days). */
const MAX_RETENTION_SECONDS = 1_209_600;

export interface RetryQueueProps {
  /** Name of the retry queue; the dead-letter queue is `<name>-dlq`. */
  readonly name: string;
  /** Receive count, visibility timeout, back-off and long polling; any object of this shape, such as the one the services apply. */
  readonly settings: RetryQueueSettings;
  /** How long the retry queue keeps a message, in seconds (60-1209600); must exceed the worst-case back-off schedule. @default 345600 (4 days) */
  readonly retentionSeconds?: number;
  /** How long the dead-letter queue keeps a message, in seconds; at least the retry queue's, since SQS keeps a message's original enqueue time. @default 1209600 (14 days) */
  readonly deadLetterRetentionSeconds?: number;
}

/**
 * A retry queue and its dead-letter queue, on SQS standard
 * queues: encrypted at rest (SSE-SQS), TLS-only, long polling, a redrive
 * policy after `maxReceiveCount` receives, a redrive allow policy that lets
 * only this queue use the DLQ, and a retention that outlasts the whole
 * back-off schedule (else SQS would delete messages before they dead-letter).
 *
 * Standard, not FIFO: a consumer that applies every message at most once by
 * an idempotency key needs no more than SQS's at-least-once delivery, and
 * FIFO would cap throughput and block a message group behind a failing
 * message.
 */
export class RetryQueue extends Construct {
  /** URL of the retry queue (`RETRY_QUEUE_URL`). */
  public readonly queueUrl: string;
  /** ARN of the retry queue. */
  public readonly queueArn: string;
  /** Name of the retry queue. */
  public readonly queueName: string;
  /** URL of the dead-letter queue (`DLQ_URL`). */
  public readonly deadLetterQueueUrl: string;
  /** ARN of the dead-letter queue. */
  public readonly deadLetterQueueArn: string;
  /** Name of the dead-letter queue. */
  public readonly deadLetterQueueName: string;
  /** Retention of the retry queue, in seconds. */
  public readonly retentionSeconds: number;

  constructor(scope: Construct, id: string, props: RetryQueueProps) {
    super(scope, id);
    const { settings } = props;
    const retention = props.retentionSeconds ?? 345_600;
    const dlqRetention = props.deadLetterRetentionSeconds ?? MAX_RETENTION_SECONDS;
    requireIntegerInRange(this, 'settings.maxReceiveCount', settings.maxReceiveCount, 1, 1_000);
    requireIntegerInRange(this, 'settings.visibilityTimeoutSeconds', settings.visibilityTimeoutSeconds, 0, 43_200);
    requireIntegerInRange(this, 'settings.receiveWaitSeconds', settings.receiveWaitSeconds, 0, 20);
    requireIntegerInRange(this, 'settings.backoffBaseSeconds', settings.backoffBaseSeconds, 0, 43_200);
    requireIntegerInRange(this, 'settings.backoffMaxSeconds', settings.backoffMaxSeconds, 0, 43_200);
    requireIntegerInRange(this, 'retentionSeconds', retention, 60, MAX_RETENTION_SECONDS);
    requireIntegerInRange(this, 'deadLetterRetentionSeconds', dlqRetention, 60, MAX_RETENTION_SECONDS);
    const schedule = worstCaseRetryScheduleSeconds(settings);
    if (retention <= schedule) {
      throw new InvalidPropError(
        this,
        'retentionSeconds',
        `${retention} s does not outlast the worst-case retry schedule of ${schedule} s ` +
          `(${settings.maxReceiveCount} receives); SQS would delete messages before they reach the dead-letter queue`,
      );
    }
    if (dlqRetention < retention) {
      throw new InvalidPropError(this, 'deadLetterRetentionSeconds', `${dlqRetention} s is shorter than the retry queue's ${retention} s`);
    }
    this.retentionSeconds = retention;

    const deadLetter = new SqsQueue(this, 'DeadLetterQueue', {
      name: `${props.name}-dlq`,
      messageRetentionSeconds: dlqRetention,
      sqsManagedSseEnabled: true,
    });
    const queue = new SqsQueue(this, 'Resource', {
      name: props.name,
      messageRetentionSeconds: retention,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      receiveWaitTimeSeconds: settings.receiveWaitSeconds,
      sqsManagedSseEnabled: true,
    });
    new SqsQueueRedrivePolicy(this, 'RedrivePolicy', {
      queueUrl: queue.url,
      redrivePolicy: renderJsonDocument({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: settings.maxReceiveCount }),
    });
    new SqsQueueRedriveAllowPolicy(this, 'RedriveAllowPolicy', {
      queueUrl: deadLetter.url,
      redriveAllowPolicy: renderJsonDocument({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
    });
    for (const [policyId, target] of [
      ['TlsOnly', queue],
      ['DeadLetterTlsOnly', deadLetter],
    ] as const) {
      new SqsQueuePolicy(this, policyId, {
        queueUrl: target.url,
        policy: renderJsonDocument({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: target.arn,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
    }
    this.queueUrl = queue.url;
    this.queueArn = queue.arn;
    this.queueName = queue.name;
    this.deadLetterQueueUrl = deadLetter.url;
    this.deadLetterQueueArn = deadLetter.arn;
    this.deadLetterQueueName = deadLetter.name;
  }

  /** What a producer needs: send to the retry queue (park a message for a later retry). */
  public producerStatements(): PolicyStatement[] {
    return [{ sid: 'ParkInRetryQueue', actions: ['sqs:SendMessage'], resources: [this.queueArn] }];
  }

  /** What a consumer needs: receive, delete and delay messages of the retry queue (drain it with back-off). */
  public consumerStatements(): PolicyStatement[] {
    return [
      {
        sid: 'DrainRetryQueue',
        actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        resources: [this.queueArn],
      },
    ];
  }

  /** What a redrive operator needs: move dead letters back (StartMessageMoveTask), list and cancel moves. */
  public redriveStatements(): PolicyStatement[] {
    return [
      {
        sid: 'MoveDeadLetters',
        actions: [
          'sqs:CancelMessageMoveTask',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ListMessageMoveTasks',
          'sqs:ReceiveMessage',
          'sqs:StartMessageMoveTask',
        ],
        resources: [this.deadLetterQueueArn],
      },
      { sid: 'ReturnToRetryQueue', actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage'], resources: [this.queueArn] },
    ];
  }
}
