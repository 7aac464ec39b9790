/**
 * ECS and ECR as the deploy command sees them: services, deployments, task
 * definitions of both data planes and images, shaped like the SDK's
 * responses; a fake clock; and the CLI run with captured output.
 */
import type {
  ContainerDefinition,
  Deployment,
  DescribeServicesCommandOutput,
  Service,
  ServiceEvent,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { runDeployCli } from '../../scripts/deploy/deploy-cli';
import type { Clock } from '../../scripts/deploy/wait-for-deployment';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const CLUSTER = 'dev-ev-pipeline-ecs-cluster';
export const SERVICE = 'data-processing';
export const FAMILY = 'dev-ev-pipeline-data-processing-service';
export const CONTAINER = 'data-processing-service';
export const REPOSITORY = FAMILY;
export const OLD_DIGEST = `sha256:${'a'.repeat(64)}`;
export const NEW_DIGEST = `sha256:${'b'.repeat(64)}`;
/** What Terraform put in the bootstrap revision: the repository URL and `var.app_version`. */
export const BOOTSTRAP_IMAGE = `${REGISTRY}/${REPOSITORY}:0f3c2a1`;
export const NEW_IMAGE = `${REGISTRY}/${REPOSITORY}@${NEW_DIGEST}`;
/** When the scenarios start. */
export const T0 = Date.parse('2026-11-02T10:00:00.000Z');

/** The ARN of revision `revision` of `family`. */
export function taskDefinitionArn(revision: number, family = FAMILY): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

/** A clock whose sleeps move it forward at once; remembers each sleep. */
export class FakeClock implements Clock {
  public time = T0;
  public readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** One deployment of the service. */
export function deployment(
  id: string,
  status: 'PRIMARY' | 'ACTIVE',
  revision: number,
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
  extra: Partial<Deployment> = {},
): Deployment {
  return {
    id,
    status,
    taskDefinition: taskDefinitionArn(revision),
    rolloutState,
    desiredCount: 1,
    runningCount: rolloutState === 'COMPLETED' ? 1 : 0,
    createdAt: new Date(T0),
    ...extra,
  };
}

/** A service event `secondsAfterT0` after the start. */
export function event(id: string, secondsAfterT0: number, message: string): ServiceEvent {
  return { id, createdAt: new Date(T0 + secondsAfterT0 * 1000), message: `(service ${SERVICE}) ${message}` };
}

/** The service as the stack creates it: ACTIVE, ECS controller, circuit breaker with rollback, one finished deployment of revision 3. */
export function service(overrides: Partial<Service> = {}): Service {
  const deployments = overrides.deployments ?? [deployment('ecs-svc/1000000000000000001', 'PRIMARY', 3, 'COMPLETED')];
  return {
    serviceName: SERVICE,
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${SERVICE}`,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    taskDefinition: deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition,
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments,
    events: [],
    ...overrides,
  };
}

/** A DescribeServices response listing `svc`. */
export function described(svc: Service): DescribeServicesCommandOutput {
  return { services: [svc], failures: [], $metadata: {} };
}

const log = (prefix: string) => ({
  logDriver: 'awslogs' as const,
  options: { 'awslogs-group': '/ecs/dev-ev-pipeline/data-processing', 'awslogs-region': REGION, 'awslogs-stream-prefix': prefix },
});

/** The app container as the stack renders it for `plane`. */
function appContainer(image: string, plane: 'app-mesh' | 'service-connect'): ContainerDefinition {
  return {
    name: CONTAINER,
    image,
    essential: true,
    cpu: 352,
    memoryReservation: 704,
    user: '1000:1000',
    readonlyRootFilesystem: true,
    environment: [
      { name: 'APP_PORT', value: '3001' },
      { name: 'RETRY_MODE', value: plane === 'app-mesh' ? 'mesh' : 'app' },
    ],
    portMappings:
      plane === 'app-mesh'
        ? [{ containerPort: 3001, hostPort: 3001, protocol: 'tcp' }]
        : [{ name: SERVICE, containerPort: 3001, hostPort: 3001, protocol: 'tcp', appProtocol: 'http' }],
    healthCheck: { command: ['CMD', 'node', '-e', 'fetch(...)'], interval: 20, retries: 5, startPeriod: 10, timeout: 5 },
    dependsOn: plane === 'app-mesh' ? [{ containerName: 'envoy', condition: 'HEALTHY' }] : undefined,
    logConfiguration: log('awslogs-data-processing'),
    mountPoints: [],
    volumesFrom: [],
  };
}

/** A revision of the family as DescribeTaskDefinition returns it, read-only keys included. */
function taskDefinition(revision: number, containerDefinitions: ContainerDefinition[], extra: Partial<TaskDefinition>): TaskDefinition {
  return {
    taskDefinitionArn: taskDefinitionArn(revision),
    family: FAMILY,
    revision,
    status: 'ACTIVE',
    containerDefinitions,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-processing-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/dev-ev-pipeline-data-processing-task-exec`,
    networkMode: 'awsvpc',
    volumes: [],
    placementConstraints: [],
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.task-iam-role' }, { name: 'ecs.capability.container-health-check' }],
    cpu: '512',
    memory: '1024',
    registeredAt: new Date(T0 - 86_400_000),
    registeredBy: `arn:aws:sts::${ACCOUNT}:assumed-role/terraform/ci`,
    ...extra,
  };
}

/** An App Mesh revision: app, Envoy (essential, knows its virtual node), X-Ray daemon, APPMESH proxy configuration. */
export function appMeshTaskDefinition(revision: number, image = BOOTSTRAP_IMAGE): TaskDefinition {
  const envoy: ContainerDefinition = {
    name: 'envoy',
    image: '840364872350.dkr.ecr.ap-northeast-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod',
    essential: true,
    environment: [
      { name: 'APPMESH_RESOURCE_ARN', value: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/dev-ev-pipeline-app-mesh/virtualNode/${FAMILY}` },
    ],
    portMappings: [9901, 15000, 15001].map((containerPort) => ({ containerPort, hostPort: containerPort, protocol: 'tcp' as const })),
    user: '1337',
    logConfiguration: log('awslogs-envoy-data-processing'),
  };
  const xray: ContainerDefinition = {
    name: 'xray-daemon',
    image: 'public.ecr.aws/xray/aws-xray-daemon:latest',
    essential: false,
    portMappings: [{ containerPort: 2000, hostPort: 2000, protocol: 'udp' }],
    user: '1337',
    logConfiguration: log('awslogs-xray-data-processing'),
  };
  return taskDefinition(revision, [appContainer(image, 'app-mesh'), envoy, xray], {
    proxyConfiguration: {
      type: 'APPMESH',
      containerName: 'envoy',
      properties: [
        { name: 'AppPorts', value: '3001' },
        { name: 'EgressIgnoredIPs', value: '169.254.170.2,169.254.169.254' },
        { name: 'IgnoredUID', value: '1337' },
        { name: 'ProxyEgressPort', value: '15001' },
        { name: 'ProxyIngressPort', value: '15000' },
      ],
    },
  });
}

/** A Service Connect revision: the app with a named port mapping (appProtocol http) and an OpenTelemetry collector; no proxy configuration. */
export function serviceConnectTaskDefinition(revision: number, image = BOOTSTRAP_IMAGE): TaskDefinition {
  const collector: ContainerDefinition = {
    name: 'aws-otel-collector',
    image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3',
    essential: false,
    logConfiguration: log('awslogs-otel-data-processing'),
  };
  return taskDefinition(revision, [appContainer(image, 'service-connect'), collector], {});
}

/** The Service Connect configuration of a server service publishing the app's named port. */
export const SERVICE_CONNECT = {
  enabled: true,
  namespace: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/ns-0123456789abcdef`,
  services: [{ portName: SERVICE, discoveryName: SERVICE, clientAliases: [{ port: 3001, dnsName: SERVICE }] }],
};

/** Tags DescribeTaskDefinition returns with `include: ['TAGS']` (the provider's default tags, and one AWS-reserved tag). */
export const TAGS = [
  { key: 'Project', value: 'ev-pipeline' },
  { key: 'Environment', value: 'dev' },
  { key: 'ManagedBy', value: 'cdktf' },
  { key: 'aws:cloudformation:stack-name', value: 'reserved-by-aws' },
];

/** The output of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** The JSON summary (stdout), parsed. */
  readonly summary: any;
  /** The regions ECR clients were asked for. */
  readonly ecrRegions: string[];
}

/** Runs the CLI with the (mocked) SDK clients and `clock`; captures everything it writes. */
export async function runCli(args: string[], clock: Clock = new FakeClock()): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ecrRegions: string[] = [];
  const code = await runDeployCli(args, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    ecs: new ECSClient({ region: REGION }),
    ecrClientFor: (region) => {
      ecrRegions.push(region);
      return new ECRClient({ region });
    },
    clock,
  });
  let summary: unknown;
  try {
    summary = JSON.parse(stdout.join('\n'));
  } catch {
    summary = undefined;
  }
  return { code, stdout, stderr, summary, ecrRegions };
}

/** The arguments of a deployment of {@link NEW_IMAGE} to data-processing in dev's App Mesh stack (the fixtures' names). */
export function deployArgs(...extra: string[]): string[] {
  return [
    '--env',
    'dev',
    '--data-plane',
    'app-mesh',
    '--service',
    SERVICE,
    '--image',
    NEW_IMAGE,
    '--poll-interval',
    '15',
    '--timeout',
    '600',
    ...extra,
  ];
}
