import { Construct } from 'constructs';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';

export interface ClusterProps {
  /** Name of the cluster. */
  readonly name: string;
  /** Also register FARGATE_SPOT, for tasks started with a Spot strategy (the default strategy stays FARGATE). @default false */
  readonly enableFargateSpot?: boolean;
}

/** An ECS cluster with Container Insights, whose default capacity provider strategy is FARGATE. */
export class Cluster extends Construct {
  /** The cluster's ID (its ARN), as ECS services reference it. */
  public readonly clusterId: string;
  /** The cluster's name. */
  public readonly clusterName: string;
  /** The cluster's ARN. */
  public readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const cluster = new EcsCluster(this, 'Resource', {
      name: props.name,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    new EcsClusterCapacityProviders(this, 'CapacityProviders', {
      clusterName: cluster.name,
      capacityProviders: props.enableFargateSpot ? ['FARGATE', 'FARGATE_SPOT'] : ['FARGATE'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });
    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
  }
}
