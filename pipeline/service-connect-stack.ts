import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import {
  ASSUMED_SERVICE_CONNECT_PROXY_RETRIES,
  Cluster,
  Duration,
  HttpNamespace,
  ServiceSecurityGroup,
  OtelCollectorSidecar,
  ServiceConnectService,
  type AlarmTopic,
  type RetryQueue,
  type ServiceConnectPlatform,
  type SharedStateCache,
} from '@ev-pipeline/cdktf-mesh-constructs';
import { ENVOY_DEFAULT_BACKOFF, PROCESSING_CALL_TIMEOUT_MS, PROCESSING_RETRY_POLICY, type RetryPolicySpec } from '../contract/retry-policy';
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
      const { desiredCount, deploymentMaximumPercent, deploymentMinimumHealthyPercent } = serviceSettings(config, identity.name);
      return { desiredCount, deploymentMaximumPercent, deploymentMinimumHealthyPercent };
    };
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
      }),
      taskRoleStatements: this.retryQueue.consumerStatements(),
    });
    const appRetries = retryMode === RetryMode.APP;
    this.ingestion = new ServiceConnectService(this, 'DataIngestion', {
      ...common,
      ...deployment(DATA_INGESTION),
      spec: pipelineServiceSpec(DATA_INGESTION, config, this.inputs.appVersion, retryMode, {
        environment: {
          ...environment,
          [EnvVar.DATA_PROCESSING_URL]: this.processing.urlOf(EV_PATH),
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
      }),
      ...(appRetries
        ? { inProcessRetries: { deadline: Duration.millis(PROCESSING_CALL_TIMEOUT_MS), backoff: ENVOY_DEFAULT_BACKOFF } }
        : {}),
      taskRoleStatements: this.retryQueue.producerStatements(),
    });

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
}
