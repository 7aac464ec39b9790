import { Construct } from 'constructs';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { describeValue, InvalidPropError, requirePort } from '../core/prop-error';
import { toAppSecret, type AppSecret } from '../ecs/app-secret';
import { requirePlainEnvironment } from '../ecs/app-environment';
import { awslogs, renderContainerDefinitions, type ContainerDefinition } from '../ecs/container-definition';
import type { ContainerHealthCheck } from '../ecs/container-health-check';
import type { TaskSize } from '../ecs/task-size';
import { COLLECTOR_CONTAINER_NAME, type OtelCollectorSidecar } from './otel-collector-sidecar';
import { RECOMMENDED_PROXY_HEADROOM, requireServiceConnectTaskSize, type ProxyHeadroom } from './proxy-headroom';
import { readinessGateContainer, type ContainerDefinitionWithCommand } from './readiness-gate';

/** Names ECS accepts for a port mapping: lower-case letters, digits, underscores and hyphens, 1-64, not starting with a hyphen. */
const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;

export interface ServiceConnectTaskDefinitionProps {
  /** Task definition family. */
  readonly family: string;
  /** Name of the app container. */
  readonly appContainerName: string;
  /** Image of the app, e.g. `<repository url>:<app version>`. */
  readonly appImage: string;
  /** Port the app listens on (1-65535). */
  readonly appPort: number;
  /** Name of the app's port mapping, which a Service Connect service's `port_name` refers to. */
  readonly portName: string;
  /** Health check of the app container; with one, a readiness gate keeps Service Connect traffic away until it passes. @default none */
  readonly appHealthCheck?: ContainerHealthCheck;
  /** UID (or UID:GID, or user name) the app runs as. @default the image's USER */
  readonly appUser?: string;
  /** Environment of the app, exactly as given; no secrets (names like `*_SECRET`, `*_PASSWORD`, `*_TOKEN` are rejected). @default none */
  readonly appEnvironment?: Readonly<Record<string, string>>;
  /** Secrets of the app: environment variable name → a `valueFrom` ARN or an {@link AppSecret}. @default none */
  readonly appSecrets?: Readonly<Record<string, string | AppSecret>>;
  /** Give the app a read-only root file system (FSBP ECS.5); ECS Exec needs it writable. @default true */
  readonly appReadonlyRootFilesystem?: boolean;
  /** CPU units and memory of the whole task; the proxy's headroom and the collector come out of it. */
  readonly size: TaskSize;
  /** What the task leaves to the Service Connect proxy ECS adds. @default RECOMMENDED_PROXY_HEADROOM (256 CPU units, 64 MiB) */
  readonly proxyHeadroom?: ProxyHeadroom;
  /** An OpenTelemetry collector sidecar the app sends spans to. @default none */
  readonly collector?: OtelCollectorSidecar;
  /** Log group of the containers. */
  readonly logGroupName: string;
  /** Region of the log group. */
  readonly region: string;
  /** Prefix of the log streams; containers add their own part (`awslogs-<prefix>`, `awslogs-otel-<prefix>`, `awslogs-gate-<prefix>`). */
  readonly logStreamPrefix: string;
  /** ARN of the task execution role. */
  readonly executionRoleArn: string;
  /** ARN of the task role. */
  readonly taskRoleArn: string;
  /** Keep each revision registered when Terraform replaces it (`skip_destroy`). @default true */
  readonly retainRevisions?: boolean;
}

/** An ECS port mapping with the fields Service Connect reads. */
interface NamedPortMapping {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: 'tcp';
  readonly appProtocol: 'http';
}

/**
 * A Fargate task definition for a service in an ECS Service Connect
 * namespace: the app with a named port mapping of `appProtocol: "http"`,
 * optionally an OpenTelemetry collector and, with a health check, a
 * readiness gate. No Envoy container and no `proxy_configuration`: ECS adds
 * the Service Connect proxy to each task itself and makes the app wait for
 * it, so the task's size keeps headroom for it.
 *
 * `appProtocol` is set from the first deployment: it cannot be changed on a
 * Service Connect service without recreating it, and it is what lets the
 * proxy apply HTTP per-request timeouts (`perRequestTimeout` "can only be
 * set if Service Connect appProtocol isn't TCP", ECS API reference,
 * `TimeoutConfiguration`).
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
 */
