import { Construct } from 'constructs';
import { dependable, TerraformStack, Token } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { EcsServiceServiceConnectConfiguration } from '@cdktf/provider-aws/lib/ecs-service';
import { Duration } from '../core/duration';
import { describeValue, InvalidPropError, requireIntegerInRange, requireNonEmptyString, requirePort } from '../core/prop-error';
import { Repository, type IRepository } from '../ecr/repository';
import { toAppSecret } from '../ecs/app-secret';
import { awslogs } from '../ecs/container-definition';
import {
  FargateService,
  type CapacityProviderStrategyItem,
  type DeploymentCircuitBreaker,
  type ExternallyManaged,
  type LoadBalancerAttachment,
} from '../ecs/fargate-service';
import { AppTaskRole } from '../iam/app-task-role';
import type { PolicyStatement } from '../iam/policy-statement';
import type { IRole } from '../iam/role';
import { TaskExecutionRole } from '../iam/task-execution-role';
import { LogGroup, type ILogGroup } from '../logs/log-group';
import { RetryPolicy } from '../mesh/retry-policy';
import type { ServiceSpec } from '../service/service-spec';
import { requireServiceSpecBasics } from '../service/service-spec-check';
import { ServiceConnectBudgetValidation, type ServiceConnectCaller } from '../validation/service-connect-budget';
import { ASSUMED_SERVICE_CONNECT_PROXY_RETRIES, type InProcessRetries } from './in-process-retries';
import type { OtelCollectorSidecar } from './otel-collector-sidecar';
import { RECOMMENDED_PROXY_HEADROOM, requireServiceConnectTaskSize, type ProxyHeadroom } from './proxy-headroom';
import { ServerPortAccess } from './server-port-access';
import {
  clientAliasUrl,
  DEFAULT_PER_REQUEST_TIMEOUT,
  ImportedServiceConnectServer,
  type ClientAlias,
  type IServiceConnectServer,
  type ServiceConnectServerAttributes,
} from './service-connect-server';
import type { ServiceConnectPlatform } from './service-connect-platform';
import { ServiceConnectTaskDefinition } from './service-connect-task-definition';
import { renderServiceConnectTls, ServiceConnectTlsRole, type ServiceConnectTlsOptions } from './service-connect-tls';

/** A client alias: a DNS name (labels of letters, digits and hyphens). */
const ALIAS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** AWS's default idle timeout of HTTP connections through the Service Connect proxy (ECS API reference, TimeoutConfiguration). */
const DEFAULT_IDLE_TIMEOUT = Duration.seconds(300);

/** Discovery names per stack and namespace: a second endpoint of one name in one namespace fails at apply. */
const NAMES_BY_STACK = new WeakMap<TerraformStack, Map<string, Map<string, string>>>();

