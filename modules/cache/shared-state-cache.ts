import { Construct } from 'constructs';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { requireIntegerInRange } from '../core/prop-error';

/** Port of the cache. */
export const CACHE_PORT = 6379;

export interface SharedStateCacheProps {
  /** Replication group ID (1-40 lower-case letters, digits, hyphens). */
  readonly name: string;
  /** ID of the VPC. */
  readonly vpcId: string;
  /** Private subnets of the cache nodes. */
  readonly subnetIds: string[];
  /** Security group whose members (the services' tasks) may connect. */
  readonly clientSecurityGroupId: string;
  /** Node type. @default 'cache.t4g.micro' */
  readonly nodeType?: string;
  /** Nodes: 1 primary plus replicas (1-6); 2 or more turn on automatic failover and Multi-AZ. @default 2 */
  readonly nodeCount?: number;
  /** Days of daily snapshots kept (0-35). @default 1 */
  readonly snapshotRetentionDays?: number;
}

/**
 * The central store of the breaker state and the idempotency keys
 * (ElastiCache for Valkey, Redis OSS compatible): TLS in transit and
 * encryption at rest, in private subnets, reachable on 6379 only from the
 * services' security group.
 */
export class SharedStateCache extends Construct {
  /** `rediss://<primary endpoint>:6379`, the services' `REDIS_URL`. */
  public readonly redisUrl: string;
  /** ID of the cache's security group. */
  public readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: SharedStateCacheProps) {
    super(scope, id);
    const nodeCount = props.nodeCount ?? 2;
    const snapshotRetentionDays = props.snapshotRetentionDays ?? 1;
    requireIntegerInRange(this, 'nodeCount', nodeCount, 1, 6);
    requireIntegerInRange(this, 'snapshotRetentionDays', snapshotRetentionDays, 0, 35);
    const subnets = new ElasticacheSubnetGroup(this, 'SubnetGroup', {
      name: props.name,
      description: 'Private subnets of the shared-state cache',
      subnetIds: props.subnetIds,
    });
    const group = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.name}-cache`,
      description: 'Shared-state cache: 6379 from the mesh tasks only',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(this, 'FromClients', {
      securityGroupId: group.id,
      description: 'Valkey/Redis from the mesh tasks',
      ipProtocol: 'tcp',
      fromPort: CACHE_PORT,
      toPort: CACHE_PORT,
      referencedSecurityGroupId: props.clientSecurityGroupId,
    });
    const failover = nodeCount > 1;
    const cache = new ElasticacheReplicationGroup(this, 'Resource', {
      replicationGroupId: props.name,
      description: 'Circuit-breaker state and idempotency keys of the EV pipeline',
      engine: 'valkey',
      engineVersion: '8.0',
      nodeType: props.nodeType ?? 'cache.t4g.micro',
      numCacheClusters: nodeCount,
      automaticFailoverEnabled: failover,
      multiAzEnabled: failover,
      port: CACHE_PORT,
      subnetGroupName: subnets.name,
      securityGroupIds: [group.id],
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: 'true',
      snapshotRetentionLimit: snapshotRetentionDays,
      autoMinorVersionUpgrade: 'true',
    });
    this.redisUrl = `rediss://${cache.primaryEndpointAddress}:${CACHE_PORT}`;
    this.securityGroupId = group.id;
  }
}
