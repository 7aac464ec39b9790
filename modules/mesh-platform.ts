import type { Mesh } from './mesh/mesh';
import type { PrivateDnsNamespace } from './discovery/private-dns-namespace';
import type { Cluster } from './ecs/cluster';
import type { EnvoyImage } from './ecs/envoy-image';
import type { MeshSecurityGroup } from './network/mesh-security-group';

/** What every service of one mesh shares; a stack builds it once and hands it to each {@link MeshedService}. */
export interface MeshPlatform {
  /** The mesh. */
  readonly mesh: Mesh;
  /** The Cloud Map namespace the services register in. */
  readonly namespace: PrivateDnsNamespace;
  /** DNS domain of the virtual services, `<env>.<internal domain>` (the namespace's name). */
  readonly dnsDomain: string;
  /** The ECS cluster. */
  readonly cluster: Cluster;
  /** The security group of the mesh's tasks. */
  readonly securityGroup: MeshSecurityGroup;
  /** Prefix of resource names, `<env>-<project>`. */
  readonly namePrefix: string;
  /** Region of the stack. */
  readonly region: string;
  /** AWS partition of the stack. */
  readonly partition: string;
  /** Private subnets of the tasks. */
  readonly subnetIds: string[];
  /** Image tag of the apps (the app version). */
  readonly appVersion: string;
  /** The Envoy image of the sidecars. */
  readonly envoyImage: EnvoyImage;
}
