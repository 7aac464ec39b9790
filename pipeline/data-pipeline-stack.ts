import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  accountIdOf,
  AlarmTopic,
  CACHE_PORT,
  Cluster,
  ContainerHealthCheck,
  DeadLetterAlarm,
  Duration,
  EnvoyImage,
  FailureRateAlarm,
  HttpProbeRuntime,
  Mesh,
  MeshedService,
  MeshSecurityGroup,
  PrivateDnsNamespace,
  RedriveOperatorPolicy,
  RetryQueue,
  ServiceImage,
  SharedStateCache,
  type HttpConnectionPool,
  type MeshPlatform,
  type OutlierDetection,
  type ServiceSpec,
} from '@ev-pipeline/cdktf-mesh-constructs';
import { METRICS_NAMESPACE, PipelineMetric, SERVICE_DIMENSION } from '../contract/metrics';
import { PROCESSING_RETRY_POLICY } from '../contract/retry-policy';
import { RETRY_QUEUE_SETTINGS } from '../contract/retry-queue';
import { APP_USER, DATA_INGESTION, DATA_PROCESSING, EV_PATH, RetryMode, type ServiceIdentity } from '../contract/services';
import { serviceSettings, type EnvironmentConfig } from './environments';
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

/**
 * The spec of one of the pipeline's services: its identity from the
 * contract, its sizes and timeouts from the environment, the app image
 * tagged `var.app_version`, and the environment every app needs (its port,
 * and `RETRY_MODE=mesh`: Envoy applies the retry policy, the app does not).
 */
