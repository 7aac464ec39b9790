import type { TerraformStack } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { RETRY_QUEUE_SETTINGS } from '../../../contract/retry-queue';
import { Cluster } from '../../../modules/ecs/cluster';
import { ExternallyManaged, FargateService } from '../../../modules/ecs/fargate-service';
import { RetryQueue } from '../../../modules/queue/retry-queue';
import { ScalingPolicy } from '../../../modules/scaling/scaling-policy';
import { ServiceScaling, type ServiceScalingProps } from '../../../modules/scaling/service-scaling';
import type { ServiceScalingSpec } from '../../../modules/scaling/service-scaling-spec';
import { newStack } from '../fixture';

/** A task of 0.5 vCPU and 1 GiB. */
export const TASK_SIZE = { cpu: 512, memory: 1024 } as const;

/** A budget of 8 vCPU and 16 GiB: 16 tasks of TASK_SIZE. */
export const BUDGET = { maxVcpu: 8, maxMemoryGiB: 16 } as const;

/** A stack with a cluster, a retry queue, an ECS service that drains it, and an Application Load Balancer with a target group. */
export function scalingStack(options: { externallyManaged?: readonly ExternallyManaged[] } = {}) {
  const stack = newStack();
  const cluster = new Cluster(stack, 'Cluster', { name: 'fleet' });
  const queue = new RetryQueue(stack, 'Queue', { name: 'dev-ev-retry', settings: RETRY_QUEUE_SETTINGS });
  const service = new FargateService(stack, 'Processing', {
    name: 'data-processing',
    cluster,
    taskDefinitionArn: 'arn:aws:ecs:ap-northeast-1:111122223333:task-definition/data-processing:1',
    desiredCount: 2,
    deploymentMaximumPercent: 200,
    deploymentMinimumHealthyPercent: 100,
    subnetIds: ['subnet-0123456789abcdef0'],
    securityGroupIds: ['sg-0123456789abcdef0'],
    ...(options.externallyManaged ? { externallyManaged: options.externallyManaged } : {}),
  });
  const loadBalancer = new Lb(stack, 'Alb', {
    name: 'front',
    loadBalancerType: 'application',
    subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
  const targetGroup = new LbTargetGroup(stack, 'Ingestion', {
    name: 'ingestion',
    port: 3000,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId: 'vpc-0123456789abcdef0',
  });
  return { stack, cluster, queue, service, loadBalancer, targetGroup };
}

/** A spec of 2-10 tasks on CPU at 60 %, with `overrides`. */
export function spec(overrides: Partial<ServiceScalingSpec> = {}): ServiceScalingSpec {
  return { minTasks: 2, maxTasks: 10, policies: [ScalingPolicy.cpuUtilization({ targetPercent: 60 })], budget: BUDGET, ...overrides };
}

/** ServiceScaling of the fixture's service in `stack`. */
export function scale(
  fixture: ReturnType<typeof scalingStack>,
  scaling: ServiceScalingSpec,
  props: Partial<ServiceScalingProps> = {},
  scope: TerraformStack = fixture.stack,
): ServiceScaling {
  return new ServiceScaling(scope, 'Scaling', {
    cluster: fixture.cluster,
    serviceName: fixture.service.serviceName,
    taskSize: TASK_SIZE,
    scaling,
    ...props,
  });
}
