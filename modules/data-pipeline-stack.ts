import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PROCESSING_RETRY_POLICY } from '../contract/retry-policy';
import { RETRY_QUEUE_SETTINGS } from '../contract/retry-queue';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH } from '../contract/services';
import { serviceSettings, type EnvironmentConfig } from '../config/environments';
import { CACHE_PORT, SharedStateCache } from './cache/shared-state-cache';
import { accountIdOf } from './core/arn';
import { Duration } from './core/duration';
import { PrivateDnsNamespace } from './discovery/private-dns-namespace';
import { Cluster } from './ecs/cluster';
import { EnvoyImage } from './ecs/envoy-image';
import type { HttpConnectionPool } from './mesh/connection-pool';
import { Mesh } from './mesh/mesh';
import type { OutlierDetection } from './mesh/outlier-detection';
import { RetryPolicy } from './mesh/retry-policy';
import type { MeshPlatform } from './mesh-platform';
import { MeshedService } from './meshed-service';
import { AlarmTopic } from './monitoring/alarm-topic';
import { DeadLetterAlarm } from './monitoring/dead-letter-alarm';
import { FailureRateAlarm } from './monitoring/failure-rate-alarm';
import { MeshSecurityGroup } from './network/mesh-security-group';
import { RedriveOperatorPolicy } from './queue/redrive-operator-policy';
import { RetryQueue } from './queue/retry-queue';
import { StackInputs } from './stack-inputs';

/**
 * Mesh-level circuit breaking on data-processing (the counterpart of
 * ingestion's in-process breaker): callers' Envoys eject a processing task
 * after 5 consecutive 5xx for 30 s (growing with each ejection), at most half
 * of the tasks at once.
 */
const PROCESSING_OUTLIER_DETECTION: OutlierDetection = {
  maxServerErrors: 5,
  interval: Duration.seconds(10),
  baseEjectionDuration: Duration.seconds(30),
  maxEjectionPercent: 50,
};

/**
 * Bounds the requests processing's Envoy lets into the app: beyond them it
 * answers 503 at once (a gateway error, which the route retries) instead of
 * queueing without bound.
 */
const PROCESSING_CONNECTION_POOL: HttpConnectionPool = { maxConnections: 256, maxPendingRequests: 1024 };

/** Outbound ports of the apps that bypass Envoy: SSH (the article), HTTPS to AWS APIs (SQS), and Valkey/Redis. */
const APP_EGRESS_IGNORED_PORTS = [22, 443, CACHE_PORT];

export interface DataPipelineStackProps {
  /** The environment's typed configuration. */
  readonly config: EnvironmentConfig;
  /** Tag of the App Mesh Envoy image. @default DEFAULT_ENVOY_VERSION */
  readonly envoyVersion?: string;
}

/**
 * The article's pipeline: data-ingestion → data-processing in an App Mesh on
 * ECS Fargate, the processing route carrying the contract's retry policy,
 * with timeouts along the call path that let all of its retries happen; plus
 * the retry queue with its dead-letter queue, the shared-state cache, mesh
 * circuit breaking on processing, and alarms on dead letters and on
 * processing's failure rate.
 */
