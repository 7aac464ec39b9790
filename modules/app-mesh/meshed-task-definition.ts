import { Construct } from 'constructs';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { InvalidPropError, requireIntegerInRange, requirePort } from '../core/prop-error';
import { requirePlainEnvironment } from '../ecs/app-environment';
import { toAppSecret, type AppSecret } from '../ecs/app-secret';
import { awslogs, renderContainerDefinitions, type ContainerDefinition } from '../ecs/container-definition';
import type { ContainerHealthCheck } from '../ecs/container-health-check';
import type { EnvoyImage } from './envoy-image';
import { requireFargateSize } from '../ecs/fargate-sizes';
import type { MeshedTaskSize } from './sidecar-size';

/** Name of the Envoy container, which the APPMESH proxy configuration names. */
export const ENVOY_CONTAINER_NAME = 'envoy';
/** UID the Envoy and X-Ray sidecars run as; the APPMESH proxy's iptables rules let its traffic bypass Envoy. */
export const ENVOY_UID = 1337;
/** Name of the X-Ray daemon container. */
export const XRAY_CONTAINER_NAME = 'xray-daemon';
/**
 * The X-Ray daemon image used when none is given: AWS's public image at an
 * exact release (3.7.0), never a moving tag such as `latest`, which would
 * change the sidecar under a running service at its next task placement.
 */
export const DEFAULT_XRAY_IMAGE = 'public.ecr.aws/xray/aws-xray-daemon:3.7.0';
/** Envoy's ports: admin, proxy ingress, proxy egress. */
const ENVOY_ADMIN_PORT = 9901;
const PROXY_INGRESS_PORT = 15000;
const PROXY_EGRESS_PORT = 15001;
/** The ECS task metadata endpoint and the instance metadata service, which must bypass Envoy. */
const METADATA_IPS = ['169.254.170.2', '169.254.169.254'];

export interface MeshedTaskDefinitionProps {
  /** Task definition family. */
  readonly family: string;
  /** Name of the app container. */
  readonly appContainerName: string;
  /** Image of the app, e.g. `<repository url>:<app version>`. */
  readonly appImage: string;
  /** Port the app listens on (1-65535); `APP_PORT` and the proxy's AppPorts. */
  readonly appPort: number;
  /** Health check of the app container, run by ECS inside it. @default none (ECS counts a running container as healthy) */
  readonly appHealthCheck?: ContainerHealthCheck;
  /** UID (or UID:GID, or user name) the app runs as. @default the image's USER */
  readonly appUser?: string;
  /** Environment of the app, exactly as given; no secrets (names like `*_SECRET`, `*_PASSWORD`, `*_TOKEN` are rejected). @default none */
  readonly appEnvironment?: Readonly<Record<string, string>>;
  /** Secrets of the app: environment variable name → the secret ECS reads at start (a `valueFrom` ARN or an {@link AppSecret}); the execution role must be able to read them. @default none */
  readonly appSecrets?: Readonly<Record<string, string | AppSecret>>;
  /** Give the app a read-only root file system (FSBP ECS.5); ECS Exec needs it writable. @default true */
  readonly appReadonlyRootFilesystem?: boolean;
  /** Directories the app may write to, as task-storage bind mounts (Fargate has no tmpfs). @default none */
  readonly appWritableDirectories?: readonly string[];
  /** Task and sidecar sizes. */
  readonly size: MeshedTaskSize;
  /** ARN of the task's virtual node (`APPMESH_RESOURCE_ARN`). */
  readonly virtualNodeArn: string;
  /** The Envoy image. */
  readonly envoyImage: EnvoyImage;
  /** Envoy's log level. @default 'info' */
  readonly envoyLogLevel?: string;
  /** The X-Ray daemon image. @default DEFAULT_XRAY_IMAGE */
  readonly xrayImage?: string;
  /** Log group of all three containers. */
  readonly logGroupName: string;
  /** Region of the log group. */
  readonly region: string;
  /** Prefix of the log streams; containers add their own part (`awslogs-<prefix>`, `awslogs-envoy-<prefix>`, `awslogs-xray-<prefix>`). */
  readonly logStreamPrefix: string;
  /** ARN of the task execution role. */
  readonly executionRoleArn: string;
  /** ARN of the task role. */
  readonly taskRoleArn: string;
  /** Outbound ports that bypass Envoy (the proxy's EgressIgnoredPorts). @default [22] */
  readonly egressIgnoredPorts?: readonly number[];
  /** Keep each revision registered when Terraform replaces it (`skip_destroy`), so running tasks and rollbacks keep their revision. @default true */
  readonly retainRevisions?: boolean;
}

