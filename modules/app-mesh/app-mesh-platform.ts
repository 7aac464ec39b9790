import type { INamespace } from '../discovery/private-dns-namespace';
import type { ICluster } from '../ecs/cluster';
import type { EnvoyImage } from './envoy-image';
import type { IMesh } from './mesh';
import type { ISecurityGroup } from '../network/service-security-group';

/**
 * What the services of one mesh share: build it once (from resources created
 * here or imported with `fromXxx`) and hand it to each {@link MeshedService}.
 */
export interface AppMeshPlatform {
  /** The mesh. */
  readonly mesh: IMesh;
  /** The Cloud Map namespace the services register in. */
  readonly namespace: INamespace;
  /** The ECS cluster. */
  readonly cluster: ICluster;
  /** The security group of the services' tasks. */
  readonly securityGroup: ISecurityGroup;
  /** Private subnets of the tasks. */
  readonly subnetIds: readonly string[];
  /** The Envoy image of the sidecars. */
  readonly envoyImage: EnvoyImage;
  /** Region of the tasks' log group (a Terraform reference is fine). */
  readonly region: string;
  /** DNS domain of the virtual services, `<service>.<dnsDomain>`; must be the namespace's. @default the namespace's dnsDomain */
  readonly dnsDomain?: string;
  /** Prefix of resource names, e.g. `<env>-<project>`. @default none */
  readonly namePrefix?: string;
}
