import { Testing } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { METRICS_NAMESPACE, PipelineMetric, SERVICE_DIMENSION } from '../../contract/metrics';
import { AlarmTopic } from '../../modules/monitoring/alarm-topic';
import { DeadLetterAlarm } from '../../modules/monitoring/dead-letter-alarm';
import { FailureRateAlarm, type FailureRateAlarmProps } from '../../modules/monitoring/failure-rate-alarm';
import { newStack, onlyResource, synthJson } from './fixture';

Testing.setupJest();

describe('AlarmTopic', () => {
  test('an SNS topic encrypted with its own rotated key that CloudWatch may use', () => {
    const stack = newStack();
    const topic = new AlarmTopic(stack, 'Topic', { name: 'dev-ev-alarms', accountId: '111122223333', partition: 'aws' });
    const json = synthJson(stack);
    expect(onlyResource(json, 'aws_sns_topic')).toMatchObject({
      name: 'dev-ev-alarms',
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.Topic_Key_[0-9A-F]{8}\.arn\}$/),
    });
    expect(topic.topicArn).toBeDefined();
    expect(Testing.synth(stack)).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    const policy = JSON.parse(onlyResource(json, 'aws_kms_key').policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'CloudWatchPublishesAlarms')).toEqual({
      Sid: 'CloudWatchPublishesAlarms',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
    expect(policy.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/dev-ev-alarms');
  });
});

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
    });
  });
});

describe('FailureRateAlarm', () => {
  const props: FailureRateAlarmProps = { alarmName: 'rate', serviceName: 'data-processing', topicArn: 'arn:aws:sns:x:1:t' };

  test("renders seed 002's metric math over the contract's metric names", () => {
    const stack = newStack();
    new FailureRateAlarm(stack, 'Alarm', props);
    const alarm = onlyResource(synthJson(stack), 'aws_cloudwatch_metric_alarm');
    const metric = (name: string) => ({
      namespace: METRICS_NAMESPACE,
      metric_name: name,
      dimensions: { [SERVICE_DIMENSION]: 'data-processing' },
      stat: 'Sum',
      period: 60,
      unit: 'Count',
    });
    expect(alarm).toMatchObject({
      threshold: 5,
      comparison_operator: 'GreaterThanThreshold',
      evaluation_periods: 5,
      datapoints_to_alarm: 3,
      treat_missing_data: 'notBreaching',
      metric_query: [
        { id: 'errors', return_data: false, metric: metric(PipelineMetric.ERRORS) },
        { id: 'requests', return_data: false, metric: metric(PipelineMetric.REQUESTS) },
        { id: 'failure_rate', expression: '100 * errors / MAX([errors, requests])', return_data: true },
      ],
    });
  });

  test.each([
    [{ thresholdPercent: 0 }, /'thresholdPercent'/],
    [{ periodSeconds: 90 }, /'periodSeconds'.*multiple of 60/],
    [{ evaluationPeriods: 2, datapointsToAlarm: 3 }, /'datapointsToAlarm'/],
  ])('rejects %p', (override, message) => {
    expect(() => new FailureRateAlarm(newStack(), 'Alarm', { ...props, ...override })).toThrow(
      new RegExp(`FailureRateAlarm 'test/Alarm'.*${message.source}`),
    );
  });
});
