import { TerraformOutput, type TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  accountIdOf,
  AlarmTopic,
  CACHE_PORT,
  DeadLetterAlarm,
  FailureRateAlarm,
  RedriveOperatorPolicy,
  RetryQueue,
  SharedStateCache,
  type MeshSecurityGroup,
} from '@ev-pipeline/cdktf-mesh-constructs';
import { METRICS_NAMESPACE, PipelineMetric, SERVICE_DIMENSION } from '../contract/metrics';
import { RETRY_QUEUE_SETTINGS } from '../contract/retry-queue';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH } from '../contract/services';
import type { EnvironmentConfig } from './environments';
import { StackInputs } from './stack-inputs';

export interface PipelineBackboneProps {
  /** The environment's typed configuration. */
  readonly config: EnvironmentConfig;
  /** Appended to `<env>-<project>` in every resource name, so that stacks of two data planes can share an account. @default none */
  readonly nameSuffix?: string;
}

/** The stack-specific values of the outputs every pipeline stack has. */
export interface PipelineOutputs {
  /** URL of ingestion's `POST /ev` inside the data plane, and how to reach it. */
  readonly ingestionUrl: { readonly value: string; readonly description: string };
  /** The ECR repository URL of each service. */
  readonly repositoryUrls: { readonly ingestion: string | undefined; readonly processing: string | undefined };
  /** The ECS cluster's name. */
  readonly clusterName: string;
}

/**
 * What the pipeline's stacks share whatever their data plane: the Terraform
 * inputs and the provider, the retry queue with its dead-letter queue and
 * the redrive operators' policy, the shared-state cache, the alarms and the
 * common outputs. Its resources are created in the stack's own scope, under
 * the same construct IDs in every stack, so their logical IDs (and the App
 * Mesh stack's state addresses) do not depend on this module.
 */
export class PipelineBackbone {
  /** The inputs, provider, region and partition, the retry queue and the redrive policy, in `stack`. */
  public static inStack(stack: TerraformStack, props: PipelineBackboneProps): PipelineBackbone {
    return new PipelineBackbone(stack, props);
  }

  /** The Terraform variables of the stack. */
  public readonly inputs: StackInputs;
  /** Prefix of resource names, `<env>-<project>[-<suffix>]`. */
  public readonly namePrefix: string;
  /** The provider's region (a data source reference). */
  public readonly region: string;
  /** The partition (a data source reference). */
  public readonly partition: string;
  /** The retry queue and its dead-letter queue. */
  public readonly retryQueue: RetryQueue;
  /** The managed policy of the redrive operators. */
  public readonly redriveOperator: RedriveOperatorPolicy;

  private constructor(
    private readonly stack: TerraformStack,
    private readonly props: PipelineBackboneProps,
  ) {
    const { config } = props;
    this.inputs = new StackInputs(stack, 'Inputs');
    this.namePrefix = [config.env, this.inputs.project, ...(props.nameSuffix ? [props.nameSuffix] : [])].join('-');
    new AwsProvider(stack, 'aws', {
      region: this.inputs.region,
      defaultTags: [{ tags: { Project: this.inputs.project, Environment: config.env, ManagedBy: 'cdktf' } }],
    });
    this.region = new DataAwsRegion(stack, 'current').name;
    this.partition = new DataAwsPartition(stack, 'partition').partition;
    this.retryQueue = new RetryQueue(stack, 'RetryQueue', { name: `${this.namePrefix}-retry`, settings: RETRY_QUEUE_SETTINGS });
    this.redriveOperator = new RedriveOperatorPolicy(stack, 'RedriveOperatorPolicy', {
      name: `${this.namePrefix}-redrive-operator`,
      queue: this.retryQueue,
      description: 'Redrive the pipeline dead-letter queue into its retry queue (npm run redrive)',
    });
  }

