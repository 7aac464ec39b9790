import { Testing } from 'cdktf';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { Cluster } from '../../../modules/ecs/cluster';
import { newStack, onlyResource, refOf, resolved, synthJson } from '../fixture';

Testing.setupJest();

describe('Cluster', () => {
  test('Container Insights on, FARGATE as default strategy, referenced by its ARN', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const cluster = new Cluster(stack, 'Cluster', { name: 'dev-ev-ecs-cluster' });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(EcsCluster, { setting: [{ name: 'containerInsights', value: 'enabled' }] });
    expect(synth).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ['FARGATE'],
      default_capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1 }],
    });
    expect(resolved(stack, cluster.clusterArn)).toBe(refOf(cluster, 'id'));
  });

  test('registers FARGATE_SPOT when asked', () => {
    const stack = newStack();
    new Cluster(stack, 'Cluster', { name: 'c', enableFargateSpot: true });
    expect(onlyResource(synthJson(stack), 'aws_ecs_cluster_capacity_providers').capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  describe('fromClusterArn', () => {
    test('references an existing cluster by ARN, with its name, and creates nothing', () => {
      const stack = newStack();
      const cluster = Cluster.fromClusterArn(stack, 'Cluster', 'arn:aws:ecs:eu-west-1:111122223333:cluster/platform');
      expect(cluster.clusterArn).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/platform');
      expect(cluster.clusterName).toBe('platform');
      expect(synthJson(stack).resource).toBeUndefined();
    });

    test('takes the name from a Terraform reference with a Terraform function', () => {
      const stack = newStack();
      const cluster = Cluster.fromClusterArn(stack, 'Cluster', new Cluster(stack, 'Other', { name: 'o' }).clusterArn);
      expect(resolved(stack, cluster.clusterName)).toMatch(/^\$\{element\(split\("\/", aws_ecs_cluster\.Other_[0-9A-F]{8}\.id\), 1\)\}$/);
    });

    test('rejects what is not a cluster ARN', () => {
      expect(() => Cluster.fromClusterArn(newStack(), 'Cluster', 'platform')).toThrow(
        /Cluster\.fromClusterArn 'test\/Cluster': invalid prop 'clusterArn': must look like arn:aws:ecs:<region>:<account>:cluster\/<name>, got 'platform' \(string\)/,
      );
    });
  });
});
