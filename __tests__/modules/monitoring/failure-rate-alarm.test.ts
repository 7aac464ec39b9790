import { Testing } from 'cdktf';
import { FailureRateAlarm, type FailureRateAlarmProps } from '../../../modules/monitoring/failure-rate-alarm';
import { newStack, onlyResource, synthJson } from '../fixture';

Testing.setupJest();

describe('FailureRateAlarm', () => {
  const props: FailureRateAlarmProps = {
    alarmName: 'rate',
    metricNamespace: 'Shop',
    errorsMetricName: 'Errors',
    requestsMetricName: 'Requests',
    dimensions: { Service: 'orders' },
    topicArn: 'arn:aws:sns:x:1:t',
  };

  test('renders 100 * errors / MAX([errors, requests]) over the two counts it is given', () => {
    const stack = newStack();
    new FailureRateAlarm(stack, 'Alarm', props);
    const alarm = onlyResource(synthJson(stack), 'aws_cloudwatch_metric_alarm');
    const metric = (name: string) => ({
      namespace: 'Shop',
      metric_name: name,
      dimensions: { Service: 'orders' },
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
        { id: 'errors', return_data: false, metric: metric('Errors') },
        { id: 'requests', return_data: false, metric: metric('Requests') },
        { id: 'failure_rate', expression: '100 * errors / MAX([errors, requests])', return_data: true },
      ],
    });
  });

  test('describes itself by its threshold unless given a description', () => {
    const stack = newStack();
    new FailureRateAlarm(stack, 'Alarm', props);
    new FailureRateAlarm(stack, 'Described', { ...props, alarmName: 'd', alarmDescription: 'Orders failing' });
    const descriptions = Object.values(synthJson(stack).resource.aws_cloudwatch_metric_alarm).map((a: any) => a.alarm_description);
    expect(descriptions).toEqual(['Failure rate (errors / requests) above 5 %', 'Orders failing']);
  });

  test.each([
    [{ thresholdPercent: 0 }, /'thresholdPercent'/],
    [{ periodSeconds: 90 }, /'periodSeconds'.*multiple of 60/],
    [{ evaluationPeriods: 2, datapointsToAlarm: 3 }, /'datapointsToAlarm'/],
    [{ metricNamespace: '' }, /'metricNamespace': must be a non-empty string/],
    [{ errorsMetricName: '' }, /'errorsMetricName'/],
  ])('rejects %p', (override, message) => {
    expect(() => new FailureRateAlarm(newStack(), 'Alarm', { ...props, ...override })).toThrow(
      new RegExp(`FailureRateAlarm 'test/Alarm'.*${message.source}`),
    );
  });
});