/**
 * A Fargate task definition for one service in the mesh: the app, the Envoy
 * sidecar and the X-Ray daemon, with the APPMESH
 * proxy configuration; the app waits for a HEALTHY Envoy, the sidecars run
 * as UID 1337. Revisions are kept when replaced (`skip_destroy`).
 */
export class MeshedTaskDefinition extends Construct {
  /** The task definition's ARN (with revision). */
  public readonly taskDefinitionArn: string;
  /** The task definition's ARN without revision (the family's latest active revision when ECS resolves it). */
  public readonly taskDefinitionArnWithoutRevision: string;
  /** The task definition's family. */
  public readonly family: string;
  /** The container definitions, as rendered (for inspection by other constructs and tests). */
  public readonly containers: readonly ContainerDefinition[];
  /** The app's secrets, as the execution role must be able to read them. */
  public readonly secrets: readonly AppSecret[];

  constructor(scope: Construct, id: string, props: MeshedTaskDefinitionProps) {
    super(scope, id);
    const owner = `MeshedTaskDefinition '${this.node.path}'`;
    requireMeshedTaskSize(owner, props.size);
    requirePort(owner, 'appPort', props.appPort);
    const egressIgnoredPorts = props.egressIgnoredPorts ?? [22];
    egressIgnoredPorts.forEach((port) => requirePort(owner, 'egressIgnoredPorts', port));
    requirePlainEnvironment(owner, 'appEnvironment', props.appEnvironment ?? {}, 'appSecrets');
    const secrets = Object.entries(props.appSecrets ?? {}).map(
      ([name, value]) => [name, toAppSecret(owner, `appSecrets.${name}`, value)] as const,
    );
    this.secrets = secrets.map(([, secret]) => secret);
    const writable = props.appWritableDirectories ?? [];
    for (const dir of writable) {
      if (!dir.startsWith('/')) throw new InvalidPropError(owner, 'appWritableDirectories', `'${dir}' is not an absolute path`);
    }

    const { size } = props;
    const app = this.appContainer(owner, props, writable, secrets);
    const envoy: ContainerDefinition = {
      name: ENVOY_CONTAINER_NAME,
      image: props.envoyImage.imageUriIn(props.region),
      essential: true,
      cpu: size.envoyCpu,
      memory: size.envoyMemory,
      environment: [
        { name: 'APPMESH_RESOURCE_ARN', value: props.virtualNodeArn },
        { name: 'ENVOY_LOG_LEVEL', value: props.envoyLogLevel ?? 'info' },
        { name: 'ENVOY_INITIAL_FETCH_TIMEOUT', value: '30' },
        { name: 'ENABLE_ENVOY_XRAY_TRACING', value: '1' },
      ],
      portMappings: [ENVOY_ADMIN_PORT, PROXY_INGRESS_PORT, PROXY_EGRESS_PORT].map((containerPort) => ({
        protocol: 'tcp' as const,
        containerPort,
      })),
      healthCheck: {
        command: ['CMD-SHELL', `curl -s http://localhost:${ENVOY_ADMIN_PORT}/server_info | grep state | grep -q LIVE`],
        interval: 5,
        retries: 3,
        startPeriod: 60,
        timeout: 2,
      },
      user: String(ENVOY_UID),
      // The Envoy image writes its bootstrap configuration at start-up.
      readonlyRootFilesystem: false,
      logConfiguration: awslogs(props.logGroupName, props.region, `awslogs-envoy-${props.logStreamPrefix}`),
    };
    const xray: ContainerDefinition = {
      name: XRAY_CONTAINER_NAME,
      image: props.xrayImage ?? DEFAULT_XRAY_IMAGE,
      essential: false,
      cpu: size.xrayCpu,
      memoryReservation: size.xrayMemory,
      portMappings: [{ hostPort: 2000, containerPort: 2000, protocol: 'udp' }],
      user: String(ENVOY_UID),
      readonlyRootFilesystem: true,
      logConfiguration: awslogs(props.logGroupName, props.region, `awslogs-xray-${props.logStreamPrefix}`),
    };
    this.containers = [app, envoy, xray];

    const task = new EcsTaskDefinition(this, 'Resource', {
      family: props.family,
      requiresCompatibilities: ['FARGATE'],
      cpu: String(size.cpu),
      memory: String(size.memory),
      networkMode: 'awsvpc',
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
      containerDefinitions: renderContainerDefinitions(this.containers),
      ...(writable.length > 0 ? { volume: writable.map((_, index) => ({ name: `writable-${index}` })) } : {}),
      skipDestroy: props.retainRevisions ?? true,
      proxyConfiguration: {
        type: 'APPMESH',
        containerName: ENVOY_CONTAINER_NAME,
        properties: {
          AppPorts: String(props.appPort),
          EgressIgnoredIPs: METADATA_IPS.join(','),
          IgnoredUID: String(ENVOY_UID),
          ProxyEgressPort: String(PROXY_EGRESS_PORT),
          ProxyIngressPort: String(PROXY_INGRESS_PORT),
          EgressIgnoredPorts: egressIgnoredPorts.join(','),
        },
      },
    });
    this.taskDefinitionArn = task.arn;
    this.taskDefinitionArnWithoutRevision = task.arnWithoutRevision;
    this.family = task.family;
  }

