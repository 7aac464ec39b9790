import { Construct } from 'constructs';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { ENVOY_UID, RetryMode, APP_USER } from '../../contract/services';
import { InvalidPropError, requireIntegerInRange, requirePort } from '../core/prop-error';
import { awslogs, type ContainerDefinition } from './container-definition';
import type { EnvoyImage } from './envoy-image';
import { requireFargateSize } from './fargate-sizes';
import type { MeshedTaskSize } from './task-size';

/** Name of the Envoy container, which the APPMESH proxy configuration names. */
export const ENVOY_CONTAINER_NAME = 'envoy';
/** Name of the X-Ray daemon container. */
export const XRAY_CONTAINER_NAME = 'xray-daemon';
/** The X-Ray daemon image the article uses. */
export const DEFAULT_XRAY_IMAGE = 'public.ecr.aws/xray/aws-xray-daemon:latest';
/** Envoy's ports: admin, proxy ingress, proxy egress. */
const ENVOY_ADMIN_PORT = 9901;
const PROXY_INGRESS_PORT = 15000;
const PROXY_EGRESS_PORT = 15001;
/** The ECS task metadata endpoint and the instance metadata service, which must bypass Envoy. */
const METADATA_IPS = ['169.254.170.2', '169.254.169.254'];
/** Environment variable names that suggest a secret (FSBP ECS.8: pass secrets through `secrets`, not `environment`). */
const SECRET_LIKE_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i;

export interface MeshedTaskDefinitionProps {
  /** Task definition family. */
  readonly family: string;
  /** Name of the app container. */
  readonly appContainerName: string;
  /** Image of the app, e.g. `<repository url>:<app version>`. */
  readonly appImage: string;
  /** Port the app listens on (1-65535); `APP_PORT` and the proxy's AppPorts. */
  readonly appPort: number;
  /** Path of the app's health check, probed with Node's `fetch` (the Node slim image has no curl). @default '/health-check' */
  readonly healthCheckPath?: string;
  /** Further environment of the app; no secrets (names like `*_SECRET`, `*_PASSWORD`, `*_TOKEN` are rejected). @default none */
  readonly appEnvironment?: Readonly<Record<string, string>>;
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
  /** Outbound ports that bypass Envoy (the proxy's EgressIgnoredPorts). @default [22] (as the article) */
  readonly egressIgnoredPorts?: readonly number[];
}

/**
 * A Fargate task definition for one service in the mesh: the app, the Envoy
 * sidecar and the X-Ray daemon, as the article sets them, with the APPMESH
 * proxy configuration; the app waits for a HEALTHY Envoy and runs as the
 * unprivileged `node` user, the sidecars as UID 1337.
 */
export class MeshedTaskDefinition extends Construct {
  /** The task definition's ARN (with revision). */
  public readonly taskDefinitionArn: string;
  /** The task definition's family. */
  public readonly family: string;
  /** The container definitions, as rendered (for inspection by other constructs and tests). */
  public readonly containers: readonly ContainerDefinition[];

  constructor(scope: Construct, id: string, props: MeshedTaskDefinitionProps) {
    super(scope, id);
    const owner = `MeshedTaskDefinition '${this.node.path}'`;
    validateSize(owner, props.size);
    requirePort(owner, 'appPort', props.appPort);
    const egressIgnoredPorts = props.egressIgnoredPorts ?? [22];
    egressIgnoredPorts.forEach((port) => requirePort(owner, 'egressIgnoredPorts', port));
    for (const name of Object.keys(props.appEnvironment ?? {})) {
      if (SECRET_LIKE_NAME.test(name)) {
        throw new InvalidPropError(owner, 'appEnvironment', `'${name}' looks like a secret; pass it as an ECS secret instead`);
      }
    }
    const writable = props.appWritableDirectories ?? [];
    for (const dir of writable) {
      if (!dir.startsWith('/')) throw new InvalidPropError(owner, 'appWritableDirectories', `'${dir}' is not an absolute path`);
    }

    const { size } = props;
    const app = this.appContainer(props, writable);
    const envoy: ContainerDefinition = {
      name: ENVOY_CONTAINER_NAME,
      image: props.envoyImage.imageUri,
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
      containerDefinitions: JSON.stringify(this.containers),
      volume: writable.length > 0 ? writable.map((_, index) => ({ name: `writable-${index}` })) : undefined,
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
    this.family = task.family;
  }

  private appContainer(props: MeshedTaskDefinitionProps, writable: readonly string[]): ContainerDefinition {
    const { size } = props;
    const healthUrl = `http://127.0.0.1:${props.appPort}${props.healthCheckPath ?? '/health-check'}`;
    const environment = {
      ...props.appEnvironment,
      APP_PORT: String(props.appPort),
      RETRY_MODE: RetryMode.MESH,
    };
    return {
      name: props.appContainerName,
      image: props.appImage,
      essential: true,
      // The app gets what the sidecars leave of the task.
      cpu: size.cpu - size.envoyCpu - size.xrayCpu,
      memoryReservation: size.memory - size.envoyMemory - size.xrayMemory,
      user: APP_USER,
      readonlyRootFilesystem: props.appReadonlyRootFilesystem ?? true,
      environment: Object.entries(environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      portMappings: [{ containerPort: props.appPort, protocol: 'tcp' }],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('${healthUrl}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: 20,
        retries: 5,
        startPeriod: 10,
        timeout: 5,
      },
      dependsOn: [{ containerName: ENVOY_CONTAINER_NAME, condition: 'HEALTHY' }],
      mountPoints:
        writable.length > 0
          ? writable.map((containerPath, index) => ({ sourceVolume: `writable-${index}`, containerPath, readOnly: false }))
          : undefined,
      logConfiguration: awslogs(props.logGroupName, props.region, `awslogs-${props.logStreamPrefix}`),
    };
  }
}

function validateSize(owner: string, size: MeshedTaskSize): void {
  requireFargateSize(owner, size.cpu, size.memory);
  for (const [prop, value] of Object.entries(size)) {
    requireIntegerInRange(owner, `size.${prop}`, value, 1, Number.MAX_SAFE_INTEGER);
  }
  for (const [prop, value, task] of [
    ['size.envoyCpu', size.envoyCpu, size.cpu],
    ['size.xrayCpu', size.xrayCpu, size.cpu],
    ['size.envoyMemory', size.envoyMemory, size.memory],
    ['size.xrayMemory', size.xrayMemory, size.memory],
  ] as const) {
    if (value >= task) throw new InvalidPropError(owner, prop, `${value} exceeds or equals the task's ${task}`);
  }
  if (size.envoyCpu + size.xrayCpu >= size.cpu) {
    throw new InvalidPropError(owner, 'size.envoyCpu + size.xrayCpu', `${size.envoyCpu + size.xrayCpu} leaves no CPU of the task's ${size.cpu} for the app`);
  }
  if (size.envoyMemory + size.xrayMemory >= size.memory) {
    throw new InvalidPropError(owner, 'size.envoyMemory + size.xrayMemory', `${size.envoyMemory + size.xrayMemory} MiB leaves no memory of the task's ${size.memory} MiB for the app`);
  }
}
