import type { ICluster } from '../ecs/cluster';
import type { ISecurityGroup } from '../network/service-security-group';
import type { IHttpNamespace } from './http-namespace';

/**
 * What the services of one Service Connect namespace share: build it once
 * (from resources created here or imported with `fromXxx`) and hand it to
 * each {@link ServiceConnectService}.
 */
export interface ServiceConnectPlatform {
  /** The Cloud Map HTTP namespace the services' endpoints live in. */
  readonly namespace: IHttpNamespace;
  /** The ECS cluster. */
  readonly cluster: ICluster;
  /** The security group every task joins (outbound HTTPS to AWS APIs, shared caches); no service opens its port on it. */
  readonly securityGroup: ISecurityGroup;
  /** ID of the VPC, where each service creates its own security group (its port, open to its callers only). */
  readonly vpcId: string;
  /** Private subnets of the tasks. */
  readonly subnetIds: readonly string[];
  /** Region of the tasks' log group (a Terraform reference is fine). */
  readonly region: string;
  /** Partition of AWS managed policy ARNs (`aws`, `aws-cn`, `aws-us-gov`; a Terraform reference is fine). @default 'aws' */
  readonly partition?: string;
  /** Prefix of resource names, e.g. `<env>-<project>`. @default none */
  readonly namePrefix?: string;
}
