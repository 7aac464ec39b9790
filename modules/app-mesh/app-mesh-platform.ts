import type { INamespace } from '../discovery/private-dns-namespace';
import type { ServicePlatform } from '../service/service-platform';
import type { EnvoyImage } from './envoy-image';
import type { IMesh } from './mesh';

/**
 * What the services of one mesh share: the {@link ServicePlatform} every
 * data plane has, plus the mesh, its Cloud Map namespace and the Envoy
 * image. Build it once and hand it to each `MeshedService`.
 */
export interface AppMeshPlatform extends ServicePlatform {
  /** The mesh. */
  readonly mesh: IMesh;
  /** The Cloud Map private DNS namespace the services register in. */
  readonly namespace: INamespace;
  /** The Envoy image of the sidecars. @default EnvoyImage.appMeshRegional(), in the platform's region */
  readonly envoyImage?: EnvoyImage;
  /** DNS domain of the virtual services, `<service>.<dnsDomain>`; must be the namespace's. @default the namespace's dnsDomain */
  readonly dnsDomain?: string;
}
