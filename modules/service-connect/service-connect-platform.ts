import type { ServicePlatform } from '../service/service-platform';
import type { IHttpNamespace } from './http-namespace';

/**
 * What the services of one Service Connect namespace share: the
 * {@link ServicePlatform} every data plane has, plus the namespace. Each
 * service creates a security group of its own in the VPC of
 * `securityGroup` (its port, open to its callers only). Build it once and
 * hand it to each `ServiceConnectService`.
 */
export interface ServiceConnectPlatform extends ServicePlatform {
  /** The Cloud Map HTTP namespace the services' endpoints live in. */
  readonly namespace: IHttpNamespace;
}
