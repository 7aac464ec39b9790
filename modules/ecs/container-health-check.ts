import { describeValue, InvalidPropError, requireIntegerInRange } from '../core/prop-error';

/** Programs that can probe an HTTP health check from inside the app's container. */
export enum HttpProbeRuntime {
  /** `node -e "fetch(...)"`: Node.js 18 or later in the image (the Node slim images have no curl). */
  NODE = 'node',
  /** `curl -fsS`: curl in the image. */
  CURL = 'curl',
  /** `wget -q --spider`: wget (or BusyBox's) in the image. */
  WGET = 'wget',
}

export interface HttpHealthCheckProbeOptions {
  /** Path to probe; must start with '/'. */
  readonly path: string;
  /** The program in the image that probes it. */
  readonly runtime: HttpProbeRuntime;
  /** Port to probe. @default the service's port */
  readonly port?: number;
}

export interface ContainerHealthCheckTiming {
  /** Seconds between checks (5-300). @default 20 */
  readonly intervalSeconds?: number;
  /** Seconds a check may take (2-60). @default 5 */
  readonly timeoutSeconds?: number;
  /** Failures in a row before the container is unhealthy (1-10). @default 5 */
  readonly retries?: number;
  /** Seconds after start during which failures do not count (0-300). @default 10 */
  readonly startPeriodSeconds?: number;
}

/** The ECS container health check as the task definition's JSON holds it. */
export interface RenderedContainerHealthCheck {
  readonly command: readonly string[];
  readonly interval: number;
  readonly retries: number;
  readonly startPeriod: number;
  readonly timeout: number;
}

/**
 * The health check ECS runs inside the app's container. ECS reports the
 * result to Cloud Map, so an unhealthy task leaves service discovery.
 */
export class ContainerHealthCheck {
  /** A command of the image, in ECS's form: `['CMD', 'bin', 'arg']` or `['CMD-SHELL', 'script']`; exit 0 is healthy. */
  public static command(command: readonly string[], timing: ContainerHealthCheckTiming = {}): ContainerHealthCheck {
    return new ContainerHealthCheck(command, undefined, timing);
  }

  /** An HTTP GET of `http://127.0.0.1:<port><path>` by `runtime`; a 2xx answer is healthy. */
  public static http(probe: HttpHealthCheckProbeOptions, timing: ContainerHealthCheckTiming = {}): ContainerHealthCheck {
    return new ContainerHealthCheck(undefined, probe, timing);
  }

  private constructor(
    private readonly command: readonly string[] | undefined,
    private readonly probe: HttpHealthCheckProbeOptions | undefined,
    private readonly timing: ContainerHealthCheckTiming,
  ) {}

  /** Checks the health check and renders it for a container of a service on `servicePort`; `prop` names it in errors. */
  public render(owner: string, prop: string, servicePort: number): RenderedContainerHealthCheck {
    let command: string[];
    if (this.probe) {
      const { path, runtime, port } = this.probe;
      if (typeof path !== 'string' || !path.startsWith('/')) {
        throw new InvalidPropError(owner, `${prop}.path`, `must start with '/', got ${describeValue(path)}`);
      }
      if (!Object.values(HttpProbeRuntime).includes(runtime)) {
        throw new InvalidPropError(
          owner,
          `${prop}.runtime`,
          `must be one of ${Object.values(HttpProbeRuntime).join(', ')}, got ${describeValue(runtime)}`,
        );
      }
      if (port !== undefined) requireIntegerInRange(owner, `${prop}.port`, port, 1, 65_535);
      command = probeCommand(runtime, `http://127.0.0.1:${port ?? servicePort}${path}`);
    } else {
      const kind = this.command?.[0];
      if (kind !== 'CMD' && kind !== 'CMD-SHELL') {
        throw new InvalidPropError(owner, `${prop}.command[0]`, `must be 'CMD' or 'CMD-SHELL' (ECS), got ${describeValue(kind)}`);
      }
      command = [...(this.command ?? [])];
    }
    const interval = this.timing.intervalSeconds ?? 20;
    const timeout = this.timing.timeoutSeconds ?? 5;
    const retries = this.timing.retries ?? 5;
    const startPeriod = this.timing.startPeriodSeconds ?? 10;
    requireIntegerInRange(owner, `${prop}.intervalSeconds`, interval, 5, 300);
    requireIntegerInRange(owner, `${prop}.timeoutSeconds`, timeout, 2, 60);
    requireIntegerInRange(owner, `${prop}.retries`, retries, 1, 10);
    requireIntegerInRange(owner, `${prop}.startPeriodSeconds`, startPeriod, 0, 300);
    return { command, interval, retries, startPeriod, timeout };
  }
}

function probeCommand(runtime: HttpProbeRuntime, url: string): string[] {
  switch (runtime) {
    case HttpProbeRuntime.NODE:
      return ['CMD', 'node', '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
    case HttpProbeRuntime.CURL:
      return ['CMD', 'curl', '-fsS', '-o', '/dev/null', url];
    case HttpProbeRuntime.WGET:
      return ['CMD', 'wget', '-q', '-O', '/dev/null', url];
  }
}