export interface ServiceConnectServiceProps {
  /** The namespace, cluster, network and naming shared by the services. */
  readonly platform: ServiceConnectPlatform;
  /** What the service is; its backends are the Service Connect servers it calls. */
  readonly spec: ServiceSpec<IServiceConnectServer>;
  /** A client-only service: it calls its backends but has no endpoint of its own (`service_connect_configuration` with `enabled` and `namespace` only). @default false */
  readonly clientOnly?: boolean;
  /** The alias clients call the service by. @default `spec.name` and `spec.port` */
  readonly clientAlias?: Partial<ClientAlias>;
  /** How long a connection through the proxy may stay idle; at least the per-request timeout (a shorter one closes connections before requests time out). @default 5 minutes (AWS's default for HTTP) */
  readonly idleTimeout?: Duration;
  /** TLS into this service between the proxies, with certificates from AWS Private CA. @default none (plain HTTP inside the VPC) */
  readonly tls?: ServiceConnectTlsOptions;
  /** What each task leaves to the proxy ECS adds. @default RECOMMENDED_PROXY_HEADROOM (256 CPU units, 64 MiB) */
  readonly proxyHeadroom?: ProxyHeadroom;
  /** An OpenTelemetry collector sidecar the app sends spans to. @default none */
  readonly collector?: OtelCollectorSidecar;
  /** How the app applies its backends' retry policies in-process; the retry-budget check needs it. @default none: the app makes one attempt per call */
  readonly inProcessRetries?: InProcessRetries;
  /** Retries the Service Connect proxy makes on its own per request, for the retry-budget check (0-10). @default ASSUMED_SERVICE_CONNECT_PROXY_RETRIES (2) */
  readonly assumedProxyRetries?: number;
  /** Tasks to start with. @default 1 */
  readonly desiredCount?: number;
  /** Upper limit of running tasks during a deployment, in percent (100-200). @default 200 */
  readonly deploymentMaximumPercent?: number;
  /** Lower limit of healthy tasks during a deployment, in percent (0-100). @default 100 */
  readonly deploymentMinimumHealthyPercent?: number;
  /** The ECR repository of a `ServiceImage.fromOwnRepository` image. @default a new repository, when the image is such an image */
  readonly repository?: IRepository;
  /** The log group of the containers and of the proxy. @default a new log group */
  readonly logGroup?: ILogGroup;
  /** The task execution role; an existing one must already allow pulling the image, writing the logs and reading the secrets. @default a new role with exactly that */
  readonly executionRole?: IRole;
  /** The task role; an existing one must already allow what the app and the collector do. @default a new role */
  readonly taskRole?: IRole;
  /** Further permissions of the app's task role (not with an existing `taskRole`). @default none */
  readonly taskRoleStatements?: readonly PolicyStatement[];
  /** Days to keep the service's logs (a new log group only). @default 90 */
  readonly logRetentionDays?: number;
  /** Allow ECS Exec; makes the app's root file system writable (the SSM agent writes to it). @default false */
  readonly enableExecuteCommand?: boolean;
  /** Target groups the tasks register in. @default none */
  readonly loadBalancers?: readonly LoadBalancerAttachment[];
  /** Capacity provider strategy of the ECS service. @default the FARGATE launch type */
  readonly capacityProviderStrategies?: readonly CapacityProviderStrategyItem[];
  /** Settings of the ECS service another system owns (see FargateServiceProps). @default task definition and desired count */
  readonly externallyManaged?: readonly ExternallyManaged[];
  /** The ECS deployment circuit breaker. @default { enable: true, rollback: true } */
  readonly deploymentCircuitBreaker?: DeploymentCircuitBreaker;
}

/**
 * One service in an ECS Service Connect namespace, whole: a task definition
 * (the app with a named `http` port mapping, optionally an OpenTelemetry
 * collector and a readiness gate), a Fargate service with its
 * `service_connect_configuration`, a security group of its own whose port
 * only its callers may reach, the ECR repository, log group and roles unless
 * existing ones are given. The sibling of `MeshedService` over the same
 * {@link ServiceSpec}; what only App Mesh has (weighted versions, outlier
 * detection, connection pools, route retries) has no prop here.
 *
 * Rendered as hashicorp/aws 5.100 models Service Connect
 * (`aws_ecs_service.service_connect_configuration`: `enabled`, `namespace`,
 * `log_configuration`, `service { port_name, discovery_name, client_alias
 * { port, dns_name }, timeout { per_request_timeout_seconds,
 * idle_timeout_seconds }, tls { issuer_cert_authority, kms_key, role_arn } }`,
 * the `EcsServiceServiceConnectConfiguration*` structs of
 * `@cdktf/provider-aws/lib/ecs-service`) and as the ECS Developer Guide
 * describes it ("Amazon ECS Service Connect components", "Service Connect
 * configuration overview"). The retry policy of `spec` is not rendered:
 * Service Connect has none to configure; callers apply it in-process, and
 * the retry-budget check covers each call path.
 */
export class ServiceConnectService extends Construct implements IServiceConnectServer, ServiceConnectCaller {
  /** An existing Service Connect server, by its attributes; creates nothing. */
  public static fromServerAttributes(scope: Construct, id: string, attributes: ServiceConnectServerAttributes): IServiceConnectServer {
    return new ImportedServiceConnectServer(scope, id, attributes);
  }

