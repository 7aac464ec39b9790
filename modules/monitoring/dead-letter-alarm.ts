import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

export interface DeadLetterAlarmProps {
  /** Name of the alarm. */
  readonly alarmName: string;
  /** Name of the dead-letter queue. */
  readonly deadLetterQueueName: string;
  /** ARN of the SNS topic to notify. */
  readonly topicArn: string;
  /** Description of the alarm, e.g. how to redrive. @default 'Messages reached the dead-letter queue' */
  readonly alarmDescription?: string;
}

/**
 * Alarms as soon as the dead-letter queue holds a message: every dead letter
 * is a message that exhausted its retries and waits for a redrive.
 */
export class DeadLetterAlarm extends Construct {
  /** ARN of the alarm. */
  public readonly alarmArn: string;

  constructor(scope: Construct, id: string, props: DeadLetterAlarmProps) {
    super(scope, id);
    const alarm = new CloudwatchMetricAlarm(this, 'Resource', {
      alarmName: props.alarmName,
      alarmDescription: props.alarmDescription ?? 'Messages reached the dead-letter queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.deadLetterQueueName },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
    this.alarmArn = alarm.arn;
  }
}
