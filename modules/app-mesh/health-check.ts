import type { AppmeshVirtualNodeSpecListenerHealthCheck } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { Duration } from '../core/duration';
import { InvalidPropError, requireIntegerInRange, requirePort } from '../core/prop-error';

export interface HttpHealthCheckOptions {
  /** Path Envoy probes. @default '/' */
  readonly path?: string;
  /** Port Envoy probes. @default the listener's port */
  readonly port?: number;
  /** Time between probes (App Mesh: 5-300 s). @default 5 seconds */
  readonly interval?: Duration;
  /** Time to wait for a probe's answer (App Mesh: 2-60 s). @default 2 seconds */
  readonly timeout?: Duration;
  /** Consecutive successes before the target is healthy (2-10). @default 2 */
  readonly healthyThreshold?: number;
  /** Consecutive failures before the target is unhealthy (2-10). @default 2 */
  readonly unhealthyThreshold?: number;
}

/**
 * Active health checking by Envoy of a virtual node's listener.
 * https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_HealthCheckPolicy.html
 */
export class HealthCheck {
  /** An HTTP health check. */
  public static http(options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('http', options);
  }

  private constructor(
    private readonly protocol: string,
    private readonly options: HttpHealthCheckOptions,
  ) {}

  /** Renders the provider block; `owner` names the construct and `prop` the health check's prop in errors. */
  public render(owner: string, prop = 'healthCheck'): AppmeshVirtualNodeSpecListenerHealthCheck {
    const interval = (this.options.interval ?? Duration.seconds(5)).toMilliseconds();
    const timeout = (this.options.timeout ?? Duration.seconds(2)).toMilliseconds();
    const healthy = this.options.healthyThreshold ?? 2;
    const unhealthy = this.options.unhealthyThreshold ?? 2;
    requireIntegerInRange(owner, `${prop}.interval (ms)`, interval, 5_000, 300_000);
    requireIntegerInRange(owner, `${prop}.timeout (ms)`, timeout, 2_000, 60_000);
    requireIntegerInRange(owner, `${prop}.healthyThreshold`, healthy, 2, 10);
    requireIntegerInRange(owner, `${prop}.unhealthyThreshold`, unhealthy, 2, 10);
    if (this.options.port !== undefined) requirePort(owner, `${prop}.port`, this.options.port);
    const path = this.options.path ?? '/';
    if (!path.startsWith('/')) throw new InvalidPropError(owner, `${prop}.path`, `must start with '/', got '${path}'`);
    return {
      protocol: this.protocol,
      path,
      ...(this.options.port !== undefined ? { port: this.options.port } : {}),
      intervalMillis: interval,
      timeoutMillis: timeout,
      healthyThreshold: healthy,
      unhealthyThreshold: unhealthy,
    };
  }
}
