import { describeValue, requireIntegerInRange, requirePort } from '../core/prop-error';
import { propNames, type PropProblems } from '../core/prop-problems';
import { requirePlainEnvironment } from '../ecs/app-environment';
import { toAppSecret, type AppSecret } from '../ecs/app-secret';
import { ContainerHealthCheck } from '../ecs/container-health-check';
import { requireFargateSize } from '../ecs/fargate-sizes';
import type { TaskSize } from '../ecs/task-size';
import { RetryPolicy, type RetryPolicySpec } from '../retry/retry-policy';
import { requireServiceScalingSpec } from '../scaling/service-scaling-check';
import { ServiceImage } from './service-image';
import { DEFAULT_MINIMUM_APP_SIZE, type ServiceSpec, type ServiceTimeouts } from './service-spec';

/** Names ECS, Cloud Map, App Mesh and Service Connect accept for a service. */
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const SPEC_PROPS = propNames<ServiceSpec<unknown>>({
  name: true,
  port: true,
  image: true,
  size: true,
  minimumAppSize: true,
  environment: true,
  secrets: true,
  backends: true,
  timeouts: true,
  retryPolicy: true,
  healthCheck: true,
  user: true,
  scaling: true,
});
const TIMEOUT_PROPS = propNames<ServiceTimeouts>({ request: true, call: true });
const SIZE_PROPS = propNames<TaskSize>({ cpu: true, memory: true });
const RETRY_POLICY_PROPS = propNames<RetryPolicySpec>({
  httpRetryEvents: true,
  tcpRetryEvents: true,
  maxRetries: true,
  perRetryTimeoutMs: true,
});

/**
 * A part of a task that a data plane adds beside the app (a sidecar, or
 * room left for a proxy that ECS injects), with the prop that sizes it.
 */
export interface SidecarShare {
  /** What takes the room, for messages (`Envoy`, `the Service Connect proxy`). */
  readonly name: string;
  /** CPU units it takes. */
  readonly cpu: number;
  /** Memory it takes, in MiB. */
  readonly memory: number;
  /** The prop (or props) that size it, as the user writes them. */
  readonly prop: string;
}

/**
 * How a data plane renders a spec, for the checks that depend on it.
 */
export interface SpecRendering {
  /** What the data plane adds to each task beside the app. */
  readonly sidecars: readonly SidecarShare[];
  /** Whether the data plane takes timeouts in whole seconds (Service Connect) rather than milliseconds. */
  readonly timeoutsInWholeSeconds: boolean;
}

/**
 * A spec as checked: the secrets as {@link AppSecret}s and the retry policy.
 */
export interface CheckedSpec {
  /** The app's secrets, by environment variable name. */
  readonly secrets: readonly (readonly [string, AppSecret])[];
  /** The retry policy of calls into the service, if any. */
  readonly retryPolicy: RetryPolicy | undefined;
}

/**
 * Checks every prop of a spec, recording each problem in `problems` by the
 * name the user wrote (`spec.timeouts.call`, `spec.size.cpu`): the data
 * plane's renderer adds only what is its own (backends, its extra props).
 * @internal
 */