export class ServiceConnectTaskDefinition extends Construct {
  /** The task definition's ARN (with revision). */
  public readonly taskDefinitionArn: string;
  /** The task definition's family. */
  public readonly family: string;
  /** ARN of the family, without a revision (what a deploy role's permissions name). */
  public readonly taskDefinitionArnWithoutRevision: string;
  /** The name of the app's port mapping. */
  public readonly portName: string;
  /** The container definitions, as rendered. */
  public readonly containers: readonly ContainerDefinition[];
  /** CPU units and memory the app container gets. */
  public readonly appSize: TaskSize;

  constructor(scope: Construct, id: string, props: ServiceConnectTaskDefinitionProps) {
    super(scope, id);
    const owner = `ServiceConnectTaskDefinition '${this.node.path}'`;
    requirePort(owner, 'appPort', props.appPort);
    if (typeof props.portName !== 'string' || !PORT_NAME.test(props.portName)) {
      throw new InvalidPropError(
        owner,
        'portName',
        `must be 1-64 lower-case letters, digits, underscores and hyphens, not starting with a hyphen, got ${describeValue(props.portName)}`,
      );
    }
    requirePlainEnvironment(owner, 'appEnvironment', props.appEnvironment ?? {}, 'appSecrets');
    const secrets = Object.entries(props.appSecrets ?? {}).map(
      ([name, value]) => [name, toAppSecret(owner, `appSecrets.${name}`, value)] as const,
    );
    this.appSize = requireServiceConnectTaskSize(
      owner,
      props.size,
      props.proxyHeadroom ?? RECOMMENDED_PROXY_HEADROOM,
      props.collector?.size ?? { cpu: 0, memory: 0 },
      { size: 'size', headroom: 'proxyHeadroom', sidecars: 'collector' },
    );
    this.portName = props.portName;

    const logging = (part: string) => ({
      logGroupName: props.logGroupName,
      region: props.region,
      streamPrefix: `awslogs-${part}${props.logStreamPrefix}`,
    });
    const collector = props.collector?.render(owner, 'collector', logging('otel-'));
    const app = this.appContainer(owner, props, secrets, collector !== undefined);
    const gate: ContainerDefinitionWithCommand[] = props.appHealthCheck ? [readinessGateContainer(app.name, logging('gate-'))] : [];
    this.containers = [app, ...(collector ? [collector] : []), ...gate];

    const task = new EcsTaskDefinition(this, 'Resource', {
      family: props.family,
      requiresCompatibilities: ['FARGATE'],
      cpu: String(props.size.cpu),
      memory: String(props.size.memory),
      networkMode: 'awsvpc',
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
      containerDefinitions: renderContainerDefinitions(this.containers),
      skipDestroy: props.retainRevisions ?? true,
    });
    this.taskDefinitionArn = task.arn;
    this.taskDefinitionArnWithoutRevision = task.arnWithoutRevision;
    this.family = task.family;
  }

  private appContainer(
    owner: string,
    props: ServiceConnectTaskDefinitionProps,
    secrets: readonly (readonly [string, AppSecret])[],
    waitsForCollector: boolean,
  ): Omit<ContainerDefinition, 'portMappings'> & { readonly portMappings: readonly NamedPortMapping[] } {
    const environment = Object.entries(props.appEnvironment ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return {
      name: props.appContainerName,
      image: props.appImage,
      essential: true,
      // The app gets what the proxy's headroom and the sidecars leave of the task.
      cpu: this.appSize.cpu,
      memoryReservation: this.appSize.memory,
      ...(props.appUser !== undefined ? { user: props.appUser } : {}),
      readonlyRootFilesystem: props.appReadonlyRootFilesystem ?? true,
      environment: environment.map(([name, value]) => ({ name, value })),
      ...(secrets.length > 0
        ? { secrets: [...secrets].sort(([a], [b]) => a.localeCompare(b)).map(([name, secret]) => ({ name, valueFrom: secret.valueFrom })) }
        : {}),
      portMappings: [{ name: props.portName, containerPort: props.appPort, protocol: 'tcp', appProtocol: 'http' }],
      ...(props.appHealthCheck ? { healthCheck: props.appHealthCheck.render(owner, 'appHealthCheck', props.appPort) } : {}),
      ...(waitsForCollector ? { dependsOn: [{ containerName: COLLECTOR_CONTAINER_NAME, condition: 'HEALTHY' as const }] } : {}),
      logConfiguration: awslogs(props.logGroupName, props.region, `awslogs-${props.logStreamPrefix}`),
    };
  }
}
