import { Construct } from 'constructs';
import { EcsService, type EcsServiceServiceConnectConfiguration } from '@cdktf/provider-aws/lib/ecs-service';
import { describeValue, InvalidPropError, requireIntegerInRange, requireNonEmptyString } from '../core/prop-error';
import type { ICluster } from './cluster';

/** Settings of an ECS service that another system owns after creation; Terraform then leaves them as they are. */
export enum ExternallyManaged {
  /** The task definition revision: a deployment pipeline registers revisions and updates the service. */
  TASK_DEFINITION = 'task_definition',
  /** The number of tasks: autoscaling or operators change it. */
  DESIRED_COUNT = 'desired_count',
}

/** A load balancer target group the service's tasks register in. */
export interface LoadBalancerAttachment {
  /** ARN of the target group (target type `ip`, as Fargate tasks need). */
  readonly targetGroupArn: string;
  /** Container that receives the traffic. */
  readonly containerName: string;
  /** Port of that container. */
  readonly containerPort: number;
}

/** One capacity provider of the service's strategy. */
export interface CapacityProviderStrategyItem {
  /** `FARGATE`, `FARGATE_SPOT` or a capacity provider of the cluster. */
  readonly capacityProvider: string;
  /** Relative share of the tasks (0-1000). */
  readonly weight: number;
  /** Tasks placed on this provider before the weights apply (0-100000). @default 0 */
  readonly base?: number;
}

/** The ECS deployment circuit breaker: stops a deployment whose tasks keep failing. */
export interface DeploymentCircuitBreaker {
  /** Whether the breaker watches deployments. */
  readonly enable: boolean;
  /** Whether a stopped deployment rolls back to the last completed one. */
  readonly rollback: boolean;
}

export interface FargateServiceProps {
  /** Name of the ECS service. */
  readonly name: string;
  /** The cluster the service runs in. */
  readonly cluster: ICluster;
  /** ARN of the task definition the service starts with. */
  readonly taskDefinitionArn: string;
  /** Tasks to run at first. */
  readonly desiredCount: number;
  /** Upper limit of running tasks during a deployment, in percent of the desired count (100-200). */
  readonly deploymentMaximumPercent: number;
  /** Lower limit of healthy tasks during a deployment, in percent of the desired count (0-100). */
  readonly deploymentMinimumHealthyPercent: number;
  /** Private subnets of the tasks (no public IP is assigned). */
  readonly subnetIds: readonly string[];
  /** Security groups of the tasks. */
  readonly securityGroupIds: readonly string[];
  /** ARN of the Cloud Map service the tasks register in. @default none */
  readonly discoveryServiceArn?: string;
  /** Allow ECS Exec into the tasks (Session Manager). @default false */
  readonly enableExecuteCommand?: boolean;
  /** Target groups the tasks register in. @default none */
  readonly loadBalancers?: readonly LoadBalancerAttachment[];
  /** Seconds ECS ignores failing load balancer health checks after a task starts (with `loadBalancers`). @default ECS's (0) */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Capacity provider strategy; replaces the FARGATE launch type. @default the FARGATE launch type */
  readonly capacityProviderStrategies?: readonly CapacityProviderStrategyItem[];
  /**
   * Settings another system owns after creation, which Terraform ignores
   * (`lifecycle.ignore_changes`). With the default, deployments are a separate
   * pipeline that registers task definition revisions and updates the
   * service, and autoscaling or operators own the task count; `[]` lets
   * Terraform own both.
   * @default [ExternallyManaged.DESIRED_COUNT, ExternallyManaged.TASK_DEFINITION]
   */
  readonly externallyManaged?: readonly ExternallyManaged[];
  /** The deployment circuit breaker. @default { enable: true, rollback: true } */
  readonly deploymentCircuitBreaker?: DeploymentCircuitBreaker;
  /** The service's ECS Service Connect configuration, as rendered by `ServiceConnectService`. @default none */
  readonly serviceConnect?: EcsServiceServiceConnectConfiguration;
}

/**
 * An ECS service on Fargate: private subnets, no public IP, optional Cloud
 * Map registration and load balancers, a deployment circuit breaker that
 * rolls back, the latest platform version.
 */
