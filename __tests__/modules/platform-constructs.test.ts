import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { DiscoveryService } from '../../modules/discovery/discovery-service';
import { PrivateDnsNamespace } from '../../modules/discovery/private-dns-namespace';
import { Cluster } from '../../modules/ecs/cluster';
import { FargateService, type FargateServiceProps } from '../../modules/ecs/fargate-service';
import { Repository } from '../../modules/ecr/repository';
import { LogGroup } from '../../modules/logs/log-group';
import { MeshSecurityGroup } from '../../modules/network/mesh-security-group';
import { newStack, onlyResource, refOf, resources, synthJson } from './fixture';

Testing.setupJest();

describe('PrivateDnsNamespace and DiscoveryService', () => {
  test('a namespace in the VPC and an A/MULTIVALUE service with TTL 10, failure threshold 1, created before destroyed', () => {
    const stack = newStack();
    const namespace = new PrivateDnsNamespace(stack, 'Ns', { name: 'dev.example.internal', vpcId: 'vpc-1', description: 'd' });
    new DiscoveryService(stack, 'Svc', { namespace, name: 'data-processing' });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ServiceDiscoveryPrivateDnsNamespace, { name: 'dev.example.internal', vpc: 'vpc-1' });
    expect(synth).toHaveResourceWithProperties(ServiceDiscoveryService, {
      name: 'data-processing',
      dns_config: { namespace_id: refOf(namespace, 'id'), dns_records: [{ ttl: 10, type: 'A' }], routing_policy: 'MULTIVALUE' },
      health_check_custom_config: { failure_threshold: 1 },
      lifecycle: { create_before_destroy: true },
    });
  });

  test('rejects a failure threshold above 10', () => {
    const stack = newStack();
    const namespace = new PrivateDnsNamespace(stack, 'Ns', { name: 'n', vpcId: 'vpc-1' });
    expect(() => new DiscoveryService(stack, 'Svc', { namespace, name: 's', failureThreshold: 11 })).toThrow(
      /DiscoveryService 'test\/Svc'.*'failureThreshold'/,
    );
  });
});

describe('Cluster', () => {
  test('Container Insights on, FARGATE as default strategy', () => {
    const stack = newStack();
    new Cluster(stack, 'Cluster', { name: 'dev-ev-ecs-cluster' });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(EcsCluster, { setting: [{ name: 'containerInsights', value: 'enabled' }] });
    expect(synth).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ['FARGATE'],
      default_capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1 }],
    });
  });

  test('registers FARGATE_SPOT when asked', () => {
    const stack = newStack();
    new Cluster(stack, 'Cluster', { name: 'c', enableFargateSpot: true });
    expect(onlyResource(synthJson(stack), 'aws_ecs_cluster_capacity_providers').capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });
});

describe('FargateService', () => {
  const props: FargateServiceProps = {
    name: 'data-processing',
    clusterId: 'cluster-arn',
    taskDefinitionArn: 'task-arn',
    desiredCount: 1,
    deploymentMaximumPercent: 200,
    deploymentMinimumHealthyPercent: 100,
    subnetIds: ['subnet-1'],
    securityGroupIds: ['sg-1'],
    discoveryServiceArn: 'registry-arn',
  };

  test("the article's service plus circuit breaker, no public IP, latest platform", () => {
    const stack = newStack();
    new FargateService(stack, 'Service', props);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EcsService, {
      name: 'data-processing',
      cluster: 'cluster-arn',
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

  test.each([
    [{ deploymentMaximumPercent: 99 }, /'deploymentMaximumPercent'/],
    [{ deploymentMinimumHealthyPercent: 101 }, /'deploymentMinimumHealthyPercent'/],
    [{ desiredCount: -1 }, /'desiredCount'/],
    [{ securityGroupIds: [] }, /'securityGroupIds'/],
  ])('rejects %p', (override, message) => {
    const stack = newStack();
    expect(() => new FargateService(stack, 'Service', { ...props, ...override })).toThrow(
      new RegExp(`FargateService 'test/Service'.*${message.source}`),
    );
  });
});

describe('Repository', () => {
  test('scan on push, immutable tags, a lifecycle policy keeping the last images', () => {
    const stack = newStack();
    new Repository(stack, 'Repo', { name: 'dev-ev-data-processing-service' });
    const json = synthJson(stack);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EcrRepository, {
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
    });
    const policy = JSON.parse(onlyResource(json, 'aws_ecr_lifecycle_policy').policy);
    expect(policy.rules[0].selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 });
  });

  test('rejects keeping 0 images', () => {
    expect(() => new Repository(newStack(), 'Repo', { name: 'r', maxImageCount: 0 })).toThrow(/Repository 'test\/Repo'.*'maxImageCount'/);
  });
});

describe('LogGroup', () => {
  test('sets a retention period', () => {
    const stack = newStack();
    new LogGroup(stack, 'Logs', { name: '/ecs/x', retentionDays: 30 });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/ecs/x', retention_in_days: 30 });
  });

  test('rejects a retention CloudWatch does not offer', () => {
    expect(() => new LogGroup(newStack(), 'Logs', { name: 'x', retentionDays: 10 })).toThrow(/LogGroup 'test\/Logs'.*'retentionDays'/);
  });
});

describe('MeshSecurityGroup', () => {
  test('opens app ports only to its own members, HTTPS out, once per port', () => {
    const stack = newStack();
    const group = new MeshSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    group.allowServicePort(3001, 'data-processing');
    group.allowServicePort(3001, 'data-processing');
    const json = synthJson(stack);
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 3001,
      to_port: 3001,
      ip_protocol: 'tcp',
      referenced_security_group_id: refOf(group, 'id'),
    });
    expect(ingress.some((rule) => rule.cidr_ipv4 !== undefined)).toBe(false);
    const egress = resources(json, 'aws_vpc_security_group_egress_rule');
    expect(egress.map((rule) => rule.from_port).sort()).toEqual([3001, 443]);
  });

  test('rejects a port out of range', () => {
    const group = new MeshSecurityGroup(newStack(), 'Sg', { name: 'sg', vpcId: 'vpc-1' });
    expect(() => group.allowServicePort(0, 'x')).toThrow(/MeshSecurityGroup 'test\/Sg'.*'port'/);
  });
});
