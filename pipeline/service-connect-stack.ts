import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import {
  ASSUMED_SERVICE_CONNECT_PROXY_RETRIES,
  Cluster,
  Duration,
  FrontDoor,
  FrontDoorAccessLogs,
  FrontDoorCertificate,
  HttpNamespace,
  PemObject,
  ScalingPolicy,
  taskScaleInProtectionStatements,
  type ServiceScalingSpec,
  ServiceSecurityGroup,
  OtelCollectorSidecar,
  ServiceConnectService,
  type AlarmTopic,
  type RetryQueue,
  type ServiceConnectPlatform,
  type SharedStateCache,
} from '@ev-pipeline/cdktf-mesh-constructs';
import {
  ANSWER_DEADLINE_MS,
  APP_KEEP_ALIVE_TIMEOUT_MS,
  ENVOY_DEFAULT_BACKOFF,
  FRONT_DOOR_IDLE_TIMEOUT_MS,
  PROCESSING_CALL_TIMEOUT_MS,
  PROCESSING_RETRY_POLICY,
  type RetryPolicySpec,
} from '../contract/retry-policy';
import { VehicleAuth } from '../contract/vehicle-auth';
import { FrontDoorInputs } from './front-door-inputs';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH, RetryMode, type ServiceIdentity } from '../contract/services';
import { ADOT_COLLECTOR_CONFIG, COLLECTOR_HEALTH_CHECK_PORT, SIDECAR_OTLP_ENDPOINT } from '../contract/tracing';
import { DataPlane, nameSuffixOf, retryModeOf } from './data-plane';
import { serviceSettings, type EnvironmentConfig } from './environments';
import { deployedService, PipelineBackbone } from './pipeline-backbone';
import { pipelineServiceSpec } from './pipeline-service-spec';
import { retryLayering, RetryLayeringValidation, type RetryLayering } from './retry-layering';
import type { StackInputs } from './stack-inputs';
import { EnvVar } from '../contract/environment-variables';

/**
 * The per-request timeout of the Service Connect proxy in front of a service
 * whose callers apply `policy` in-process: each app attempt is one request
 * through the proxy, so the proxy needs to allow one attempt, not the whole
 * schedule. The next whole second above the per-retry timeout (Service
 * Connect takes seconds): the app's own per-attempt timeout ends a slow
 * attempt first, and the app classifies that failure itself.
 */
export function perAttemptProxyTimeout(policy: RetryPolicySpec): Duration {
  return Duration.seconds(Math.floor(policy.perRetryTimeoutMs / 1_000) + 1);
}

/** Target CPU utilisation of processing's tasks, in percent: room for a burst while new tasks start. */
const SCALING_CPU_TARGET_PERCENT = 60;
/**
 * Requests per minute one ingestion task is to take at most before another
 * starts: 500 per second, a fifth of one vCPU at the ~400 µs of CPU per
 * request the benchmark measures (docs/capacity.md), the rest left for bursts
 * and the proxy.
 */
const SCALING_REQUESTS_PER_TASK_PER_MINUTE = 30_000;
/** Retry-queue messages (visible and in flight) per processing task before another starts: ten receives of ten. */
const SCALING_BACKLOG_PER_TASK = 100;
/** What ingestion may spend parking an event after its answer deadline (one SQS send, retried by the SDK). */
const PARKING_HEADROOM_MS = 5_000;

export interface ServiceConnectPipelineStackProps {
  /** The environment's typed configuration. */
  readonly config: EnvironmentConfig;
  /** Ingestion's `RETRY_MODE`; `mesh` leaves the policy to nobody and fails synthesis. @default RetryMode.APP */
  readonly retryMode?: RetryMode;
}

/**
 * The same pipeline on Amazon ECS Service Connect, deployable today: the
 * same two services from the same specs, in a Cloud Map HTTP namespace of
 * their own, each with a security group of its own (ingestion reaches
 * processing on processing's port only); ingestion applies the contract's
 * retry policy in-process (`RETRY_MODE=app`) through the proxy, with the
 * deadline the contract derives from that policy; an AWS Distro for
 * OpenTelemetry collector in each task exports the services' spans to
 * X-Ray. Queues, cache, alarms and outputs are those of every pipeline stack
 * ({@link PipelineBackbone}); names end in `-sc`, so it can run next to the
 * App Mesh stack in one account.
 */
export class ServiceConnectPipelineStack extends TerraformStack {
  /** The Terraform variables of the stack. */
  public readonly inputs: StackInputs;
  /** What every service of the namespace shares; pass it to a further {@link ServiceConnectService}. */
  public readonly platform: ServiceConnectPlatform;
  /** Prefix of resource names, `<env>-<project>-sc`. */
  public readonly namePrefix: string;
  /** The data-processing service. */
  public readonly processing: ServiceConnectService;
  /** The data-ingestion service. */
  public readonly ingestion: ServiceConnectService;
  /** The retry queue and its dead-letter queue. */
  public readonly retryQueue: RetryQueue;
  /** The shared-state cache, when the environment has one. */
  public readonly cache?: SharedStateCache;
  /** The SNS topic of the pipeline's alarms. */
  public readonly alarmTopic: AlarmTopic;
  /** Who applies the retry policy, and the calls that reach processing per event. */
  public readonly retryLayering: RetryLayering;
  /** The front door vehicles reach ingestion through: HTTPS with their own certificate (mutual TLS, verify mode), WAF. */
  public readonly frontDoor: FrontDoor;