  /**
   * The shared-state cache, when the environment has one, reachable from the
   * members of `clients` only; `name` is its replication group ID (at most
   * 40 characters).
   */
  public addCache(clients: MeshSecurityGroup, name: string): SharedStateCache | undefined {
    const settings = this.props.config.sharedStateCache;
    if (!settings) return undefined;
    const cache = new SharedStateCache(this.stack, 'SharedStateCache', {
      name,
      vpcId: this.inputs.vpcId,
      subnetIds: this.inputs.protectedSubnetIds,
      clientSecurityGroupId: clients.securityGroupId,
      nodeType: settings.nodeType,
      nodeCount: settings.nodeCount,
    });
    clients.allowEgressTo(CACHE_PORT, cache.securityGroupId, 'Valkey/Redis shared state');
    return cache;
  }

  /** The environment both apps need for failure handling: region, queues and, with a cache, its URL. */
  public resilienceEnvironment(cache: SharedStateCache | undefined): Record<string, string> {
    return {
      AWS_REGION: this.region,
      RETRY_QUEUE_URL: this.retryQueue.queueUrl,
      DLQ_URL: this.retryQueue.deadLetterQueueUrl,
      ...(cache ? { REDIS_URL: cache.redisUrl } : {}),
    };
  }

  /** The alarm topic and the alarms on dead letters and on processing's failure rate. */
  public addAlarms(): AlarmTopic {
    const { config } = this.props;
    const alarmTopic = new AlarmTopic(this.stack, 'AlarmTopic', {
      name: `${this.namePrefix}-alarms`,
      accountId: accountIdOf(this.retryQueue.queueArn),
      partition: this.partition,
    });
    new DeadLetterAlarm(this.stack, 'DeadLetterAlarm', {
      alarmName: `${this.namePrefix}-dead-letters`,
      alarmDescription: 'Events reached the dead-letter queue; inspect them, fix the cause, then npm run redrive',
      deadLetterQueueName: this.retryQueue.deadLetterQueueName,
      topicArn: alarmTopic.topicArn,
    });
    new FailureRateAlarm(this.stack, 'ProcessingFailureRateAlarm', {
      alarmName: `${this.namePrefix}-${DATA_PROCESSING.name}-failure-rate`,
      metricNamespace: METRICS_NAMESPACE,
      errorsMetricName: PipelineMetric.ERRORS,
      requestsMetricName: PipelineMetric.REQUESTS,
      dimensions: { [SERVICE_DIMENSION]: DATA_PROCESSING.name },
      alarmDescription: `Share of ${DATA_PROCESSING.name}'s POST ${EV_PATH} answered with 5xx above ${config.failureRateAlarmPercent} %`,
      thresholdPercent: config.failureRateAlarmPercent,
      topicArn: alarmTopic.topicArn,
    });
    return alarmTopic;
  }

  /** The outputs every pipeline stack has; a stack adds those of its data plane itself. */
  public addOutputs(outputs: PipelineOutputs, alarmTopic: AlarmTopic): void {
    new TerraformOutput(this.stack, 'ingestion_url', outputs.ingestionUrl);
    new TerraformOutput(this.stack, 'ecr_repository_urls', {
      value: { [DATA_INGESTION.name]: outputs.repositoryUrls.ingestion, [DATA_PROCESSING.name]: outputs.repositoryUrls.processing },
      description: 'Push the app images here, tagged with var.app_version.',
    });
    new TerraformOutput(this.stack, 'cluster_name', { value: outputs.clusterName });
    new TerraformOutput(this.stack, 'retry_queue_url', { value: this.retryQueue.queueUrl });
    new TerraformOutput(this.stack, 'dlq_url', { value: this.retryQueue.deadLetterQueueUrl, description: 'DLQ_URL of npm run redrive.' });
    new TerraformOutput(this.stack, 'alarm_topic_arn', { value: alarmTopic.topicArn, description: 'Subscribe to receive the alarms.' });
    new TerraformOutput(this.stack, 'redrive_operator_policy_arn', {
      value: this.redriveOperator.policyArn,
      description: 'Attach to the role that runs npm run redrive.',
    });
  }
}
