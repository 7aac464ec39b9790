import type { AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification } from '@cdktf/provider-aws/lib/appautoscaling-policy';

/** The ECS service whose running tasks the backlog is shared by. */
export interface BacklogConsumers {
  /** Name of the service's cluster (Container Insights must be on: it publishes `RunningTaskCount`). */
  readonly clusterName: string;
  /** Name of the ECS service. */
  readonly serviceName: string;
}

/** The metric math expression: messages in the queue (waiting or held by a consumer) per running task; fewer than one task counts as one. */
export const BACKLOG_PER_TASK_EXPRESSION = '(visible + in_flight) / IF(tasks < 1, 1, tasks)';

/**
 * The customized metric of a target-tracking policy on queue backlog per
 * task, by metric math over one-minute averages: the queue's
 * `ApproximateNumberOfMessagesVisible` plus `ApproximateNumberOfMessagesNotVisible`
 * (received and not yet deleted: in a consumer's hands, or waiting out a
 * back-off set with `ChangeMessageVisibility`), divided by the service's
 * `RunningTaskCount` from Container Insights. `IF(tasks < 1, 1, tasks)`
 * keeps the divisor at least one, so a minute without running tasks reads
 * as the whole backlog on one task, never a division by zero.
 */
export function queueBacklogPerTaskMetric(
  queueName: string,
  consumers: BacklogConsumers,
): AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification {
  const queueMetric = (id: string, metricName: string, label: string) => ({
    id,
    label,
    returnData: false,
    metricStat: {
      metric: { namespace: 'AWS/SQS', metricName, dimensions: [{ name: 'QueueName', value: queueName }] },
      stat: 'Average',
    },
  });
  return {
    metrics: [
      queueMetric('visible', 'ApproximateNumberOfMessagesVisible', 'Messages waiting in the queue'),
      queueMetric('in_flight', 'ApproximateNumberOfMessagesNotVisible', 'Messages received and not yet deleted'),
      {
        id: 'tasks',
        label: 'Running tasks of the consuming service',
        returnData: false,
        metricStat: {
          metric: {
            namespace: 'ECS/ContainerInsights',
            metricName: 'RunningTaskCount',
            dimensions: [
              { name: 'ClusterName', value: consumers.clusterName },
              { name: 'ServiceName', value: consumers.serviceName },
            ],
          },
          stat: 'Average',
        },
      },
      { id: 'backlog_per_task', label: 'Queue backlog per running task', expression: BACKLOG_PER_TASK_EXPRESSION, returnData: true },
    ],
  };
}
