import type { AppmeshVirtualNodeSpecListener } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import type { Duration } from '../core/duration';
import { requirePort } from '../core/prop-error';
import { renderHttpConnectionPool, type HttpConnectionPool } from './connection-pool';
import type { HealthCheck } from './health-check';
import { renderOutlierDetection, type OutlierDetection } from './outlier-detection';
import { ListenerProtocol } from './protocol';
import { effectivePerRequestTimeout, renderHttpTimeout, type HttpTimeout } from './timeouts';

export interface HttpListenerOptions {
  /** Port the node's app listens on (1-65535). */
  readonly port: number;
  /** Timeouts of requests into the node. @default App Mesh's: 15 s per request, no idle timeout */
  readonly timeout?: HttpTimeout;
  /** Active health check by Envoy. @default none */
  readonly healthCheck?: HealthCheck;
  /** Passive health check (ejection of failing hosts). @default none */
  readonly outlierDetection?: OutlierDetection;
  /** Connection and pending-request limits. @default none (App Mesh's defaults) */
  readonly connectionPool?: HttpConnectionPool;
}

/** A listener of a virtual node: the port and protocol its Envoy accepts traffic on, with its policies. */
export class VirtualNodeListener {
  /** An HTTP/1.1 listener. */
  public static http(options: HttpListenerOptions): VirtualNodeListener {
    return new VirtualNodeListener(ListenerProtocol.HTTP, options);
  }

  private constructor(
    /** The listener's protocol. */
    public readonly protocol: ListenerProtocol,
    private readonly options: HttpListenerOptions,
  ) {}

  /** The listener's port. */
  public get port(): number {
    return this.options.port;
  }

  /** The per-request timeout in force on this listener (App Mesh's 15 s when unset). */
  public get perRequestTimeout(): Duration {
    return effectivePerRequestTimeout(this.options.timeout);
  }

  /** Renders the provider block; `owner` names the construct in errors. */
  public render(owner: string): AppmeshVirtualNodeSpecListener {
    requirePort(owner, 'listener.port', this.options.port);
    const timeout = renderHttpTimeout(this.options.timeout);
    const { healthCheck, outlierDetection, connectionPool } = this.options;
    return {
      portMapping: { port: this.options.port, protocol: this.protocol },
      ...(timeout ? { timeout: { [this.protocol]: timeout } } : {}),
      ...(healthCheck ? { healthCheck: healthCheck.render(owner) } : {}),
      ...(outlierDetection ? { outlierDetection: renderOutlierDetection(owner, outlierDetection) } : {}),
      ...(connectionPool ? { connectionPool: renderHttpConnectionPool(owner, connectionPool) } : {}),
    };
  }
}
