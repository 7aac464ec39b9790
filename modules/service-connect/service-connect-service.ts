import type { Construct } from 'constructs';
import { dependable, Token } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { EcsServiceServiceConnectConfiguration } from '@cdktf/provider-aws/lib/ecs-service';
import { Duration } from '../core/duration';
import { describeValue, InvalidPropError, requireIntegerInRange, requirePort } from '../core/prop-error';
import { propNames, type PropProblems } from '../core/prop-problems';
import { awslogs } from '../ecs/container-definition';
import type { FargateService } from '../ecs/fargate-service';
import { AppTaskRole } from '../iam/app-task-role';
import type { IRole } from '../iam/role';
import { ServiceBase, type ServiceBaseProps } from '../service/service-base';
import { ServiceImage } from '../service/service-image';
import type { ServiceSpec } from '../service/service-spec';
import { ASSUMED_SERVICE_CONNECT_PROXY_RETRIES, type InProcessRetries } from './in-process-retries';
import type { OtelCollectorSidecar } from './otel-collector-sidecar';
import { RECOMMENDED_PROXY_HEADROOM, type ProxyHeadroom } from './proxy-headroom';
import { ServerPortAccess } from './server-port-access';
import { ServiceConnectBudgetValidation, type ServiceConnectCaller } from './service-connect-budget';
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

export interface ServiceConnectServiceProps extends ServiceBaseProps<ServiceConnectPlatform, IServiceConnectServer> {
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
}

/** The props only Service Connect has, for the unknown-prop check. */
const SERVICE_CONNECT_PROPS = propNames<
  Omit<ServiceConnectServiceProps, keyof ServiceBaseProps<ServiceConnectPlatform, IServiceConnectServer>>
>({
  clientOnly: true,
  clientAlias: true,
  idleTimeout: true,
  tls: true,
  proxyHeadroom: true,
  collector: true,
  inProcessRetries: true,
  assumedProxyRetries: true,
});

/**
 * One service in an ECS Service Connect namespace, whole: a task definition
 * (the app with a named `http` port mapping, optionally an OpenTelemetry
 * collector and a readiness gate), a Fargate service with its
 * `service_connect_configuration`, and a security group of its own whose
 * port only its callers may reach. What every data plane has (checks,
 * repository, log group, execution role, ECS service settings) comes from
 * {@link ServiceBase}; what only App Mesh has (weighted versions, outlier
 * detection, connection pools, route retries) has no prop here.
 *
 * Rendered as hashicorp/aws 5.100 models Service Connect
 * (`aws_ecs_service.service_connect_configuration`: `enabled`, `namespace`,
 * `log_configuration`, `service { port_name, discovery_name, client_alias
 * { port, dns_name }, timeout { per_request_timeout_seconds,
 * idle_timeout_seconds }, tls { issuer_cert_authority, kms_key, role_arn } }`)
 * and as the ECS Developer Guide describes it ("Amazon ECS Service Connect
 * components"). The retry policy of `spec` is not rendered: Service Connect
 * has none to configure; callers apply it in-process, and the retry-budget
 * check covers each call path.
 */
