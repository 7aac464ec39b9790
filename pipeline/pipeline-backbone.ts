import { TerraformOutput, type TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  accountIdOf,
  AlarmTopic,
  AppSecret,
  CacheCredentialsKey,
  DeployRole,
  CACHE_PORT,
  DeadLetterAlarm,
  FailureRateAlarm,
  RedriveOperatorPolicy,
  RetryQueue,
  SharedStateCache,
  type ServiceSecurityGroup,
} from '@ev-pipeline/cdktf-mesh-constructs';
import { METRICS_NAMESPACE, PipelineMetric, SERVICE_DIMENSION } from '../contract/metrics';
import { RETRY_QUEUE_SETTINGS } from '../contract/retry-queue';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH } from '../contract/services';
import { INGESTION_CACHE_ACCESS, PROCESSING_CACHE_ACCESS } from '../contract/shared-state';
import type { EnvironmentConfig } from './environments';
import { pipelineResourceNames, type PipelineResourceNames } from './resource-names';
import { StackInputs } from './stack-inputs';
import { EnvVar } from '../contract/environment-variables';
import { DEPLOY_SCOPE_TAG, MANAGED_BY_STACK, MANAGED_BY_TAG, deployRevisionTags } from './revision-tags';
import { DeliveryPipeline, githubEnvironmentName } from './github-environments';

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

/** What the deploy role needs of one deployed service. */
export interface DeployedService {
  /** ARN of its ECS service (`aws_ecs_service` id). */
  readonly serviceArn: string;
  /** ARN of its task definition family, without a revision. */
  readonly taskDefinitionFamilyArn: string;
  /** ARN of its ECR repository. */
  readonly repositoryArn: string;
  /** ARNs of its task role and task execution role. */
  readonly roleArns: readonly string[];
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
  /** The pipeline's resource names (shared with the deploy command). */
  public readonly names: PipelineResourceNames;
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
  /** The shared-state cache, once {@link addCache} made one. */
  private cache: SharedStateCache | undefined;

