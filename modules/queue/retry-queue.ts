import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { SqsQueueRedriveAllowPolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy';
import { SqsQueueRedrivePolicy } from '@cdktf/provider-aws/lib/sqs-queue-redrive-policy';
import { worstCaseRetryScheduleSeconds, type RetryQueueSettings } from '../../contract/retry-queue';
import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import type { PolicyStatement } from '../iam/policy-statement';

/** SQS's longest retention, in seconds (14 days). */
const MAX_RETENTION_SECONDS = 1_209_600;

export interface RetryQueueProps {
  /** Name of the retry queue; the dead-letter queue is `<name>-dlq`. */
  readonly name: string;
  /** Receive count, visibility timeout, back-off and long polling, shared with the services (the contract's). */
  readonly settings: RetryQueueSettings;
  /** How long the retry queue keeps a message, in seconds (60-1209600); must exceed the worst-case back-off schedule. @default 345600 (4 days) */
  readonly retentionSeconds?: number;
  /** How long the dead-letter queue keeps a message, in seconds; at least the retry queue's, since SQS keeps a message's original enqueue time. @default 1209600 (14 days) */
  readonly deadLetterRetentionSeconds?: number;
}

/**
 * The retry queue of the pipeline and its dead-letter queue, on SQS standard
 * queues: encrypted at rest (SSE-SQS), TLS-only, long polling, a redrive
 * policy after `maxReceiveCount` receives, a redrive allow policy that lets
 * only this queue use the DLQ, and a retention that outlasts the whole
 * back-off schedule (else SQS would delete messages before they dead-letter).
 *
 * Standard, not FIFO: processing applies every event at most once by its
 * idempotency key, so SQS's at-least-once delivery is enough; events of
 * different vehicles need no order, and FIFO would cap throughput and block a
 * message group behind a failing message.
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
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: settings.maxReceiveCount }),
    });
    new SqsQueueRedriveAllowPolicy(this, 'RedriveAllowPolicy', {
      queueUrl: deadLetter.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [queue.arn] }),
    });
    for (const [policyId, target] of [['TlsOnly', queue], ['DeadLetterTlsOnly', deadLetter]] as const) {
      new SqsQueuePolicy(this, policyId, {
        queueUrl: target.url,
        policy: JSON.stringify({
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

  /** What a producer needs: send to the retry queue (ingestion parks events). */
  public producerStatements(): PolicyStatement[] {
    return [{ sid: 'ParkInRetryQueue', actions: ['sqs:SendMessage'], resources: [this.queueArn] }];
  }

  /** What a consumer needs: receive, delete and delay messages of the retry queue (processing drains it). */
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