  private appContainer(
    owner: string,
    props: MeshedTaskDefinitionProps,
    writable: readonly string[],
    secrets: readonly (readonly [string, AppSecret])[],
  ): ContainerDefinition {
    const { size } = props;
    const environment = Object.entries(props.appEnvironment ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return {
      name: props.appContainerName,
      image: props.appImage,
      essential: true,
      // The app gets what the sidecars leave of the task.
      cpu: size.cpu - size.envoyCpu - size.xrayCpu,
      memoryReservation: size.memory - size.envoyMemory - size.xrayMemory,
      ...(props.appUser !== undefined ? { user: props.appUser } : {}),
      readonlyRootFilesystem: props.appReadonlyRootFilesystem ?? true,
      environment: environment.map(([name, value]) => ({ name, value })),
      ...(secrets.length > 0
        ? { secrets: [...secrets].sort(([a], [b]) => a.localeCompare(b)).map(([name, secret]) => ({ name, valueFrom: secret.valueFrom })) }
        : {}),
      portMappings: [{ containerPort: props.appPort, protocol: 'tcp' }],
      ...(props.appHealthCheck ? { healthCheck: props.appHealthCheck.render(owner, 'appHealthCheck', props.appPort) } : {}),
      dependsOn: [{ containerName: ENVOY_CONTAINER_NAME, condition: 'HEALTHY' }],
      ...(writable.length > 0
        ? { mountPoints: writable.map((containerPath, index) => ({ sourceVolume: `writable-${index}`, containerPath, readOnly: false })) }
        : {}),
      logConfiguration: awslogs(props.logGroupName, props.region, `awslogs-${props.logStreamPrefix}`),
    };
  }
}

/**
 * Throws unless `size` is a Fargate size whose sidecars leave CPU and memory
 * for the app; `taskProp` and `sidecarProp` name the props as the caller
 * wrote them (`size`, or `spec.size` and `sidecarSize`).
 * @internal
 */
export function requireMeshedTaskSize(owner: string, size: MeshedTaskSize, taskProp = 'size', sidecarProp = 'size'): void {
  requireFargateSize(owner, taskProp, size.cpu, size.memory);
  for (const key of ['envoyCpu', 'envoyMemory', 'xrayCpu', 'xrayMemory'] as const) {
    requireIntegerInRange(owner, `${sidecarProp}.${key}`, size[key], 1, Number.MAX_SAFE_INTEGER);
  }
  if (size.envoyCpu + size.xrayCpu >= size.cpu) {
    throw new InvalidPropError(
      owner,
      `${sidecarProp}.envoyCpu + ${sidecarProp}.xrayCpu`,
      `${size.envoyCpu + size.xrayCpu} leaves no CPU of the task's ${size.cpu} (${taskProp}.cpu) for the app`,
    );
  }
  if (size.envoyMemory + size.xrayMemory >= size.memory) {
    throw new InvalidPropError(
      owner,
      `${sidecarProp}.envoyMemory + ${sidecarProp}.xrayMemory`,
      `${size.envoyMemory + size.xrayMemory} MiB leaves no memory of the task's ${size.memory} MiB (${taskProp}.memory) for the app`,
    );
  }
}