  constructor(scope: Construct, id: string, props: ServiceConnectPipelineStackProps) {
    super(scope, id);
    const { config } = props;
    const backbone = PipelineBackbone.inStack(this, { config, nameSuffix: nameSuffixOf(DataPlane.SERVICE_CONNECT) });
    const { namePrefix, region, partition } = backbone;
    this.inputs = backbone.inputs;
    this.namePrefix = namePrefix;
    this.retryQueue = backbone.retryQueue;
    const retryMode = props.retryMode ?? retryModeOf(DataPlane.SERVICE_CONNECT);

    const securityGroup = new ServiceSecurityGroup(this, 'SecurityGroup', { name: `${namePrefix}-ecs-service`, vpcId: this.inputs.vpcId });
    const namespace = new HttpNamespace(this, 'Namespace', {
      name: namePrefix,
      description: `Service Connect namespace of the ${config.env} EV pipeline`,
    });
    this.platform = {
      namespace,
      cluster: new Cluster(this, 'Cluster', { name: `${namePrefix}-ecs-cluster`, serviceConnectNamespaceArn: namespace.namespaceArn }),
      securityGroup,
      subnetIds: this.inputs.protectedSubnetIds,
      region,
      partition,
      namePrefix,
    };
    // The replication group ID has at most 40 characters: `<env>-<project up to 21>-sc-state` fits.
    const cache = backbone.addCache(securityGroup, `${namePrefix}-state`);
    if (cache) this.cache = cache;

    const collector = OtelCollectorSidecar.awsDistro({
      configuration: ADOT_COLLECTOR_CONFIG,
      healthCheckPort: COLLECTOR_HEALTH_CHECK_PORT,
    });
    const common = {
      platform: this.platform,
      collector,
      logRetentionDays: config.logRetentionDays,
      enableExecuteCommand: config.enableExecuteCommand,
    };
    const deployment = (identity: ServiceIdentity) => {
      const { deploymentMaximumPercent, deploymentMinimumHealthyPercent } = serviceSettings(config, identity.name);
      return { deploymentMaximumPercent, deploymentMinimumHealthyPercent };
    };
    const scaling = (identity: ServiceIdentity, policies: readonly ScalingPolicy[]): ServiceScalingSpec => ({
      ...serviceSettings(config, identity.name).scaling,
      policies,
      budget: config.scalingBudget,
    });
    this.frontDoor = this.addFrontDoor(config, region);
    const environment = { ...backbone.resilienceEnvironment(cache), [EnvVar.OTEL_EXPORTER_OTLP_ENDPOINT]: SIDECAR_OTLP_ENDPOINT };
    const processingTimeout = perAttemptProxyTimeout(PROCESSING_RETRY_POLICY);
    this.processing = new ServiceConnectService(this, 'DataProcessing', {
      ...common,
      ...deployment(DATA_PROCESSING),
      spec: pipelineServiceSpec(DATA_PROCESSING, config, this.inputs.appVersion, retryMode, {
        environment: { ...environment, ...backbone.processingStoreEnvironment(cache) },
        secrets: backbone.cacheSecrets(cache, DATA_PROCESSING.name),
        // RETRY_MODE=off turns retries off on purpose: then no caller is to apply the policy.
        ...(retryMode === RetryMode.OFF ? {} : { retryPolicy: PROCESSING_RETRY_POLICY }),
        timeouts: { request: processingTimeout, call: processingTimeout },
        // CPU for the requests it answers; backlog per task for the retry queue it drains.
        scaling: scaling(DATA_PROCESSING, [
          ScalingPolicy.cpuUtilization({ targetPercent: SCALING_CPU_TARGET_PERCENT }),
          ScalingPolicy.queueBacklogPerTask({ queue: this.retryQueue, backlogPerTask: SCALING_BACKLOG_PER_TASK }),
        ]),
      }),
      taskRoleStatements: [...this.retryQueue.consumerStatements(), ...taskScaleInProtectionStatements(this.platform.cluster)],
    });
    const appRetries = retryMode === RetryMode.APP;
    this.ingestion = new ServiceConnectService(this, 'DataIngestion', {
      ...common,
      ...deployment(DATA_INGESTION),
      spec: pipelineServiceSpec(DATA_INGESTION, config, this.inputs.appVersion, retryMode, {
        environment: {
          ...environment,
          [EnvVar.DATA_PROCESSING_URL]: this.processing.urlOf(EV_PATH),
          // Behind the front door: the vehicle is the one its certificate names; answers come before the load balancer gives up.
          [EnvVar.VEHICLE_AUTH]: VehicleAuth.ALB_MTLS,
          [EnvVar.ANSWER_DEADLINE_MS]: String(ANSWER_DEADLINE_MS),
          [EnvVar.KEEP_ALIVE_TIMEOUT_MS]: String(APP_KEEP_ALIVE_TIMEOUT_MS),
          // What the retry-budget check assumes is what the app is told.
          ...(appRetries
            ? {
                [EnvVar.PROCESSING_TIMEOUT_MS]: String(PROCESSING_RETRY_POLICY.perRetryTimeoutMs),
                [EnvVar.RETRY_OVERALL_TIMEOUT_MS]: String(PROCESSING_CALL_TIMEOUT_MS),
                [EnvVar.RETRY_BACKOFF_BASE_MS]: String(ENVOY_DEFAULT_BACKOFF.baseIntervalMs),
                [EnvVar.RETRY_BACKOFF_MAX_MS]: String(ENVOY_DEFAULT_BACKOFF.maxIntervalMs),
              }
            : {}),
        },
        secrets: backbone.cacheSecrets(cache, DATA_INGESTION.name),
        backends: [this.processing],
        scaling: scaling(DATA_INGESTION, [
          ScalingPolicy.requestCountPerTarget({
            loadBalancer: this.frontDoor.loadBalancer,
            targetGroup: this.frontDoor.targetGroup,
            requestsPerTask: SCALING_REQUESTS_PER_TASK_PER_MINUTE,
          }),
        ]),
      }),
      ...(appRetries
        ? { inProcessRetries: { deadline: Duration.millis(PROCESSING_CALL_TIMEOUT_MS), backoff: ENVOY_DEFAULT_BACKOFF } }
        : {}),
      taskRoleStatements: this.retryQueue.producerStatements(),
    });

    const door = this.frontDoor.connectService(this, 'IngestionFrontDoor', {
      containerName: `${DATA_INGESTION.name}-service`,
      serviceSecurityGroupId: this.ingestion.securityGroupId,
    });
    this.ingestion.service.attachLoadBalancer(door.loadBalancer, door.healthCheckGracePeriodSeconds);

    backbone.addDeployRole([this.processing, this.ingestion].map((service) => deployedService(service)));
    this.alarmTopic = backbone.addAlarms();
    backbone.addOutputs(
      {
        ingestionUrl: {
          value: this.ingestion.urlOf(EV_PATH),
          description:
            'URL of data-ingestion inside the Service Connect namespace: it resolves in tasks of the namespace whose security group ingestion admits.',
        },
        repositoryUrls: { ingestion: this.ingestion.repository?.repositoryUrl, processing: this.processing.repository?.repositoryUrl },
        clusterName: this.platform.cluster.clusterName,
      },
      this.alarmTopic,
    );
    new TerraformOutput(this, 'front_door_url', {
      value: this.frontDoor.url,
      description:
        "The front door vehicles post to (HTTPS with the vehicle's own certificate): its load balancer's DNS name; point your host name at it.",
    });
    new TerraformOutput(this, 'namespace_arn', {
      value: namespace.namespaceArn,
      description: 'The Service Connect (Cloud Map HTTP) namespace.',
    });

    this.retryLayering = retryLayering(
      DataPlane.SERVICE_CONNECT,
      retryMode,
      PROCESSING_RETRY_POLICY,
      ASSUMED_SERVICE_CONNECT_PROXY_RETRIES,
    );
    this.node.addValidation(new RetryLayeringValidation(this.node.path, this.retryLayering));
  }

