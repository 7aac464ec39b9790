import { Construct } from 'constructs';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { InvalidPropError, requireIntegerInRange } from '../core/prop-error';

export interface FargateServiceProps {
  /** Name of the ECS service. */
  readonly name: string;
  /** ID (ARN) of the cluster. */
  readonly clusterId: string;
  /** ARN of the task definition the service starts first; later revisions come from the deployment pipeline. */
  readonly taskDefinitionArn: string;
  /** Tasks to run at first; afterwards autoscaling or operators own it. */
  readonly desiredCount: number;
  /** Upper limit of running tasks during a deployment, in percent of the desired count (100-200). */
  readonly deploymentMaximumPercent: number;
  /** Lower limit of healthy tasks during a deployment, in percent of the desired count (0-100). */
  readonly deploymentMinimumHealthyPercent: number;
  /** Private subnets of the tasks (no public IP is assigned). */
  readonly subnetIds: string[];
  /** Security groups of the tasks. */
  readonly securityGroupIds: readonly string[];
  /** ARN of the Cloud Map service the tasks register in. */
  readonly discoveryServiceArn: string;
  /** Allow ECS Exec into the tasks (Session Manager). @default false */
  readonly enableExecuteCommand?: boolean;
}

/**
 * An ECS service on Fargate: private subnets, no public IP, Cloud Map
 * registration, a deployment circuit breaker that rolls back, the latest
 * platform version. Desired count and task definition are ignored after
 * creation: deployments are a separate pipeline.
 */
export class FargateService extends Construct {
  /** The service's name. */
  public readonly serviceName: string;
  /** The service's ID (its ARN). */
  public readonly serviceId: string;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    requireIntegerInRange(this, 'desiredCount', props.desiredCount, 0, 5_000);
    requireIntegerInRange(this, 'deploymentMaximumPercent', props.deploymentMaximumPercent, 100, 200);
    requireIntegerInRange(this, 'deploymentMinimumHealthyPercent', props.deploymentMinimumHealthyPercent, 0, 100);
    if (props.securityGroupIds.length === 0) {
      throw new InvalidPropError(this, 'securityGroupIds', 'give at least one security group');
    }
    const service = new EcsService(this, 'Resource', {
      name: props.name,
      cluster: props.clusterId,
      taskDefinition: props.taskDefinitionArn,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      desiredCount: props.desiredCount,
      deploymentMaximumPercent: props.deploymentMaximumPercent,
      deploymentMinimumHealthyPercent: props.deploymentMinimumHealthyPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      forceNewDeployment: true,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      propagateTags: 'SERVICE',
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [...props.securityGroupIds],
        assignPublicIp: false,
      },
      serviceRegistries: { registryArn: props.discoveryServiceArn },
      lifecycle: { ignoreChanges: ['desired_count', 'task_definition'] },
    });
    this.serviceName = service.name;
    this.serviceId = service.id;
  }
}
