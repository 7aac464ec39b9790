import { Testing } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DeadLetterAlarm } from '../../../modules/monitoring/dead-letter-alarm';
import { newStack } from '../fixture';

Testing.setupJest();

describe('DeadLetterAlarm', () => {
  test('fires when the DLQ holds any message', () => {
    const stack = newStack();
    new DeadLetterAlarm(stack, 'Alarm', { alarmName: 'dlq', deadLetterQueueName: 'dev-ev-retry-dlq', topicArn: 'arn:aws:sns:x:1:t' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'dev-ev-retry-dlq' },
      statistic: 'Maximum',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: ['arn:aws:sns:x:1:t'],
      alarm_description: 'Messages reached the dead-letter queue',
    });
  });

  test('takes a description that says how to redrive', () => {
    const stack = newStack();
    new DeadLetterAlarm(stack, 'Alarm', { alarmName: 'dlq', deadLetterQueueName: 'q', topicArn: 't', alarmDescription: 'run the redrive' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_description: 'run the redrive' });
  });
});
