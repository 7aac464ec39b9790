import { Construct, type IConstruct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { InvalidPropError, requireNonEmptyString } from '../core/prop-error';

/** An ECS cluster, created here or elsewhere. */
export interface ICluster extends IConstruct {
  /** The cluster's ARN, as ECS services reference it (`cluster`). */
  readonly clusterArn: string;
  /** The cluster's name. */
  readonly clusterName: string;
}

export interface ClusterProps {
  /** Name of the cluster. */
  readonly name: string;
  /** Also register FARGATE_SPOT, for tasks started with a Spot strategy (the default strategy stays FARGATE). @default false */
  readonly enableFargateSpot?: boolean;
  /** ARN of the Cloud Map namespace that ECS Service Connect uses by default in this cluster (`service_connect_defaults`). @default none */
  readonly serviceConnectNamespaceArn?: string;
}

/** An ECS cluster with Container Insights, whose default capacity provider strategy is FARGATE. */
export class Cluster extends Construct implements ICluster {
  /** An existing cluster, by ARN (`arn:<partition>:ecs:<region>:<account>:cluster/<name>`); creates nothing. */
  public static fromClusterArn(scope: Construct, id: string, clusterArn: string): ICluster {
    return new ImportedCluster(scope, id, clusterArn);
  }

  /** The cluster's ID (its ARN). */
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
      ...(props.serviceConnectNamespaceArn !== undefined
        ? { serviceConnectDefaults: { namespace: props.serviceConnectNamespaceArn } }
        : {}),
    });
    new EcsClusterCapacityProviders(this, 'CapacityProviders', {
      clusterName: cluster.name,
      capacityProviders: props.enableFargateSpot ? ['FARGATE', 'FARGATE_SPOT'] : ['FARGATE'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });
    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    // An ECS cluster's `id` attribute is its ARN.
    this.clusterArn = cluster.id;
  }
}

class ImportedCluster extends Construct implements ICluster {
  public readonly clusterArn: string;
  public readonly clusterName: string;

  constructor(scope: Construct, id: string, clusterArn: string) {
    super(scope, id);
    const owner = `Cluster.fromClusterArn '${this.node.path}'`;
    requireNonEmptyString(owner, 'clusterArn', clusterArn);
    this.clusterArn = clusterArn;
    if (Token.isUnresolved(clusterArn)) {
      this.clusterName = Fn.element(Fn.split('/', clusterArn), 1);
    } else {
      const match = /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\/(.+)$/.exec(clusterArn);
      if (!match?.[1]) {
        throw new InvalidPropError(
          owner,
          'clusterArn',
          `must look like arn:aws:ecs:<region>:<account>:cluster/<name>, got '${clusterArn}' (string)`,
        );
      }
      this.clusterName = match[1];
    }
  }
}
