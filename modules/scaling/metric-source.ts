import type { IConstruct } from 'constructs';
import type { DataAwsSqsQueue } from '@cdktf/provider-aws/lib/data-aws-sqs-queue';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { RetryQueue } from '../queue/retry-queue';

/**
 * A queue whose CloudWatch metrics (`AWS/SQS`, dimension `QueueName`) a
 * scaling policy reads: a {@link RetryQueue} (its retry queue), an
 * `aws_sqs_queue` resource, or an `aws_sqs_queue` data source for a queue
 * this configuration does not manage. A construct, not a name, so the
 * scaling construct can check that the queue is in its stack.
 */
export type ScalingQueue = RetryQueue | SqsQueue | DataAwsSqsQueue;

/** The name of `queue`, as its CloudWatch metrics carry it. */
export function scalingQueueName(queue: ScalingQueue): string {
  return 'queueName' in queue ? queue.queueName : queue.name;
}

/**
 * A load balancer or target group as CloudWatch names it, by the suffix of
 * its ARN (`app/<name>/<id>`, `targetgroup/<name>/<id>`): the provider's
 * `Lb` and `LbTargetGroup` resources and data sources have it, and so can
 * any construct that wraps them.
 */
export interface IArnSuffixSource extends IConstruct {
  /** The suffix of the ARN after `loadbalancer/` (a load balancer) or the account's `:` (a target group). */
  readonly arnSuffix: string;
}
