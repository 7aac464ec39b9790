import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { describeValue, InvalidPropError, requireIntegerInRange, requireNonEmptyString } from '../core/prop-error';

export interface FailureRateAlarmProps {
  /** Name of the alarm. */
  readonly alarmName: string;
  /** CloudWatch namespace of the two counts the app publishes. */
  readonly metricNamespace: string;
  /** Metric counting failed requests (Sum per period). */
  readonly errorsMetricName: string;
  /** Metric counting all requests (Sum per period). */
  readonly requestsMetricName: string;
  /** Dimensions of both metrics, e.g. `{ Service: 'orders' }`. @default none */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Description of the alarm. @default 'Failure rate (errors / requests) above <threshold> %' */
  readonly alarmDescription?: string;
  /** Failure rate above which the alarm fires, in percent (1-100). @default 5 */
  readonly thresholdPercent?: number;
  /** Length of one evaluated period, in seconds (a multiple of 60). @default 60 */
  readonly periodSeconds?: number;
  /** Periods in the evaluation window. @default 5 */
  readonly evaluationPeriods?: number;
  /** Breaching periods within the window that fire the alarm. @default 3 */
  readonly datapointsToAlarm?: number;
  /** ARN of the SNS topic to notify. */
  readonly topicArn: string;
}

/**
 * Alarms on a service's failure rate, by metric math over two counts the app
 * publishes (for example in embedded metric format):
 * `100 * errors / MAX([errors, requests])`. MAX keeps the denominator
 * non-zero whenever there are errors; periods without traffic count as not
 * breaching.
 */
export class FailureRateAlarm extends Construct {
  /** ARN of the alarm. */
  public readonly alarmArn: string;

  constructor(scope: Construct, id: string, props: FailureRateAlarmProps) {
    super(scope, id);
    const threshold = props.thresholdPercent ?? 5;
    const period = props.periodSeconds ?? 60;
    const evaluationPeriods = props.evaluationPeriods ?? 5;
    const datapointsToAlarm = props.datapointsToAlarm ?? 3;
    requireNonEmptyString(this, 'metricNamespace', props.metricNamespace);
    requireNonEmptyString(this, 'errorsMetricName', props.errorsMetricName);
    requireNonEmptyString(this, 'requestsMetricName', props.requestsMetricName);
    requireIntegerInRange(this, 'thresholdPercent', threshold, 1, 100);
    requireIntegerInRange(this, 'periodSeconds', period, 60, 86_400);
    if (period % 60 !== 0) throw new InvalidPropError(this, 'periodSeconds', `must be a multiple of 60, got ${describeValue(period)}`);
    requireIntegerInRange(this, 'evaluationPeriods', evaluationPeriods, 1, 100);
    requireIntegerInRange(this, 'datapointsToAlarm', datapointsToAlarm, 1, evaluationPeriods);
    const count = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: {
        namespace: props.metricNamespace,
        metricName,
        ...(props.dimensions ? { dimensions: { ...props.dimensions } } : {}),
        stat: 'Sum',
        period,
        unit: 'Count',
      },
    });
    const alarm = new CloudwatchMetricAlarm(this, 'Resource', {
      alarmName: props.alarmName,
      alarmDescription: props.alarmDescription ?? `Failure rate (errors / requests) above ${threshold} %`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: 'notBreaching',
      metricQuery: [
        count('errors', props.errorsMetricName),
        count('requests', props.requestsMetricName),
        { id: 'failure_rate', expression: '100 * errors / MAX([errors, requests])', label: 'Failure rate (%)', returnData: true },
      ],
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
    this.alarmArn = alarm.arn;
  }
}
