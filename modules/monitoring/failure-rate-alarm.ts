import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { METRICS_NAMESPACE, PipelineMetric, SERVICE_DIMENSION } from '../../contract/metrics';
import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';

export interface FailureRateAlarmProps {
  /** Name of the alarm. */
  readonly alarmName: string;
  /** The service whose failure rate is watched (the `Service` dimension the app publishes). */
  readonly serviceName: string;
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
 * Alarms on a service's failure rate, by metric math over the counts the app
 * publishes in embedded metric format: `100 * errors / MAX([errors, requests])`
 * (the expression of seed 002; MAX keeps the denominator non-zero whenever
 * there are errors, and periods without traffic count as not breaching).
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
    requireIntegerInRange(this, 'thresholdPercent', threshold, 1, 100);
    requireIntegerInRange(this, 'periodSeconds', period, 60, 86_400);
    if (period % 60 !== 0) throw new InvalidPropError(this, 'periodSeconds', `must be a multiple of 60, got ${period}`);
    requireIntegerInRange(this, 'evaluationPeriods', evaluationPeriods, 1, 100);
    requireIntegerInRange(this, 'datapointsToAlarm', datapointsToAlarm, 1, evaluationPeriods);
    const count = (id: string, metric: PipelineMetric) => ({
      id,
      returnData: false,
      metric: {
        namespace: METRICS_NAMESPACE,
        metricName: metric,
        dimensions: { [SERVICE_DIMENSION]: props.serviceName },
        stat: 'Sum',
        period,
        unit: 'Count',
      },
    });
    const alarm = new CloudwatchMetricAlarm(this, 'Resource', {
      alarmName: props.alarmName,
      alarmDescription: `Share of ${props.serviceName}'s POST /ev answered with 5xx above ${threshold} %`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: 'notBreaching',
      metricQuery: [
        count('errors', PipelineMetric.ERRORS),
        count('requests', PipelineMetric.REQUESTS),
        { id: 'failure_rate', expression: '100 * errors / MAX([errors, requests])', label: 'Failure rate (%)', returnData: true },
      ],
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
    this.alarmArn = alarm.arn;
  }
}
