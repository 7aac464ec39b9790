import { describeValue, InvalidPropError, requirePort } from '../core/prop-error';
import { requirePlainEnvironment } from '../ecs/app-environment';
import { ServiceImage } from './service-image';
import type { ServiceSpec } from './service-spec';

/** Names ECS, Cloud Map, App Mesh and Service Connect accept for a service. */
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Checks what every data plane needs of a spec, naming each prop as
 * `spec.<prop>`: the name, the port, the image, a plain environment (strings,
 * no secret-like names) and the health check.
 * @internal
 */
export function requireServiceSpecBasics(owner: string, spec: ServiceSpec<unknown>): void {
  if (typeof spec.name !== 'string' || !SERVICE_NAME.test(spec.name)) {
    throw new InvalidPropError(owner, 'spec.name', `must be 1-63 lower-case letters, digits and hyphens, got ${describeValue(spec.name)}`);
  }
  requirePort(owner, 'spec.port', spec.port);
  if (!(spec.image instanceof ServiceImage)) {
    throw new InvalidPropError(
      owner,
      'spec.image',
      `must be a ServiceImage (ServiceImage.fromOwnRepository(tag), ...), got ${describeValue(spec.image)}`,
    );
  }
  requirePlainEnvironment(owner, 'spec.environment', spec.environment ?? {}, 'spec.secrets');
  spec.healthCheck?.render(owner, 'spec.healthCheck', spec.port);
}
