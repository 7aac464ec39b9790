import { Testing } from 'cdktf';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { Cluster } from '../../../modules/ecs/cluster';
import { ExternallyManaged, FargateService, type FargateServiceProps } from '../../../modules/ecs/fargate-service';
import { newStack, onlyResource, synthJson } from '../fixture';

Testing.setupJest();

function serviceIn(overrides: Partial<FargateServiceProps> = {}) {
  const stack = newStack();
  const props: FargateServiceProps = {
    name: 'data-processing',
    cluster: Cluster.fromClusterArn(stack, 'Cluster', 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/c'),
    taskDefinitionArn: 'task-arn',
    desiredCount: 1,
    deploymentMaximumPercent: 200,
    deploymentMinimumHealthyPercent: 100,
    subnetIds: ['subnet-1'],
    securityGroupIds: ['sg-1'],
    discoveryServiceArn: 'registry-arn',
    ...overrides,
  };
  new FargateService(stack, 'Service', props);
  return stack;
}

describe('FargateService', () => {
  test('private subnets without public IP, Cloud Map registration, circuit breaker with rollback, latest platform', () => {
    // GIVEN / WHEN
    const stack = serviceIn();
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EcsService, {
      name: 'data-processing',
      cluster: 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/c',
      task_definition: 'task-arn',
      launch_type: 'FARGATE',
      platform_version: 'LATEST',
      desired_count: 1,
      deployment_maximum_percent: 200,
      deployment_minimum_healthy_percent: 100,
      force_new_deployment: true,
      enable_execute_command: false,
      deployment_circuit_breaker: { enable: true, rollback: true },
      network_configuration: { subnets: ['subnet-1'], security_groups: ['sg-1'], assign_public_ip: false },
      service_registries: { registry_arn: 'registry-arn' },
      lifecycle: { ignore_changes: ['desired_count', 'task_definition'] },
    });
  });

  test('by default the deployment pipeline owns the task definition and autoscaling the count; [] gives both to Terraform', () => {
    expect(
      onlyResource(synthJson(serviceIn({ externallyManaged: [ExternallyManaged.TASK_DEFINITION] })), 'aws_ecs_service').lifecycle,
    ).toEqual({
      ignore_changes: ['task_definition'],
    });
    expect(onlyResource(synthJson(serviceIn({ externallyManaged: [] })), 'aws_ecs_service').lifecycle).toBeUndefined();
  });

  test('the circuit breaker can be turned off', () => {
    const service = onlyResource(synthJson(serviceIn({ deploymentCircuitBreaker: { enable: false, rollback: false } })), 'aws_ecs_service');
    expect(service.deployment_circuit_breaker).toEqual({ enable: false, rollback: false });
  });

  test('attaches load balancer target groups, with a grace period', () => {
    const service = onlyResource(
      synthJson(
        serviceIn({
          loadBalancers: [{ targetGroupArn: 'tg-arn', containerName: 'app', containerPort: 3000 }],
          healthCheckGracePeriodSeconds: 30,
        }),
      ),
      'aws_ecs_service',
    );
    expect(service.load_balancer).toEqual([{ target_group_arn: 'tg-arn', container_name: 'app', container_port: 3000 }]);
    expect(service.health_check_grace_period_seconds).toBe(30);
  });

  test('a capacity provider strategy replaces the launch type', () => {
    const service = onlyResource(
      synthJson(
        serviceIn({
          capacityProviderStrategies: [
            { capacityProvider: 'FARGATE', weight: 1, base: 1 },
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          ],
        }),
      ),
      'aws_ecs_service',
    );
    expect(service.launch_type).toBeUndefined();
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', weight: 1, base: 1 },
      { capacity_provider: 'FARGATE_SPOT', weight: 3 },
    ]);
  });

  test.each([
    [{ deploymentMaximumPercent: 99 }, /'deploymentMaximumPercent': must be an integer from 100 to 200, got 99/],
    [{ deploymentMinimumHealthyPercent: 101 }, /'deploymentMinimumHealthyPercent'/],
    [{ desiredCount: -1 }, /'desiredCount'/],
    [{ desiredCount: '3' as unknown as number }, /'desiredCount': must be an integer from 0 to 5000, got '3' \(string\)/],
    [{ securityGroupIds: [] }, /'securityGroupIds': give at least one security group/],
    [{ subnetIds: [] }, /'subnetIds': give at least one subnet/],
    [{ loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 0 }] }, /'loadBalancers\[0\]\.containerPort'/],
    [{ healthCheckGracePeriodSeconds: 30 }, /'healthCheckGracePeriodSeconds': applies only with loadBalancers/],
    [{ capacityProviderStrategies: [] }, /'capacityProviderStrategies': give at least one/],
    [{ capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 2000 }] }, /'capacityProviderStrategies\[0\]\.weight'/],
    [
      { externallyManaged: ['image' as ExternallyManaged] },
      /'externallyManaged\[0\]': must be an ExternallyManaged value, got 'image' \(string\)/,
    ],
  ])('rejects %p', (override, message) => {
    expect(() => serviceIn(override)).toThrow(new RegExp(`FargateService 'test/Service': invalid prop ${message.source}`));
  });
});