export class FargateService extends Construct {
  /** The service's name. */
  public readonly serviceName: string;
  /** The service's ID (its ARN). */
  public readonly serviceId: string;
  /** The `aws_ecs_service` resource (for `dependsOn` between services). */
  public readonly resource: EcsService;
  /** The target groups the tasks register in. */
  private readonly loadBalancers: LoadBalancerAttachment[];

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    requireNonEmptyString(this, 'name', props.name);
    requireIntegerInRange(this, 'desiredCount', props.desiredCount, 0, 5_000);
    requireIntegerInRange(this, 'deploymentMaximumPercent', props.deploymentMaximumPercent, 100, 200);
    requireIntegerInRange(this, 'deploymentMinimumHealthyPercent', props.deploymentMinimumHealthyPercent, 0, 100);
    if (props.securityGroupIds.length === 0) throw new InvalidPropError(this, 'securityGroupIds', 'give at least one security group');
    if (props.subnetIds.length === 0) throw new InvalidPropError(this, 'subnetIds', 'give at least one subnet');
    (props.loadBalancers ?? []).forEach((lb, index) => {
      requireNonEmptyString(this, `loadBalancers[${index}].targetGroupArn`, lb.targetGroupArn);
      requireNonEmptyString(this, `loadBalancers[${index}].containerName`, lb.containerName);
      requireIntegerInRange(this, `loadBalancers[${index}].containerPort`, lb.containerPort, 1, 65_535);
    });
    if (props.healthCheckGracePeriodSeconds !== undefined) {
      if (!props.loadBalancers?.length) {
        throw new InvalidPropError(this, 'healthCheckGracePeriodSeconds', 'applies only with loadBalancers');
      }
      requireIntegerInRange(this, 'healthCheckGracePeriodSeconds', props.healthCheckGracePeriodSeconds, 0, 2_147_483_647);
    }
    const strategies = props.capacityProviderStrategies;
    if (strategies !== undefined) {
      if (strategies.length === 0)
        throw new InvalidPropError(this, 'capacityProviderStrategies', 'give at least one capacity provider, or leave it out');
      strategies.forEach((item, index) => {
        requireNonEmptyString(this, `capacityProviderStrategies[${index}].capacityProvider`, item.capacityProvider);
        requireIntegerInRange(this, `capacityProviderStrategies[${index}].weight`, item.weight, 0, 1_000);
        if (item.base !== undefined) requireIntegerInRange(this, `capacityProviderStrategies[${index}].base`, item.base, 0, 100_000);
      });
    }
    const externallyManaged = props.externallyManaged ?? [ExternallyManaged.DESIRED_COUNT, ExternallyManaged.TASK_DEFINITION];
    externallyManaged.forEach((setting, index) => {
      if (!Object.values(ExternallyManaged).includes(setting)) {
        throw new InvalidPropError(
          this,
          `externallyManaged[${index}]`,
          `must be an ExternallyManaged value, got ${describeValue(setting)}`,
        );
      }
    });

    const service = new EcsService(this, 'Resource', {
      name: props.name,
      cluster: props.cluster.clusterArn,
      taskDefinition: props.taskDefinitionArn,
      ...(strategies
        ? {
            capacityProviderStrategy: strategies.map((item) => ({
              capacityProvider: item.capacityProvider,
              weight: item.weight,
              ...(item.base !== undefined ? { base: item.base } : {}),
            })),
          }
        : { launchType: 'FARGATE' }),
      platformVersion: 'LATEST',
      desiredCount: props.desiredCount,
      deploymentMaximumPercent: props.deploymentMaximumPercent,
      deploymentMinimumHealthyPercent: props.deploymentMinimumHealthyPercent,
      deploymentCircuitBreaker: { ...(props.deploymentCircuitBreaker ?? { enable: true, rollback: true }) },
      forceNewDeployment: true,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      propagateTags: 'SERVICE',
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [...props.securityGroupIds],
        assignPublicIp: false,
      },
      ...(props.discoveryServiceArn !== undefined ? { serviceRegistries: { registryArn: props.discoveryServiceArn } } : {}),
      ...(props.serviceConnect !== undefined ? { serviceConnectConfiguration: props.serviceConnect } : {}),
      ...(props.loadBalancers?.length
        ? {
            loadBalancer: props.loadBalancers.map((lb) => ({
              targetGroupArn: lb.targetGroupArn,
              containerName: lb.containerName,
              containerPort: lb.containerPort,
            })),
          }
        : {}),
      ...(props.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds } : {}),
      ...(externallyManaged.length > 0 ? { lifecycle: { ignoreChanges: [...externallyManaged] } } : {}),
    });
    this.serviceName = service.name;
    this.serviceId = service.id;
    this.resource = service;
    this.loadBalancers = [...(props.loadBalancers ?? [])];
  }

  /**
   * Registers the tasks in one more target group, after construction: for a
   * load balancer whose rules need the service's own security group first.
   * `healthCheckGracePeriodSeconds` (0-2147483647) replaces the service's.
   */
  public attachLoadBalancer(attachment: LoadBalancerAttachment, healthCheckGracePeriodSeconds?: number): void {
    const owner = `FargateService '${this.node.path}'`;
    requireNonEmptyString(owner, 'attachment.targetGroupArn', attachment.targetGroupArn);
    requireNonEmptyString(owner, 'attachment.containerName', attachment.containerName);
    requireIntegerInRange(owner, 'attachment.containerPort', attachment.containerPort, 1, 65_535);
    this.loadBalancers.push(attachment);
    this.resource.putLoadBalancer(
      this.loadBalancers.map((lb) => ({
        targetGroupArn: lb.targetGroupArn,
        containerName: lb.containerName,
        containerPort: lb.containerPort,
      })),
    );
    if (healthCheckGracePeriodSeconds !== undefined) {
      requireIntegerInRange(owner, 'healthCheckGracePeriodSeconds', healthCheckGracePeriodSeconds, 0, 2_147_483_647);
      this.resource.healthCheckGracePeriodSeconds = healthCheckGracePeriodSeconds;
    }
  }
}