export function checkServiceSpec(problems: PropProblems, spec: ServiceSpec<unknown>, rendering: SpecRendering): CheckedSpec {
  const owner = problems.owner;
  if (spec === null || typeof spec !== 'object') {
    problems.add('spec', `must be a service spec ({ name, port, image, size, ... }), got ${describeValue(spec)}`);
    return { secrets: [], retryPolicy: undefined };
  }
  problems.rejectUnknown('spec.', spec, SPEC_PROPS);
  if (typeof spec.name !== 'string' || !SERVICE_NAME.test(spec.name)) {
    problems.add('spec.name', `must be 1-63 lower-case letters, digits and hyphens, got ${describeValue(spec.name)}`);
  }
  problems.check(() => requirePort(owner, 'spec.port', spec.port));
  if (!(spec.image instanceof ServiceImage)) {
    problems.add('spec.image', `must be a ServiceImage (ServiceImage.fromOwnRepository(tag), ...), got ${describeValue(spec.image)}`);
  }
  checkSize(problems, spec, rendering.sidecars);
  for (const [name, value] of Object.entries(spec.environment ?? {})) {
    problems.check(() => requirePlainEnvironment(owner, 'spec.environment', { [name]: value }, 'spec.secrets'));
  }
  const secrets = Object.entries(spec.secrets ?? {}).flatMap(([name, value]) => {
    const secret = problems.check(() => toAppSecret(owner, `spec.secrets.${name}`, value));
    return secret ? [[name, secret] as const] : [];
  });
  if (spec.timeouts !== undefined) {
    problems.rejectUnknown('spec.timeouts.', spec.timeouts, TIMEOUT_PROPS);
    for (const key of TIMEOUT_PROPS as readonly (keyof ServiceTimeouts)[]) {
      const timeout = spec.timeouts[key];
      if (timeout === undefined) continue;
      const whole = typeof timeout?.isPositiveWholeMillis === 'function' && timeout.isPositiveWholeMillis();
      if (!whole || (rendering.timeoutsInWholeSeconds && timeout.toMilliseconds() % 1_000 !== 0)) {
        problems.add(
          `spec.timeouts.${key}`,
          rendering.timeoutsInWholeSeconds
            ? `must be a positive whole number of seconds (Service Connect takes seconds), got ${describeTimeout(timeout)}`
            : `must be a positive whole number of milliseconds, got ${describeTimeout(timeout)}`,
        );
      }
    }
  }
  let retryPolicy: RetryPolicy | undefined;
  if (spec.retryPolicy !== undefined) {
    problems.rejectUnknown('spec.retryPolicy.', spec.retryPolicy, RETRY_POLICY_PROPS);
    retryPolicy = problems.check(() => RetryPolicy.fromSpec(spec.retryPolicy!).check(owner, 'spec.retryPolicy'));
  }
  if (spec.healthCheck !== undefined) {
    if (!(spec.healthCheck instanceof ContainerHealthCheck)) {
      problems.add(
        'spec.healthCheck',
        `must be a ContainerHealthCheck (ContainerHealthCheck.http(...)), got ${describeValue(spec.healthCheck)}`,
      );
    } else if (!problems.has('spec.port')) {
      problems.check(() => spec.healthCheck!.render(owner, 'spec.healthCheck', spec.port));
    }
  }
  if (spec.scaling !== undefined && !problems.has('spec.size')) {
    problems.check(() => requireServiceScalingSpec(owner, 'spec.scaling', spec.scaling!, spec.size, 'spec.size'));
  }
  if (spec.user !== undefined && (typeof spec.user !== 'string' || spec.user.length === 0)) {
    problems.add('spec.user', `must be a UID, UID:GID or user name, got ${describeValue(spec.user)}`);
  }
  return { secrets, retryPolicy };
}

/** A timeout as a message shows it. */
function describeTimeout(timeout: unknown): string {
  return timeout !== null && typeof timeout === 'object' && 'toMilliseconds' in timeout ? String(timeout) : describeValue(timeout);
}

/**
 * The task must be a Fargate size and leave the app at least its minimum
 * after the data plane's sidecars; the message gives the numbers.
 */
function checkSize(problems: PropProblems, spec: ServiceSpec<unknown>, sidecars: readonly SidecarShare[]): void {
  const owner = problems.owner;
  problems.rejectUnknown('spec.size.', spec.size, SIZE_PROPS);
  const sizeOk = problems.check(() => (requireFargateSize(owner, 'spec.size', spec.size?.cpu, spec.size?.memory), true));
  const minimum = spec.minimumAppSize ?? DEFAULT_MINIMUM_APP_SIZE;
  if (spec.minimumAppSize !== undefined) {
    problems.rejectUnknown('spec.minimumAppSize.', spec.minimumAppSize, SIZE_PROPS);
    problems.check(() => requireIntegerInRange(owner, 'spec.minimumAppSize.cpu', minimum.cpu, 1, 16_384));
    problems.check(() => requireIntegerInRange(owner, 'spec.minimumAppSize.memory', minimum.memory, 1, 122_880));
  }
  if (!sizeOk || problems.has('spec.minimumAppSize') || sidecars.some((s) => problems.has(s.prop.split(/[ .+]/)[0]!))) return;
  for (const [resource, unit] of [
    ['cpu', 'CPU units'],
    ['memory', 'MiB'],
  ] as const) {
    const taken = sidecars.reduce((sum, sidecar) => sum + sidecar[resource], 0);
    const left = spec.size[resource] - taken;
    if (left >= minimum[resource]) continue;
    const parts = sidecars.map((sidecar) => `${sidecar.name} ${sidecar[resource]} (${sidecar.prop})`).join(', ');
    problems.add(
      `spec.size.${resource}`,
      `${spec.size[resource]} ${unit} leave the app ${Math.max(left, 0)} after ${parts}, below the ${minimum[resource]} it needs ` +
        `(spec.minimumAppSize.${resource}${spec.minimumAppSize === undefined ? ', default' : ''}); choose a larger Fargate size, smaller sidecars or a smaller minimumAppSize`,
    );
  }
}
