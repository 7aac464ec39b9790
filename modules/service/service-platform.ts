import type { ICluster } from '../ecs/cluster';
import type { ISecurityGroup } from '../network/service-security-group';

/**
 * What the services of one platform share whatever their data plane: build
 * it once (from resources created here or imported with `fromXxx`) and
 * hand it to each service. Each data plane adds its own parts
 * (`AppMeshPlatform`, `ServiceConnectPlatform`); every value is given once.
 */
export interface ServicePlatform {
  /** The ECS cluster. */
  readonly cluster: ICluster;
  /** The security group every task joins; its VPC is the services' VPC. */
  readonly securityGroup: ISecurityGroup;
  /** Private subnets of the tasks. */
  readonly subnetIds: readonly string[];
  /** Region of the tasks (log configuration, regional images); a Terraform reference is fine. */
  readonly region: string;
  /** Partition of ARNs the library builds (`aws`, `aws-cn`, `aws-us-gov`); a Terraform reference is fine. @default 'aws' */
  readonly partition?: string;
  /** Prefix of resource names, e.g. `<env>-<project>`. @default none */
  readonly namePrefix?: string;
}
