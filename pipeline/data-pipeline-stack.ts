import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import {
  CACHE_PORT,
  Cluster,
  Duration,
  EnvoyImage,
  Mesh,
  MeshedService,
  ServiceSecurityGroup,
  PrivateDnsNamespace,
  type AlarmTopic,
  type HttpConnectionPool,
  type AppMeshPlatform,
  type OutlierDetection,
  type RetryQueue,
  type SharedStateCache,
} from '@ev-pipeline/cdktf-mesh-constructs';
import { PROCESSING_RETRY_POLICY } from '../contract/retry-policy';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH, type RetryMode, type ServiceIdentity } from '../contract/services';
import { DataPlane, retryModeOf } from './data-plane';
import { serviceSettings, type EnvironmentConfig } from './environments';
import { deployedService, PipelineBackbone } from './pipeline-backbone';
import { pipelineServiceSpec } from './pipeline-service-spec';
import { retryLayering, RetryLayeringValidation, type RetryLayering } from './retry-layering';
import type { StackInputs } from './stack-inputs';
import { EnvVar } from '../contract/environment-variables';

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
  /** Ingestion's `RETRY_MODE`; anything but `mesh` applies the policy twice or turns it off, and `app` fails synthesis. @default RetryMode.MESH */
  readonly retryMode?: RetryMode;
}

/**
 * The article's pipeline: data-ingestion → data-processing in an App Mesh on
 * ECS Fargate, the processing route carrying the contract's retry policy,
 * with timeouts along the call path that let all of its retries happen; plus
 * the retry queue with its dead-letter queue, the shared-state cache, mesh
 * circuit breaking on processing, and alarms on dead letters and on
 * processing's failure rate (those shared with the Service Connect stack
 * through {@link PipelineBackbone}).
 */
export class DataPipelineStack extends TerraformStack {
  /** The Terraform variables of the stack. */
  public readonly inputs: StackInputs;
  /** What every service of the mesh shares; pass it to a further {@link MeshedService}. */
  public readonly platform: AppMeshPlatform;
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
  /** Who applies the retry policy, and the calls that reach processing per event. */
  public readonly retryLayering: RetryLayering;

  constructor(scope: Construct, id: string, props: DataPipelineStackProps) {
    super(scope, id);
    const { config } = props;
    const backbone = PipelineBackbone.inStack(this, { config });
    const { namePrefix, region, partition } = backbone;
    this.inputs = backbone.inputs;
    this.namePrefix = namePrefix;
    this.retryQueue = backbone.retryQueue;
    const retryMode = props.retryMode ?? retryModeOf(DataPlane.APP_MESH);

    const securityGroup = new ServiceSecurityGroup(this, 'SecurityGroup', { name: `${namePrefix}-ecs-service`, vpcId: this.inputs.vpcId });
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
      partition,
      ...(props.envoyVersion ? { envoyImage: EnvoyImage.appMeshRegional({ version: props.envoyVersion }) } : {}),
    };
    const cache = backbone.addCache(securityGroup, `${namePrefix}-shared-state`);
    if (cache) this.cache = cache;

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
    const resilienceEnvironment = backbone.resilienceEnvironment(cache);
    this.processing = new MeshedService(this, 'DataProcessing', {
      ...common,
      ...deployment(DATA_PROCESSING),
      // PROCESSING_RETRY_POLICY is the contract's object; it compiles here only while its shape fits the library's RetryPolicySpec.
      spec: pipelineServiceSpec(DATA_PROCESSING, config, this.inputs.appVersion, retryMode, {
        environment: { ...resilienceEnvironment, ...backbone.processingStoreEnvironment(cache) },
        secrets: backbone.cacheSecrets(cache, DATA_PROCESSING.name),
        retryPolicy: PROCESSING_RETRY_POLICY,
      }),
      outlierDetection: PROCESSING_OUTLIER_DETECTION,
      connectionPool: PROCESSING_CONNECTION_POOL,
      taskRoleStatements: this.retryQueue.consumerStatements(),
    });
    this.ingestion = new MeshedService(this, 'DataIngestion', {
      ...common,
      ...deployment(DATA_INGESTION),
      spec: pipelineServiceSpec(DATA_INGESTION, config, this.inputs.appVersion, retryMode, {
        environment: { ...resilienceEnvironment, [EnvVar.DATA_PROCESSING_URL]: this.processing.urlOf(EV_PATH) },
        secrets: backbone.cacheSecrets(cache, DATA_INGESTION.name),
        backends: [this.processing.virtualService],
      }),
      taskRoleStatements: this.retryQueue.producerStatements(),
    });

    backbone.addDeployRole([this.processing, this.ingestion].map((service) => deployedService(service)));
    this.alarmTopic = backbone.addAlarms();
    backbone.addOutputs(
      {
        ingestionUrl: {
          value: this.ingestion.urlOf(EV_PATH),
          description: 'URL of data-ingestion inside the mesh (reach it from a task or through Session Manager).',
        },
        repositoryUrls: { ingestion: this.ingestion.repository?.repositoryUrl, processing: this.processing.repository?.repositoryUrl },
        clusterName: this.platform.cluster.clusterName,
      },
      this.alarmTopic,
    );
    new TerraformOutput(this, 'mesh_name', { value: this.platform.mesh.meshName });

    this.retryLayering = retryLayering(DataPlane.APP_MESH, retryMode, PROCESSING_RETRY_POLICY);
    this.node.addValidation(new RetryLayeringValidation(this.node.path, this.retryLayering));
  }
}