function pipelineServiceSpec(
  identity: ServiceIdentity,
  config: EnvironmentConfig,
  appVersion: string,
  rest: Pick<ServiceSpec, 'backends' | 'retryPolicy'> & { readonly environment: Readonly<Record<string, string>> },
): ServiceSpec {
  const settings = serviceSettings(config, identity.name);
  return {
    name: identity.name,
    port: identity.port,
    image: ServiceImage.fromOwnRepository(appVersion),
    size: { cpu: settings.taskDefinition.cpu, memory: settings.taskDefinition.memory },
    environment: { ...rest.environment, APP_PORT: String(identity.port), RETRY_MODE: RetryMode.MESH },
    ...(rest.backends ? { backends: rest.backends } : {}),
    timeouts: settings.timeouts,
    ...(rest.retryPolicy ? { retryPolicy: rest.retryPolicy } : {}),
    // The Node slim images have no curl: Node's fetch probes the health check.
    healthCheck: ContainerHealthCheck.http({ path: identity.healthCheckPath, runtime: HttpProbeRuntime.NODE }),
    user: APP_USER,
  };
}

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
  /** Prefix of resource names, `<env>-<project>`. */
  public readonly namePrefix: string;
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

    this.namePrefix = namePrefix;
    const securityGroup = new MeshSecurityGroup(this, 'SecurityGroup', { name: `${namePrefix}-ecs-service`, vpcId: this.inputs.vpcId });
    this.platform = {
      mesh: new Mesh(this, 'Mesh', { name: `${namePrefix}-app-mesh` }),
      namespace: new PrivateDnsNamespace(this, 'Namespace', {
        name: `${config.env}.${this.inputs.internalDomain}`,
        vpcId: this.inputs.vpcId,
        description: `${namePrefix}-private-dns-namespace`,
      }),
      cluster: new Cluster(this, 'Cluster', { name: `${namePrefix}-ecs-cluster` }),
      securityGroup,
      namePrefix,
      region,
      subnetIds: this.inputs.protectedSubnetIds,
      envoyImage: EnvoyImage.appMeshRegional({ region, partition, ...(props.envoyVersion ? { version: props.envoyVersion } : {}) }),
    };

    this.retryQueue = new RetryQueue(this, 'RetryQueue', { name: `${namePrefix}-retry`, settings: RETRY_QUEUE_SETTINGS });
    const redriveOperator = new RedriveOperatorPolicy(this, 'RedriveOperatorPolicy', {
      name: `${namePrefix}-redrive-operator`,
      queue: this.retryQueue,
      description: 'Redrive the pipeline dead-letter queue into its retry queue (npm run redrive)',
    });
    if (config.sharedStateCache) {
      this.cache = new SharedStateCache(this, 'SharedStateCache', {
        name: `${namePrefix}-shared-state`,
        vpcId: this.inputs.vpcId,
        subnetIds: this.inputs.protectedSubnetIds,
        clientSecurityGroupId: securityGroup.securityGroupId,
        nodeType: config.sharedStateCache.nodeType,
        nodeCount: config.sharedStateCache.nodeCount,
      });
      securityGroup.allowEgressTo(CACHE_PORT, this.cache.securityGroupId, 'Valkey/Redis shared state');
    }

    const common = {
      platform: this.platform,
      logRetentionDays: config.logRetentionDays,
      enableExecuteCommand: config.enableExecuteCommand,
      egressIgnoredPorts: APP_EGRESS_IGNORED_PORTS,
    };
    const deployment = (identity: ServiceIdentity) => {
      const { desiredCount, deploymentMaximumPercent, deploymentMinimumHealthyPercent, taskDefinition } = serviceSettings(
        config,
        identity.name,
      );
      const { envoyCpu, envoyMemory, xrayCpu, xrayMemory } = taskDefinition;
      return {
        desiredCount,
        deploymentMaximumPercent,
        deploymentMinimumHealthyPercent,
        sidecarSize: { envoyCpu, envoyMemory, xrayCpu, xrayMemory },
      };
    };
    const resilienceEnvironment: Record<string, string> = {
      AWS_REGION: region,
      RETRY_QUEUE_URL: this.retryQueue.queueUrl,
      DLQ_URL: this.retryQueue.deadLetterQueueUrl,
      ...(this.cache ? { REDIS_URL: this.cache.redisUrl } : {}),
    };
    this.processing = new MeshedService(this, 'DataProcessing', {
      ...common,
      ...deployment(DATA_PROCESSING),
      // PROCESSING_RETRY_POLICY is the contract's object; it compiles here only while its shape fits the library's RetryPolicySpec.
      spec: pipelineServiceSpec(DATA_PROCESSING, config, this.inputs.appVersion, {
        environment: resilienceEnvironment,
        retryPolicy: PROCESSING_RETRY_POLICY,
      }),
      outlierDetection: PROCESSING_OUTLIER_DETECTION,
      connectionPool: PROCESSING_CONNECTION_POOL,
      taskRoleStatements: this.retryQueue.consumerStatements(),
    });
    this.ingestion = new MeshedService(this, 'DataIngestion', {
      ...common,
      ...deployment(DATA_INGESTION),
      spec: pipelineServiceSpec(DATA_INGESTION, config, this.inputs.appVersion, {
        environment: { ...resilienceEnvironment, DATA_PROCESSING_URL: this.processing.urlOf(EV_PATH) },
        backends: [this.processing.virtualService],
      }),
      taskRoleStatements: this.retryQueue.producerStatements(),
    });

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      name: `${namePrefix}-alarms`,
      accountId: accountIdOf(this.retryQueue.queueArn),
      partition,
    });
    new DeadLetterAlarm(this, 'DeadLetterAlarm', {
      alarmName: `${namePrefix}-dead-letters`,
      alarmDescription: 'Events reached the dead-letter queue; inspect them, fix the cause, then npm run redrive',
      deadLetterQueueName: this.retryQueue.deadLetterQueueName,
      topicArn: this.alarmTopic.topicArn,
    });
    new FailureRateAlarm(this, 'ProcessingFailureRateAlarm', {
      alarmName: `${namePrefix}-${DATA_PROCESSING.name}-failure-rate`,
      metricNamespace: METRICS_NAMESPACE,
      errorsMetricName: PipelineMetric.ERRORS,
      requestsMetricName: PipelineMetric.REQUESTS,
      dimensions: { [SERVICE_DIMENSION]: DATA_PROCESSING.name },
      alarmDescription: `Share of ${DATA_PROCESSING.name}'s POST ${EV_PATH} answered with 5xx above ${config.failureRateAlarmPercent} %`,
      thresholdPercent: config.failureRateAlarmPercent,
      topicArn: this.alarmTopic.topicArn,
    });

    new TerraformOutput(this, 'ingestion_url', {
      value: this.ingestion.urlOf(EV_PATH),
      description: 'URL of data-ingestion inside the mesh (reach it from a task or through Session Manager).',
    });
    new TerraformOutput(this, 'ecr_repository_urls', {
      value: {
        [DATA_INGESTION.name]: this.ingestion.repository?.repositoryUrl,
        [DATA_PROCESSING.name]: this.processing.repository?.repositoryUrl,
      },
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
