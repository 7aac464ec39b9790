import { Testing } from 'cdktf';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { SharedStateCache, type SharedStateCacheProps } from '../../modules/cache/shared-state-cache';
import { newStack, onlyResource, refOf, synthJson } from './fixture';

Testing.setupJest();

const props: SharedStateCacheProps = {
  name: 'dev-ev-shared-state',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-1', 'subnet-2'],
  clientSecurityGroupId: 'sg-mesh',
};

describe('SharedStateCache', () => {
  test('Valkey with TLS in transit, encryption at rest, failover over two nodes, snapshots', () => {
    const stack = newStack();
    new SharedStateCache(stack, 'Cache', props);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      replication_group_id: 'dev-ev-shared-state',
      engine: 'valkey',
      transit_encryption_enabled: true,
      at_rest_encryption_enabled: 'true',
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      snapshot_retention_limit: 1,
      port: 6379,
    });
  });

  test('reachable on 6379 only from the clients security group; REDIS_URL uses TLS', () => {
    const stack = newStack();
    const cache = new SharedStateCache(stack, 'Cache', props);
    const rule = onlyResource(synthJson(stack), 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({ from_port: 6379, to_port: 6379, ip_protocol: 'tcp', referenced_security_group_id: 'sg-mesh' });
    expect(rule.cidr_ipv4).toBeUndefined();
    expect(cache.redisUrl).toMatch(/^rediss:\/\/.+:6379$/);
    expect(refOf(cache, 'primary_endpoint_address')).toMatch(/aws_elasticache_replication_group\.Cache_[0-9A-F]{8}/);
  });

  test('a single node runs without failover', () => {
    const stack = newStack();
    new SharedStateCache(stack, 'Cache', { ...props, nodeCount: 1 });
    expect(onlyResource(synthJson(stack), 'aws_elasticache_replication_group')).toMatchObject({
      num_cache_clusters: 1,
      automatic_failover_enabled: false,
      multi_az_enabled: false,
    });
  });

  test('rejects 7 nodes', () => {
    expect(() => new SharedStateCache(newStack(), 'Cache', { ...props, nodeCount: 7 })).toThrow(/SharedStateCache 'test\/Cache'.*'nodeCount'/);
  });
});
