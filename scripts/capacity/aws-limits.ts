/**
 * AWS quotas and behaviours where a component of the pipeline stops scaling
 * linearly with the fleet, as the capacity model uses them. Each with the
 * AWS page that states it.
 */

export interface Limit {
  readonly value: number;
  readonly what: string;
  readonly source: string;
}

export const AWS_LIMITS = {
  albTargetsPerLoadBalancer: {
    value: 1_000,
    what: 'targets per Application Load Balancer (quota): more ingestion tasks need another load balancer (or a higher quota)',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html',
  },
  albIdleTimeoutSeconds: {
    value: 60,
    what: "an ALB's default idle timeout: a vehicle sending more often than this keeps its connection open",
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
  },
  ecsTasksPerService: {
    value: 5_000,
    what: 'tasks per ECS service (quota)',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html',
  },
  sqsFifoMessagesPerSecond: {
    value: 300,
    what: 'messages per second per API action of a FIFO queue without batching (3,000 with batches of 10; more only in high-throughput mode); a standard queue has no such limit',
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html',
  },
  sqsStandardInFlight: {
    value: 120_000,
    what: 'in-flight messages (received, not yet deleted) of a standard queue',
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html',
  },
  sqsLongPollSeconds: {
    value: 20,
    what: 'longest long-polling wait of one ReceiveMessage: an idle poller makes one request per 20 s',
    source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html',
  },
  sqsBilledChunkBytes: {
    value: 65_536,
    what: 'each 64 KiB chunk of a request payload is billed as one request',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  cacheShardsPerCluster: {
    value: 500,
    what: 'shards of one ElastiCache cluster in cluster mode',
    source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Shards.html',
  },
  cacheReservedMemoryShare: {
    value: 0.25,
    what: "share of a node's memory ElastiCache reserves by default (reserved-memory-percent) for replication and snapshots",
    source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/redis-memory-management.html',
  },
} as const satisfies Record<string, Limit>;