export class ServiceConnectService
  extends ServiceBase<ServiceConnectPlatform, IServiceConnectServer, ServiceConnectServiceProps>
  implements IServiceConnectServer, ServiceConnectCaller
{
  /** An existing Service Connect server, by its attributes; creates nothing. */
  public static fromServerAttributes(scope: Construct, id: string, attributes: ServiceConnectServerAttributes): IServiceConnectServer {
    return new ImportedServiceConnectServer(scope, id, attributes);
  }

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
  /** The task execution role. */
  public readonly executionRole: IRole;
  /** The task role. */
  public readonly taskRole: IRole;

  constructor(scope: Construct, id: string, props: ServiceConnectServiceProps) {
    const headroom = props.proxyHeadroom ?? RECOMMENDED_PROXY_HEADROOM;
    const collectorSize = collectorSizeOf(props.collector);
    super(scope, id, props, {
      ownProps: SERVICE_CONNECT_PROPS,
      sidecars: [
        { name: 'the Service Connect proxy', cpu: headroom.cpu, memory: headroom.memory, prop: 'proxyHeadroom' },
        ...(collectorSize ? [{ name: 'the collector', cpu: collectorSize.cpu, memory: collectorSize.memory, prop: 'collector' }] : []),
      ],
      timeoutsInWholeSeconds: true,
      usesOwnRepository: props.spec?.image instanceof ServiceImage && props.spec.image.usesOwnRepository,
      check: checkServiceConnectProps,
      nameScope: `Service Connect namespace ${props.platform?.namespace?.namespaceArn}`,
      collision: 'in this namespace; their endpoints would collide at apply',
    });
    const { platform, spec } = props;
    const prefix = this.resourcePrefix;
    this.namespaceArn = platform.namespace.namespaceArn;
    this.clientOnly = props.clientOnly ?? false;
    this.clientAlias = { dnsName: props.clientAlias?.dnsName ?? spec.name, port: props.clientAlias?.port ?? spec.port };
    this.perRequestTimeout = perRequestTimeoutOf(spec);
    this.idleTimeout = props.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    this.backends = spec.backends ?? [];
    this.inProcessRetries = props.inProcessRetries;
    this.assumedProxyRetries = props.assumedProxyRetries ?? ASSUMED_SERVICE_CONNECT_PROXY_RETRIES;
    this.inboundTimeout = this.clientOnly ? undefined : this.perRequestTimeout;

    const image = this.bindImage(spec.image);
    this.executionRole = this.executionRoleFor(image.repository ? [image.repository.repositoryArn] : []);
    this.taskRole =
      props.taskRole ??
      new AppTaskRole(this, 'TaskRole', {
        name: `${prefix}-task`,
        accountArn: this.logGroup.logGroupArn,
        statements: [...this.taskRoleStatements, ...(props.collector?.taskRoleStatements ?? [])],
        enableExecuteCommand: this.enableExecuteCommand,
      });

    // The service's own group: its port opens to each caller in the caller's scope (ServerPortAccess).
    const group = new SecurityGroup(this, 'SecurityGroup', {
      name: `${prefix}-tasks`,
      description: `Tasks of ${spec.name}: its port only from the services that call it`,
      vpcId: platform.securityGroup.vpcId!,
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
      appSecrets: Object.fromEntries(this.secrets),
      appReadonlyRootFilesystem: !this.enableExecuteCommand,
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
                ...(props.tls && tlsRoleArn ? { tls: renderServiceConnectTls(this.owner, 'tls', props.tls, tlsRoleArn) } : {}),
              },
            ],
          }),
    };
    this.service = this.addFargateService(this, spec.name, {
      taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
      securityGroupIds: [platform.securityGroup.securityGroupId, group.id],
      serviceConnect,
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

/** The collector's share of the task, or undefined when there is none or it is not a collector (reported by the checks). */
function collectorSizeOf(collector: OtelCollectorSidecar | undefined): { cpu: number; memory: number } | undefined {
  if (collector === undefined || typeof (collector as { render?: unknown }).render !== 'function') return undefined;
  return collector.size;
}

/** Records the problems of the props only Service Connect has, by the names the user wrote. */
function checkServiceConnectProps(problems: PropProblems, props: ServiceConnectServiceProps): void {
  const owner = problems.owner;
  const { platform, spec } = props;
  if (platform?.namespace === undefined)
    problems.add(
      'platform.namespace',
      'give the Cloud Map HTTP namespace (new HttpNamespace(...) or HttpNamespace.fromNamespaceAttributes(...))',
    );
  if (platform?.securityGroup !== undefined && !platform.securityGroup.vpcId) {
    problems.add(
      'platform.securityGroup',
      'an imported group needs its VPC ID (ServiceSecurityGroup.fromSecurityGroupId(scope, id, groupId, vpcId)): each Service Connect service creates a group of its own in that VPC',
    );
  }
  if (spec !== null && typeof spec === 'object') {
    if (props.clientAlias !== undefined) problems.check(() => checkClientAlias(owner, props.clientAlias, spec));
    const perRequest = problems.has('spec.timeouts') ? undefined : perRequestTimeoutOf(spec);
    if (props.idleTimeout !== undefined && perRequest !== undefined)
      problems.check(() => checkIdleTimeout(owner, props.idleTimeout!, perRequest));
    if (platform?.namespace !== undefined) problems.check(() => checkBackends(owner, props, spec.backends ?? []));
  }
  if (props.assumedProxyRetries !== undefined)
    problems.check(() => requireIntegerInRange(owner, 'assumedProxyRetries', props.assumedProxyRetries, 0, 10));
  problems.check(() => checkInProcessRetries(owner, props.inProcessRetries));
  if (props.clientOnly && props.tls) problems.add('tls', 'a client-only service has no endpoint to encrypt; TLS is set on the server');
  if (props.proxyHeadroom !== undefined) {
    problems.check(() => requireIntegerInRange(owner, 'proxyHeadroom.cpu', props.proxyHeadroom!.cpu, 0, 16_384));
    problems.check(() => requireIntegerInRange(owner, 'proxyHeadroom.memory', props.proxyHeadroom!.memory, 0, 122_880));
    const headroom = props.proxyHeadroom;
    if (
      !problems.has('proxyHeadroom') &&
      (headroom.cpu < RECOMMENDED_PROXY_HEADROOM.cpu || headroom.memory < RECOMMENDED_PROXY_HEADROOM.memory)
    ) {
      problems.add(
        headroom.cpu < RECOMMENDED_PROXY_HEADROOM.cpu ? 'proxyHeadroom.cpu' : 'proxyHeadroom.memory',
        `AWS recommends at least ${RECOMMENDED_PROXY_HEADROOM.cpu} CPU units and ${RECOMMENDED_PROXY_HEADROOM.memory} MiB for the Service Connect proxy, ` +
          `got ${headroom.cpu} CPU units and ${headroom.memory} MiB`,
      );
    }
  }
  if (props.collector !== undefined) {
    if (typeof (props.collector as { render?: unknown }).render !== 'function') {
      problems.add(
        'collector',
        `must be an OtelCollectorSidecar (OtelCollectorSidecar.awsDistro(...)), got ${describeValue(props.collector)}`,
      );
    } else {
      problems.check(() => props.collector!.render(owner, 'collector', { logGroupName: 'check', region: 'check', streamPrefix: 'check' }));
    }
  }
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
 * The proxy's per-request timeout: the smaller of the spec's request and
 * call timeouts (Service Connect has one timeout for a request into the
 * service), in whole seconds as the API takes it (checked with the spec).
 */
function perRequestTimeoutOf(spec: ServiceSpec<IServiceConnectServer>): Duration {
  const given = [spec.timeouts?.request, spec.timeouts?.call].filter((timeout): timeout is Duration => timeout !== undefined);
  return (
    given.reduce<Duration | undefined>(
      (min, next) => (min === undefined || next.toMilliseconds() < min.toMilliseconds() ? next : min),
      undefined,
    ) ?? DEFAULT_PER_REQUEST_TIMEOUT
  );
}

function checkIdleTimeout(owner: string, idle: Duration, perRequest: Duration): void {
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
}

function checkBackends(owner: string, props: ServiceConnectServiceProps, backends: readonly IServiceConnectServer[]): void {
  const namespaceArn = props.platform.namespace.namespaceArn;
  backends.forEach((backend, index) => {
    const prop = `spec.backends[${index}]`;
    if (backend === undefined || backend === null || typeof backend !== 'object' || !('clientAlias' in backend)) {
      throw new InvalidPropError(
        owner,
        prop,
        `must be a Service Connect server (a ServiceConnectService or ServiceConnectService.fromServerAttributes), got ${describeValue(backend)}`,
      );
    }
    if (backend instanceof ServiceConnectService && backend.clientOnly) {
      throw new InvalidPropError(owner, prop, `'${backend.serviceName}' is a client-only service: it has no endpoint to call`);
    }
    // Two literal ARNs, or two references, can be compared at synthesis; a literal and a reference cannot.
    const comparable = Token.isUnresolved(backend.namespaceArn) === Token.isUnresolved(namespaceArn);
    if (comparable && backend.namespaceArn !== namespaceArn) {
      throw new InvalidPropError(
        owner,
        prop,
        `'${backend.serviceName}' is in another namespace (${backend.namespaceArn}); Service Connect resolves aliases of the service's own namespace only`,
      );
    }
  });
}

function checkInProcessRetries(owner: string, retries: InProcessRetries | undefined): void {
  if (retries === undefined) return;
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
}