  /**
   * The front door of ingestion: an internet-facing load balancer, HTTPS
   * with the vehicles' certificates verified against their CA (mutual TLS),
   * WAF, access logs. Its idle timeout (60 s) exceeds ingestion's longest
   * answer (the answer deadline plus parking) and ingestion's keep-alive
   * exceeds the idle timeout: the construct checks the chain.
   */
  private addFrontDoor(config: EnvironmentConfig, region: string): FrontDoor {
    const inputs = new FrontDoorInputs(this, 'FrontDoorInputs');
    return new FrontDoor(this, 'FrontDoor', {
      name: `${config.env}-ev-front`,
      vpcId: this.inputs.vpcId,
      publicSubnetIds: inputs.publicSubnetIds,
      region,
      certificate: FrontDoorCertificate.fromArn(inputs.certificateArn),
      mutualTls: { caBundle: PemObject.fromBucket({ bucketName: inputs.caBundleBucket, key: inputs.caBundleKey }) },
      target: {
        port: DATA_INGESTION.port,
        longestAnswer: Duration.millis(ANSWER_DEADLINE_MS + PARKING_HEADROOM_MS),
        keepAliveTimeout: Duration.millis(APP_KEEP_ALIVE_TIMEOUT_MS),
        healthCheck: { path: DATA_INGESTION.healthCheckPath },
      },
      idleTimeout: Duration.millis(FRONT_DOOR_IDLE_TIMEOUT_MS),
      deletionProtection: config.frontDoor.deletionProtection,
      destroyBucketsWithStack: !config.frontDoor.deletionProtection,
      webAcl: { rateLimit: config.frontDoor.rateLimitPer5Minutes },
      accessLogs: FrontDoorAccessLogs.toNewBucket({ expirationDays: config.logRetentionDays }),
    });
  }
}