  /** The service's name (ECS service and discovery name). */
  public readonly serviceName: string;
  /** ARN of the namespace. */
  public readonly namespaceArn: string;
  /** The alias clients call it by. */
  public readonly clientAlias: ClientAlias;
  /** Whether the service is client-only (no endpoint). */
  public readonly clientOnly: boolean;
  /** ID of the service's own security group. */
  public readonly securityGroupId: string;
  /** Per-request timeout of its proxy. */
  public readonly perRequestTimeout: Duration;
  /** Idle timeout of connections through its proxy. */
  public readonly idleTimeout: Duration;
  /** The retry policy its callers are to apply. */
  public readonly retryPolicy: RetryPolicy | undefined;
  /** The servers it calls. */
  public readonly backends: readonly IServiceConnectServer[];
  /** How its app retries calls to its backends, if it does. */
  public readonly inProcessRetries: InProcessRetries | undefined;
  /** Retries its proxy is assumed to make per request. */
  public readonly assumedProxyRetries: number;
  /** Its own per-request timeout as a server; undefined when client-only. */
  public readonly inboundTimeout: Duration | undefined;
  /** The task definition. */
  public readonly taskDefinition: ServiceConnectTaskDefinition;
  /** The ECS service. */
  public readonly service: FargateService;
  /** The ECR repository of a `fromOwnRepository` image, if any. */
  public readonly repository: IRepository | undefined;
  /** The log group of the containers and the proxy. */
  public readonly logGroup: ILogGroup;
  /** The task execution role. */
  public readonly executionRole: IRole;
  /** The task role. */
  public readonly taskRole: IRole;

