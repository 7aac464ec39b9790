import { describeValue, InvalidPropError, requireIntegerInRange, requireNonEmptyString, requirePort } from '../core/prop-error';
import { awslogs, type ContainerDefinition } from '../ecs/container-definition';
import type { TaskSize } from '../ecs/task-size';
import type { PolicyStatement } from '../iam/policy-statement';

/**
 * The AWS Distro for OpenTelemetry collector image, pinned: v0.45.1 is the
 * release named by the `VERSION` file of aws-observability/aws-otel-collector
 * when this library was written. A mutable tag such as `latest` would change
 * the collector under a running service.
 */
export const ADOT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1';

/** Name of the collector's container in the task. */
export const COLLECTOR_CONTAINER_NAME = 'otel-collector';

/**
 * What the `awsxray` exporter calls. X-Ray supports no resource-level
 * permissions for these actions, hence `*`.
 */
export const XRAY_EXPORTER_STATEMENTS: readonly PolicyStatement[] = Object.freeze([
  { sid: 'CollectorExportsToXRay', actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resources: ['*'] },
]);

export interface AwsDistroCollectorProps {
  /**
   * The collector's configuration, an OpenTelemetry Collector configuration
   * as an object. The container receives it as JSON (which is YAML) in the
   * ADOT image's `AOT_CONFIG_CONTENT` variable. It must enable a
   * `health_check` extension on `healthCheckPort`.
   */
  readonly configuration: Readonly<Record<string, unknown>>;
  /** Port of the `health_check` extension, which the image's `/healthcheck` program probes on 127.0.0.1. */
  readonly healthCheckPort: number;
  /** The image. @default ADOT_COLLECTOR_IMAGE */
  readonly image?: string;
  /** CPU units reserved for the collector. @default 64 */
  readonly cpu?: number;
  /** Hard memory limit of the collector, in MiB (a `memory_limiter` processor's percentages refer to it). @default 128 */
  readonly memoryMiB?: number;
  /** UID (or UID:GID) the collector runs as; the image is built `FROM scratch` and would run as root. @default '10001' */
  readonly user?: string;
  /** What the collector's exporters may do, added to the task role. @default XRAY_EXPORTER_STATEMENTS (the `awsxray` exporter's) */
  readonly taskRoleStatements?: readonly PolicyStatement[];
}

/** Where the collector's container logs. */
export interface CollectorLogging {
  readonly logGroupName: string;
  readonly region: string;
  readonly streamPrefix: string;
}

/**
 * An OpenTelemetry collector sidecar: the apps of the task send spans to it
 * on the task's loopback (Fargate tasks share one network namespace), and it
 * exports them. Not essential: a collector that stops loses traces, not
 * requests. The app waits for it to be HEALTHY, so the first spans are not lost.
 */
export class OtelCollectorSidecar {
  /** The AWS Distro for OpenTelemetry collector, configured by `configuration`. */
  public static awsDistro(props: AwsDistroCollectorProps): OtelCollectorSidecar {
    return new OtelCollectorSidecar(props);
  }

  private constructor(private readonly props: AwsDistroCollectorProps) {}

  /** CPU units and memory (MiB) the collector reserves of its task. */
  public get size(): TaskSize {
    return { cpu: this.props.cpu ?? 64, memory: this.props.memoryMiB ?? 128 };
  }

  /** What the task role must allow the collector. */
  public get taskRoleStatements(): readonly PolicyStatement[] {
    return this.props.taskRoleStatements ?? XRAY_EXPORTER_STATEMENTS;
  }

  /** Checks the props and renders the container; `prop` names the sidecar's prop in errors. */
  public render(owner: string, prop: string, logging: CollectorLogging): ContainerDefinition {
    const { configuration, healthCheckPort } = this.props;
    requirePort(owner, `${prop}.healthCheckPort`, healthCheckPort);
    requireIntegerInRange(owner, `${prop}.cpu`, this.size.cpu, 0, 16_384);
    requireIntegerInRange(owner, `${prop}.memoryMiB`, this.size.memory, 6, 122_880);
    if (this.props.image !== undefined) requireNonEmptyString(owner, `${prop}.image`, this.props.image);
    if (this.props.user !== undefined) requireNonEmptyString(owner, `${prop}.user`, this.props.user);
    requireHealthCheckExtension(owner, prop, configuration, healthCheckPort);
    return {
      name: COLLECTOR_CONTAINER_NAME,
      image: this.props.image ?? ADOT_COLLECTOR_IMAGE,
      essential: false,
      cpu: this.size.cpu,
      memory: this.size.memory,
      user: this.props.user ?? '10001',
      readonlyRootFilesystem: true,
      environment: [{ name: 'AOT_CONFIG_CONTENT', value: JSON.stringify(configuration) }],
      portMappings: [],
      healthCheck: { command: ['CMD', '/healthcheck', `--port=${healthCheckPort}`], interval: 5, retries: 3, startPeriod: 10, timeout: 2 },
      logConfiguration: awslogs(logging.logGroupName, logging.region, logging.streamPrefix),
    };
  }
}

/**
 * Throws unless `configuration` enables a `health_check` extension listening
 * on `port`: without it the container never turns HEALTHY and the app, which
 * waits for it, never starts.
 */
function requireHealthCheckExtension(owner: string, prop: string, configuration: unknown, port: number): void {
  if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) {
    throw new InvalidPropError(
      owner,
      `${prop}.configuration`,
      `must be a collector configuration object, got ${describeValue(configuration)}`,
    );
  }
  const config = configuration as { extensions?: Record<string, { endpoint?: unknown }>; service?: { extensions?: unknown } };
  const enabled = Array.isArray(config.service?.extensions) ? (config.service.extensions as unknown[]) : [];
  const healthCheck = enabled.find((name): name is string => typeof name === 'string' && /^health_check(\/|$)/.test(name));
  if (healthCheck === undefined) {
    throw new InvalidPropError(
      owner,
      `${prop}.configuration.service.extensions`,
      `must enable a health_check extension (the container's health check probes it), got ${describeValue(config.service?.extensions)}`,
    );
  }
  const endpoint = config.extensions?.[healthCheck]?.endpoint;
  const listensOn = typeof endpoint === 'string' ? Number(endpoint.split(':').pop()) : 13_133;
  if (listensOn !== port) {
    throw new InvalidPropError(
      owner,
      `${prop}.healthCheckPort`,
      `is ${port}, but the ${healthCheck} extension listens on ${listensOn} (configuration.extensions.${healthCheck}.endpoint)`,
    );
  }
}