  private constructor(
    private readonly stack: TerraformStack,
    private readonly props: PipelineBackboneProps,
  ) {
    const { config } = props;
    this.inputs = new StackInputs(stack, 'Inputs');
    this.names = pipelineResourceNames(config.env, this.inputs.project, props.nameSuffix);
    this.namePrefix = this.names.namePrefix;
    new AwsProvider(stack, 'aws', {
      region: this.inputs.region,
      defaultTags: [
        {
          tags: {
            Project: this.inputs.project,
            Environment: config.env,
            [MANAGED_BY_TAG]: MANAGED_BY_STACK,
            [DEPLOY_SCOPE_TAG]: this.namePrefix,
          },
        },
      ],
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
  public addCache(clients: ServiceSecurityGroup, name: string): SharedStateCache | undefined {
    const settings = this.props.config.sharedStateCache;
    if (!settings) return undefined;
    const cache = new SharedStateCache(this.stack, 'SharedStateCache', {
      name,
      vpcId: this.inputs.vpcId,
      subnetIds: this.inputs.protectedSubnetIds,
      clientSecurityGroupId: clients.securityGroupId,
      nodeType: settings.nodeType,
      nodeCount: settings.nodeCount,
      clients: [
        { id: DATA_INGESTION.name, access: INGESTION_CACHE_ACCESS },
        { id: DATA_PROCESSING.name, access: PROCESSING_CACHE_ACCESS },
      ],
    });
    clients.allowEgressTo(CACHE_PORT, cache.securityGroupId, 'Valkey/Redis shared state');
    this.cache = cache;
    return cache;
  }

  /** The environment both apps need for failure handling: region, queues and, with a cache, its URL. */
  public resilienceEnvironment(cache: SharedStateCache | undefined): Record<string, string> {
    return {
      [EnvVar.AWS_REGION]: this.region,
      [EnvVar.RETRY_QUEUE_URL]: this.retryQueue.queueUrl,
      ...(cache ? { [EnvVar.REDIS_URL]: cache.redisUrl } : {}),
    };
  }

  /**
   * Service `service`'s own cache user's credentials as ECS secrets
   * (`REDIS_USERNAME`, `REDIS_PASSWORD`), read from its Secrets Manager
   * secret at task start, never plain environment; none without a cache.
   */
  public cacheSecrets(cache: SharedStateCache | undefined, service: string): Record<string, AppSecret> {
    if (!cache) return {};
    const { credentialsSecretArn } = cache.credentialsOf(service);
    return {
      [EnvVar.REDIS_USERNAME]: AppSecret.fromSecretsManager(credentialsSecretArn, CacheCredentialsKey.USERNAME),
      [EnvVar.REDIS_PASSWORD]: AppSecret.fromSecretsManager(credentialsSecretArn, CacheCredentialsKey.PASSWORD),
    };
  }

  /**
   * Processing's environment beyond {@link resilienceEnvironment}: with a
   * cache (which always has a replica), each applied event waits for one
   * replica (`REDIS_REPLICA_ACKS=1`), so a failover cannot lose an answered key.
   */
  public processingStoreEnvironment(cache: SharedStateCache | undefined): Record<string, string> {
    return cache ? { [EnvVar.REDIS_REPLICA_ACKS]: '1' } : {};
  }

  /**
   * The least-privilege role of the application pipeline (`npm run deploy`
   * from GitHub Actions through OIDC) for `services`, and its output.
   */
  public addDeployRole(services: readonly DeployedService[]): DeployRole {
    const { config } = this.props;
    const role = new DeployRole(this.stack, 'DeployRole', {
      name: this.names.deployRoleName,
      githubOidcProviderArn: this.inputs.githubOidcProviderArn,
      githubRepository: this.inputs.githubRepository,
      githubEnvironments: [githubEnvironmentName(DeliveryPipeline.APPLICATION, config.env)],
      revisionTags: deployRevisionTags(this.namePrefix),
      serviceArns: services.map((service) => service.serviceArn),
      taskDefinitionFamilyArns: services.map((service) => service.taskDefinitionFamilyArn),
      repositoryArns: services.map((service) => service.repositoryArn),
      passRoleArns: services.flatMap((service) => service.roleArns),
      // The application pipeline pushes the image and deploys it in one job.
      allowImagePush: true,
    });
    new TerraformOutput(this.stack, 'deploy_role_arn', {
      value: role.roleArn,
      description: 'Role of the application pipeline (GitHub Actions, OIDC): register task definitions, update the services, push images.',
    });
    return role;
  }

  /** The alarm topic and the alarms on dead letters, on processing's failure rate and, with a cache, on its memory. */
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
    this.cache?.addMemoryAlarm('MemoryAlarm', { alarmNamePrefix: `${this.namePrefix}-cache-memory`, topicArn: alarmTopic.topicArn });
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

/** A deployed service of either data plane, as the deploy role sees it. */
interface DeployableService {
  readonly taskRole: { readonly roleArn: string };
  readonly executionRole: { readonly roleArn: string };
  readonly repository: { readonly repositoryArn: string } | undefined;
}

/**
 * What the deploy role needs of `service`: its ECS service, task definition
 * family, repository and roles (`service.versions[0]` for App Mesh: the
 * pipeline runs one version of each service).
 */
export function deployedService(
  service: DeployableService &
    (
      | {
          readonly versions: readonly {
            readonly service: { readonly serviceId: string };
            readonly taskDefinition: { readonly taskDefinitionArnWithoutRevision: string };
          }[];
        }
      | { readonly service: { readonly serviceId: string }; readonly taskDefinition: { readonly taskDefinitionArnWithoutRevision: string } }
    ),
): DeployedService {
  const deployed = 'versions' in service ? service.versions[0] : service;
  if (deployed === undefined || service.repository === undefined) {
    throw new Error('deployedService: the service has no version or no repository of its own; the deploy role cannot name it');
  }
  return {
    serviceArn: deployed.service.serviceId,
    taskDefinitionFamilyArn: deployed.taskDefinition.taskDefinitionArnWithoutRevision,
    repositoryArn: service.repository.repositoryArn,
    roleArns: [service.taskRole.roleArn, service.executionRole.roleArn],
  };
}