  constructor(scope: Construct, id: string, props: ServiceConnectServiceProps) {
    super(scope, id);
    const owner = `ServiceConnectService '${this.node.path}'`;
    const { platform, spec } = props;
    requireServiceSpecBasics(owner, spec);
    requireUniqueName(owner, this, platform.namespace.namespaceArn, spec.name);
    this.serviceName = spec.name;
    this.namespaceArn = platform.namespace.namespaceArn;
    this.clientOnly = props.clientOnly ?? false;
    this.clientAlias = checkClientAlias(owner, props.clientAlias, spec);
    this.perRequestTimeout = perRequestTimeoutOf(owner, spec);
    this.idleTimeout = checkIdleTimeout(owner, props.idleTimeout ?? DEFAULT_IDLE_TIMEOUT, this.perRequestTimeout);
    this.retryPolicy = spec.retryPolicy ? RetryPolicy.fromSpec(spec.retryPolicy) : undefined;
    this.retryPolicy?.render(owner, 'spec.retryPolicy');
    this.backends = checkBackends(owner, this, spec.backends ?? []);
    this.inProcessRetries = checkInProcessRetries(owner, props.inProcessRetries);
    this.assumedProxyRetries = props.assumedProxyRetries ?? ASSUMED_SERVICE_CONNECT_PROXY_RETRIES;
    requireIntegerInRange(owner, 'assumedProxyRetries', this.assumedProxyRetries, 0, 10);
    this.inboundTimeout = this.clientOnly ? undefined : this.perRequestTimeout;
    checkDeployment(owner, props);
    if (this.clientOnly && props.tls)
      throw new InvalidPropError(owner, 'tls', 'a client-only service has no endpoint to encrypt; TLS is set on the server');
    const headroom = props.proxyHeadroom ?? RECOMMENDED_PROXY_HEADROOM;
    requireServiceConnectTaskSize(owner, spec.size, headroom, props.collector?.size ?? { cpu: 0, memory: 0 }, {
      size: 'spec.size',
      headroom: 'proxyHeadroom',
      sidecars: 'collector',
    });

    const prefix = platform.namePrefix === undefined ? spec.name : `${platform.namePrefix}-${spec.name}`;
    const enableExecuteCommand = props.enableExecuteCommand ?? false;
    this.repository =
      props.repository ?? (spec.image.usesOwnRepository ? new Repository(this, 'Repository', { name: `${prefix}-service` }) : undefined);
    this.logGroup =
      props.logGroup ??
      new LogGroup(this, 'LogGroup', {
        name: platform.namePrefix === undefined ? `/ecs/${spec.name}` : `/ecs/${platform.namePrefix}/${spec.name}`,
        ...(props.logRetentionDays !== undefined ? { retentionDays: props.logRetentionDays } : {}),
      });
    const image = spec.image.bind(this.repository);
    const secrets = Object.entries(spec.secrets ?? {}).map(
      ([name, value]) => [name, toAppSecret(owner, `spec.secrets.${name}`, value)] as const,
    );
    this.executionRole =
      props.executionRole ??
      new TaskExecutionRole(this, 'ExecutionRole', {
        name: `${prefix}-task-exec`,
        repositoryArns: image.repository ? [image.repository.repositoryArn] : [],
        logGroupArn: this.logGroup.logGroupArn,
        secrets: secrets.map(([, secret]) => secret),
      });
    this.taskRole =
      props.taskRole ??
      new AppTaskRole(this, 'TaskRole', {
        name: `${prefix}-task`,
        accountArn: this.logGroup.logGroupArn,
        statements: [...(props.taskRoleStatements ?? []), ...(props.collector?.taskRoleStatements ?? [])],
        enableExecuteCommand,
      });

    // The service's own group: its port opens to each caller in the caller's scope (ServerPortAccess).
    const group = new SecurityGroup(this, 'SecurityGroup', {
      name: `${prefix}-tasks`,
      description: `Tasks of ${spec.name}: its port only from the services that call it`,
      vpcId: platform.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = group.id;
    for (const backend of this.backends) {
      if (backend.securityGroupId === undefined) continue;
      new ServerPortAccess(this, `AccessTo${backend.node.id}`, {
        clientSecurityGroupId: group.id,
        serverSecurityGroupId: backend.securityGroupId,
        port: backend.clientAlias.port,
        clientName: spec.name,
        serverName: backend.serviceName,
      });
    }

    const portName = spec.name;
    this.taskDefinition = new ServiceConnectTaskDefinition(this, 'TaskDefinition', {
      family: `${prefix}-service`,
      appContainerName: `${spec.name}-service`,
      appImage: image.imageUri,
      appPort: spec.port,
      portName,
      ...(spec.healthCheck ? { appHealthCheck: spec.healthCheck } : {}),
      ...(spec.user !== undefined ? { appUser: spec.user } : {}),
      appEnvironment: spec.environment ?? {},
      appSecrets: Object.fromEntries(secrets),
      appReadonlyRootFilesystem: !enableExecuteCommand,
      size: spec.size,
      proxyHeadroom: headroom,
      ...(props.collector ? { collector: props.collector } : {}),
      logGroupName: this.logGroup.logGroupName,
      region: platform.region,
      logStreamPrefix: spec.name,
      executionRoleArn: this.executionRole.roleArn,
      taskRoleArn: this.taskRole.roleArn,
    });

    const tlsRoleArn = props.tls
      ? (props.tls.role?.roleArn ??
        new ServiceConnectTlsRole(this, 'TlsRole', {
          name: `${prefix}-sc-tls`,
          ...(platform.partition ? { partition: platform.partition } : {}),
        }).roleArn)
      : undefined;
    const serviceConnect: EcsServiceServiceConnectConfiguration = {
      enabled: true,
      namespace: platform.namespace.namespaceArn,
      logConfiguration: awslogs(this.logGroup.logGroupName, platform.region, `awslogs-proxy-${spec.name}`),
      ...(this.clientOnly
        ? {}
        : {
            service: [
              {
                portName,
                discoveryName: spec.name,
                clientAlias: { dnsName: this.clientAlias.dnsName, port: this.clientAlias.port },
                timeout: {
                  perRequestTimeoutSeconds: this.perRequestTimeout.toMilliseconds() / 1_000,
                  idleTimeoutSeconds: this.idleTimeout.toMilliseconds() / 1_000,
                },
                ...(props.tls && tlsRoleArn ? { tls: renderServiceConnectTls(owner, 'tls', props.tls, tlsRoleArn) } : {}),
              },
            ],
          }),
    };
    this.service = new FargateService(this, 'Service', {
      name: spec.name,
      cluster: platform.cluster,
      taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
      desiredCount: props.desiredCount ?? 1,
      deploymentMaximumPercent: props.deploymentMaximumPercent ?? 200,
      deploymentMinimumHealthyPercent: props.deploymentMinimumHealthyPercent ?? 100,
      subnetIds: platform.subnetIds,
      securityGroupIds: [platform.securityGroup.securityGroupId, group.id],
      enableExecuteCommand,
      serviceConnect,
      ...(props.loadBalancers ? { loadBalancers: props.loadBalancers } : {}),
      ...(props.capacityProviderStrategies ? { capacityProviderStrategies: props.capacityProviderStrategies } : {}),
      ...(props.externallyManaged ? { externallyManaged: props.externallyManaged } : {}),
      ...(props.deploymentCircuitBreaker ? { deploymentCircuitBreaker: props.deploymentCircuitBreaker } : {}),
    });
    // Servers before clients: a task resolves only the endpoints that exist when it starts ("Only new
    // tasks ... that start running after this deployment can resolve and connect to this endpoint",
    // Amazon ECS Developer Guide, "Amazon ECS Service Connect components").
    const serverServices = this.backends.filter((b): b is ServiceConnectService => b instanceof ServiceConnectService);
    if (serverServices.length > 0) {
      const resource = this.service.resource;
      resource.dependsOn = [...(resource.dependsOn ?? []), ...serverServices.map((server) => dependable(server.service.resource))];
    }

    this.node.addValidation(new ServiceConnectBudgetValidation(this));
  }

  /** The URL by which other services of the namespace call `path` on this one, `http://<alias>:<port><path>`. */
  public urlOf(path: string): string {
    return clientAliasUrl(this.clientAlias, path);
  }
}

function requireUniqueName(owner: string, service: Construct, namespaceArn: string, name: string): void {
  const stack = TerraformStack.of(service);
  const namespaces = NAMES_BY_STACK.get(stack) ?? new Map<string, Map<string, string>>();
  NAMES_BY_STACK.set(stack, namespaces);
  const names = namespaces.get(namespaceArn) ?? new Map<string, string>();
  namespaces.set(namespaceArn, names);
  const other = names.get(name);
  if (other !== undefined) {
    throw new InvalidPropError(
      owner,
      'spec.name',
      `'${name}' is already the name of ServiceConnectService '${other}' in this namespace; their endpoints would collide at apply`,
    );
  }
  names.set(name, service.node.path);
}

function checkClientAlias(owner: string, alias: Partial<ClientAlias> | undefined, spec: ServiceSpec<IServiceConnectServer>): ClientAlias {
  const dnsName = alias?.dnsName ?? spec.name;
  const port = alias?.port ?? spec.port;
  if (typeof dnsName !== 'string' || !ALIAS_NAME.test(dnsName)) {
    throw new InvalidPropError(
      owner,
      'clientAlias.dnsName',
      `must be a DNS name (labels of lower-case letters, digits, hyphens), got ${describeValue(dnsName)}`,
    );
  }
  requirePort(owner, 'clientAlias.port', port);
  return { dnsName, port };
}

/**
 * The proxy's per-request timeout: the smaller of the spec's listener and
 * route timeouts (in App Mesh both bound a request into the service; Service
 * Connect has one timeout for it), in whole seconds as the API takes it.
 */
function perRequestTimeoutOf(owner: string, spec: ServiceSpec<IServiceConnectServer>): Duration {
  let timeout: Duration | undefined;
  for (const key of ['listener', 'route'] as const) {
    const value = spec.timeouts?.[key];
    if (value === undefined) continue;
    if (!value.isPositiveWholeMillis() || value.toMilliseconds() % 1_000 !== 0) {
      throw new InvalidPropError(
        owner,
        `spec.timeouts.${key}`,
        `must be a positive whole number of seconds (Service Connect takes seconds), got ${value}`,
      );
    }
    if (timeout === undefined || value.toMilliseconds() < timeout.toMilliseconds()) timeout = value;
  }
  return timeout ?? DEFAULT_PER_REQUEST_TIMEOUT;
}

function checkIdleTimeout(owner: string, idle: Duration, perRequest: Duration): Duration {
  if (!idle.isPositiveWholeMillis() || idle.toMilliseconds() % 1_000 !== 0) {
    throw new InvalidPropError(owner, 'idleTimeout', `must be a positive whole number of seconds, got ${idle}`);
  }
  if (idle.toMilliseconds() < perRequest.toMilliseconds()) {
    throw new InvalidPropError(
      owner,
      'idleTimeout',
      `${idle} is below the per-request timeout (${perRequest}, from spec.timeouts): "If idleTimeout is set to a time that is less than ` +
        `perRequestTimeout, the connection will close when the idleTimeout is reached" (ECS API reference, TimeoutConfiguration)`,
    );
  }
  return idle;
}

function checkBackends(
  owner: string,
  self: ServiceConnectService,
  backends: readonly IServiceConnectServer[],
): readonly IServiceConnectServer[] {
  backends.forEach((backend, index) => {
    const prop = `spec.backends[${index}]`;
    if (backend === undefined || backend === null || typeof backend !== 'object' || !('clientAlias' in backend)) {
      throw new InvalidPropError(
        owner,
        prop,
        `must be a Service Connect server (a ServiceConnectService or ServiceConnectService.fromServerAttributes), got ${describeValue(backend)}`,
      );
    }
    if (backend === self) throw new InvalidPropError(owner, prop, 'is the service itself');
    if (backend instanceof ServiceConnectService && backend.clientOnly) {
      throw new InvalidPropError(owner, prop, `'${backend.serviceName}' is a client-only service: it has no endpoint to call`);
    }
    // Two literal ARNs, or two references, can be compared at synthesis; a literal and a reference cannot.
    const comparable = Token.isUnresolved(backend.namespaceArn) === Token.isUnresolved(self.namespaceArn);
    if (comparable && backend.namespaceArn !== self.namespaceArn) {
      throw new InvalidPropError(
        owner,
        prop,
        `'${backend.serviceName}' is in another namespace (${backend.namespaceArn}); Service Connect resolves aliases of the service's own namespace only`,
      );
    }
  });
  return backends;
}

function checkInProcessRetries(owner: string, retries: InProcessRetries | undefined): InProcessRetries | undefined {
  if (retries === undefined) return undefined;
  if (!retries.deadline?.isPositiveWholeMillis?.()) {
    throw new InvalidPropError(owner, 'inProcessRetries.deadline', `must be a positive Duration, got ${describeValue(retries.deadline)}`);
  }
  if (retries.backoff !== undefined) {
    requireIntegerInRange(owner, 'inProcessRetries.backoff.baseIntervalMs', retries.backoff.baseIntervalMs, 0, 60_000);
    requireIntegerInRange(
      owner,
      'inProcessRetries.backoff.maxIntervalMs',
      retries.backoff.maxIntervalMs,
      retries.backoff.baseIntervalMs,
      600_000,
    );
  }
  return retries;
}

function checkDeployment(owner: string, props: ServiceConnectServiceProps): void {
  requireIntegerInRange(owner, 'desiredCount', props.desiredCount ?? 1, 0, 5_000);
  requireIntegerInRange(owner, 'deploymentMaximumPercent', props.deploymentMaximumPercent ?? 200, 100, 200);
  requireIntegerInRange(owner, 'deploymentMinimumHealthyPercent', props.deploymentMinimumHealthyPercent ?? 100, 0, 100);
  if (!props.spec.image?.usesOwnRepository && props.repository !== undefined) {
    throw new InvalidPropError(
      owner,
      'repository',
      'spec.image is not ServiceImage.fromOwnRepository(tag), so the repository would be unused',
    );
  }
  if (props.taskRole !== undefined && (props.taskRoleStatements?.length ?? 0) > 0) {
    throw new InvalidPropError(
      owner,
      'taskRoleStatements',
      'the library attaches nothing to an existing taskRole; grant these permissions in that role',
    );
  }
  if (props.collector !== undefined && typeof (props.collector as { render?: unknown }).render !== 'function') {
    throw new InvalidPropError(
      owner,
      'collector',
      `must be an OtelCollectorSidecar (OtelCollectorSidecar.awsDistro(...)), got ${describeValue(props.collector)}`,
    );
  }
  requireNonEmptyString(owner, 'platform.vpcId', props.platform.vpcId);
}