export class DataPipelineStack extends TerraformStack {
  /** The Terraform variables of the stack. */
  public readonly inputs: StackInputs;
  /** What every service of the mesh shares; pass it to a further {@link MeshedService}. */
  public readonly platform: MeshPlatform;
  /** The data-processing service. */
  public readonly processing: MeshedService;
  /** The data-ingestion service. */
  public readonly ingestion: MeshedService;
  /** The retry queue and its dead-letter queue. */
  public readonly retryQueue: RetryQueue;
  /** The shared-state cache, when the environment has one. */
  public readonly cache?: SharedStateCache;
  /** The SNS topic of the pipeline's alarms. */
  public readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: DataPipelineStackProps) {
    super(scope, id);
    const { config } = props;
    this.inputs = new StackInputs(this, 'Inputs');
    const namePrefix = `${config.env}-${this.inputs.project}`;
    new AwsProvider(this, 'aws', {
      region: this.inputs.region,
      defaultTags: [{ tags: { Project: this.inputs.project, Environment: config.env, ManagedBy: 'cdktf' } }],
    });
    const region = new DataAwsRegion(this, 'current').name;
    const partition = new DataAwsPartition(this, 'partition').partition;

    const dnsDomain = `${config.env}.${this.inputs.internalDomain}`;
    this.platform = {
      mesh: new Mesh(this, 'Mesh', { name: `${namePrefix}-app-mesh` }),
      namespace: new PrivateDnsNamespace(this, 'Namespace', {
        name: dnsDomain,
        vpcId: this.inputs.vpcId,
        description: `${namePrefix}-private-dns-namespace`,
      }),
      dnsDomain,
      cluster: new Cluster(this, 'Cluster', { name: `${namePrefix}-ecs-cluster` }),
      securityGroup: new MeshSecurityGroup(this, 'SecurityGroup', {
        name: `${namePrefix}-ecs-service`,
        vpcId: this.inputs.vpcId,
      }),
      namePrefix,
      region,
      partition,
      subnetIds: this.inputs.protectedSubnetIds,
      appVersion: this.inputs.appVersion,
      envoyImage: EnvoyImage.appMeshRegional({ region, partition, version: props.envoyVersion }),
    };

    this.retryQueue = new RetryQueue(this, 'RetryQueue', { name: `${namePrefix}-retry`, settings: RETRY_QUEUE_SETTINGS });
    const redriveOperator = new RedriveOperatorPolicy(this, 'RedriveOperatorPolicy', {
      name: `${namePrefix}-redrive-operator`,
      queue: this.retryQueue,
    });
    if (config.sharedStateCache) {
      this.cache = new SharedStateCache(this, 'SharedStateCache', {
        name: `${namePrefix}-shared-state`,
        vpcId: this.inputs.vpcId,
        subnetIds: this.inputs.protectedSubnetIds,
        clientSecurityGroupId: this.platform.securityGroup.securityGroupId,
        nodeType: config.sharedStateCache.nodeType,
        nodeCount: config.sharedStateCache.nodeCount,
      });
      this.platform.securityGroup.allowEgressTo(CACHE_PORT, this.cache.securityGroupId, 'Valkey/Redis shared state');
    }

    const common = {
      platform: this.platform,
      logRetentionDays: config.logRetentionDays,
      enableExecuteCommand: config.enableExecuteCommand,
      egressIgnoredPorts: APP_EGRESS_IGNORED_PORTS,
    };
    const resilienceEnvironment: Record<string, string> = {
      AWS_REGION: region,
      RETRY_QUEUE_URL: this.retryQueue.queueUrl,
      DLQ_URL: this.retryQueue.deadLetterQueueUrl,
      ...(this.cache ? { REDIS_URL: this.cache.redisUrl } : {}),
    };
    this.processing = new MeshedService(this, 'DataProcessing', {
      ...common,
      identity: DATA_PROCESSING,
      settings: serviceSettings(config, DATA_PROCESSING.name),
      retryPolicy: RetryPolicy.fromSpec(PROCESSING_RETRY_POLICY),
      outlierDetection: PROCESSING_OUTLIER_DETECTION,
      connectionPool: PROCESSING_CONNECTION_POOL,
      appEnvironment: resilienceEnvironment,
      taskRoleStatements: this.retryQueue.consumerStatements(),
    });
    this.ingestion = new MeshedService(this, 'DataIngestion', {
      ...common,
      identity: DATA_INGESTION,
      settings: serviceSettings(config, DATA_INGESTION.name),
      backends: [this.processing],
      appEnvironment: { ...resilienceEnvironment, DATA_PROCESSING_URL: this.processing.urlOf(EV_PATH) },
      taskRoleStatements: this.retryQueue.producerStatements(),
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      name: `${namePrefix}-alarms`,
      accountId: accountIdOf(this.retryQueue.queueArn),
      partition,
    });
    new DeadLetterAlarm(this, 'DeadLetterAlarm', {
      alarmName: `${namePrefix}-dead-letters`,
      deadLetterQueueName: this.retryQueue.deadLetterQueueName,
      topicArn: this.alarmTopic.topicArn,
    });
    new FailureRateAlarm(this, 'ProcessingFailureRateAlarm', {
      alarmName: `${namePrefix}-${DATA_PROCESSING.name}-failure-rate`,
      serviceName: DATA_PROCESSING.name,
      thresholdPercent: config.failureRateAlarmPercent,
      topicArn: this.alarmTopic.topicArn,
    });

    new TerraformOutput(this, 'ingestion_url', {
      value: this.ingestion.urlOf(EV_PATH),
      description: 'URL of data-ingestion inside the mesh (reach it from a task or through Session Manager).',
    });
    new TerraformOutput(this, 'ecr_repository_urls', {
      value: { [DATA_INGESTION.name]: this.ingestion.repository.repositoryUrl, [DATA_PROCESSING.name]: this.processing.repository.repositoryUrl },
      description: 'Push the app images here, tagged with var.app_version.',
    });
    new TerraformOutput(this, 'cluster_name', { value: this.platform.cluster.clusterName });
    new TerraformOutput(this, 'mesh_name', { value: this.platform.mesh.meshName });
    new TerraformOutput(this, 'retry_queue_url', { value: this.retryQueue.queueUrl });
    new TerraformOutput(this, 'dlq_url', { value: this.retryQueue.deadLetterQueueUrl, description: 'DLQ_URL of npm run redrive.' });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.alarmTopic.topicArn, description: 'Subscribe to receive the alarms.' });
    new TerraformOutput(this, 'redrive_operator_policy_arn', {
      value: redriveOperator.policyArn,
      description: 'Attach to the role that runs npm run redrive.',
    });
  }
}
