import { Construct } from 'constructs';
import { TerraformStack, Token } from 'cdktf';
import type { Duration } from '../core/duration';
import { describeValue, InvalidPropError, requireIntegerInRange, requirePort } from '../core/prop-error';
import { DiscoveryService } from '../discovery/discovery-service';
import { Repository, type IRepository } from '../ecr/repository';
import { toAppSecret, type AppSecret } from '../ecs/app-secret';
import {
  FargateService,
  type CapacityProviderStrategyItem,
  type DeploymentCircuitBreaker,
  type ExternallyManaged,
  type LoadBalancerAttachment,
} from '../ecs/fargate-service';
import { MeshedTaskDefinition, requireMeshedTaskSize } from './meshed-task-definition';
import { DEFAULT_SIDECAR_SIZE, type SidecarSize } from './sidecar-size';
import type { PolicyStatement } from '../iam/policy-statement';
import type { IRole } from '../iam/role';
import { TaskExecutionRole } from '../iam/task-execution-role';
import { TaskRole } from '../iam/task-role';
import { LogGroup, type ILogGroup } from '../logs/log-group';
import { renderHttpConnectionPool, type HttpConnectionPool } from './connection-pool';
import type { HealthCheck } from './health-check';
import { MeshEgressFilter } from './mesh';
import { renderOutlierDetection, type OutlierDetection } from './outlier-detection';
import type { RetryBackoffSpec } from '../retry/retry-backoff';
import { RetryPolicy } from '../retry/retry-policy';
import { requireWeightedTargets, Route } from './route';
import { ServiceDiscovery } from './service-discovery';
import { requireBackendsOf, VirtualNode } from './virtual-node';
import { VirtualNodeListener } from './virtual-node-listener';
import { VirtualRouter } from './virtual-router';
import { VirtualService, VirtualServiceProvider } from './virtual-service';
import type { AppMeshPlatform } from './app-mesh-platform';
import { ServicePortRules } from '../network/service-port-rules';
import { ServiceImage } from '../service/service-image';
import type { ServiceSpec, ServiceVersion } from '../service/service-spec';

/** Names ECS, Cloud Map and DNS accept for a service. */
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Names of versions, which become part of resource names. */
const VERSION_NAME = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;
/** Environment variable names that suggest a secret (FSBP ECS.8: pass secrets through `secrets`, not `environment`). */
const SECRET_LIKE_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i;
/** The port of HTTPS, on which apps reach AWS APIs. */
const HTTPS_PORT = 443;

/** Names of MeshedServices per stack: two services of one name collide at apply (ECS, Cloud Map, App Mesh). */
const NAMES_BY_STACK = new WeakMap<TerraformStack, Map<string, string>>();

export interface MeshedServiceProps {
  /** The mesh, namespace, cluster, network and naming shared by the services. */
  readonly platform: AppMeshPlatform;
  /** What the service is: name, port, image, size, environment, secrets, backends, timeouts, retry policy, health check. */
  readonly spec: ServiceSpec;
  /**
   * Versions that share the traffic by weight, each with its own virtual
   * node, task definition and ECS service (a 90/10 canary:
   * `[{ name: 'v1', weight: 90 }, { name: 'v2', weight: 10, image: ... }]`).
   * @default one version, whose resources carry the service's plain names
   */
  readonly versions?: readonly ServiceVersion[];
  /** Tasks to start with, per version. @default 1 */
  readonly desiredCount?: number;
  /** Upper limit of running tasks during a deployment, in percent (100-200). @default 200 */
  readonly deploymentMaximumPercent?: number;
  /** Lower limit of healthy tasks during a deployment, in percent (0-100). @default 100 */
  readonly deploymentMinimumHealthyPercent?: number;
  /** What the Envoy and X-Ray sidecars reserve of `spec.size`. @default DEFAULT_SIDECAR_SIZE */
  readonly sidecarSize?: SidecarSize;
  /** The ECR repository of `ServiceImage.fromOwnRepository` images. @default a new repository, when a version uses such an image */
  readonly repository?: IRepository;
  /** The log group of the containers. @default a new log group */
  readonly logGroup?: ILogGroup;
  /** The task execution role; an existing one must already allow pulling the images, writing the logs and reading the secrets. @default a new role with exactly that */
  readonly executionRole?: IRole;
  /** The task role; an existing one must already allow `appmesh:StreamAggregatedResources` on the service's nodes. @default a new role */
  readonly taskRole?: IRole;
  /** Further permissions of the app's task role (not with an existing `taskRole`). @default none */
  readonly taskRoleStatements?: readonly PolicyStatement[];
  /**
   * Outbound ports that bypass Envoy. With a DROP_ALL mesh, Envoy drops
   * traffic to anything that is not a virtual service, AWS APIs included.
   * @default [22], plus 443 when taskRoleStatements grant AWS API actions
   */
  readonly egressIgnoredPorts?: readonly number[];
  /** Active health check of the node's listener by Envoy. @default none */
  readonly listenerHealthCheck?: HealthCheck;
  /** Ejection of failing hosts by the callers' Envoys. @default none */
  readonly outlierDetection?: OutlierDetection;
  /** Connection limits of the node's listener. @default none */
  readonly connectionPool?: HttpConnectionPool;
  /** Envoy's retry back-off, for the retry-budget check. @default ENVOY_DEFAULT_BACKOFF */
  readonly retryBackoff?: RetryBackoffSpec;
  /** Days to keep the service's logs (a new log group only). @default 90 */
  readonly logRetentionDays?: number;
  /** Allow ECS Exec; makes the app's root file system writable (the SSM agent writes to it). @default false */
  readonly enableExecuteCommand?: boolean;
  /** Target groups the tasks register in. @default none */
  readonly loadBalancers?: readonly LoadBalancerAttachment[];
  /** Capacity provider strategy of the ECS services. @default the FARGATE launch type */
  readonly capacityProviderStrategies?: readonly CapacityProviderStrategyItem[];
  /** Settings of the ECS services another system owns (see FargateServiceProps). @default task definition and desired count */
  readonly externallyManaged?: readonly ExternallyManaged[];
  /** The ECS deployment circuit breaker. @default { enable: true, rollback: true } */
  readonly deploymentCircuitBreaker?: DeploymentCircuitBreaker;
}

/** What one version of a {@link MeshedService} consists of. */
export interface MeshedServiceVersion {
  /** The version's name (empty for the single default version). */
  readonly name: string;
  /** Its share of the traffic. */
  readonly weight: number;
  /** Its virtual node. */
  readonly virtualNode: VirtualNode;
  /** Its Cloud Map service. */
  readonly discoveryService: DiscoveryService;
  /** Its task definition. */
  readonly taskDefinition: MeshedTaskDefinition;
  /** Its ECS service. */
  readonly service: FargateService;
}

/**
 * One service in an App Mesh, whole: per version a virtual node (discovering
 * its own Cloud Map service), a Cloud Map service, a task definition (app,
 * Envoy, X-Ray) and a Fargate service; one virtual router whose route splits
 * the traffic among the versions and carries the retry policy; the virtual
 * service `<name>.<dnsDomain>`; the ECR repository, log group and roles
 * unless existing ones are given; and the service port between the mesh's
 * tasks. Props are checked here and named as written.
 */
export class MeshedService extends Construct {
  /** The virtual router of the service's virtual service. */
  public readonly virtualRouter: VirtualRouter;
  /** The HTTP route into the service (prefix `/`), split among the versions. */
  public readonly route: Route;
  /** The virtual service callers address, `<name>.<dnsDomain>`. */
  public readonly virtualService: VirtualService;
  /** The versions, each with its node, discovery service, task definition and ECS service. */
  public readonly versions: readonly MeshedServiceVersion[];
  /** The ECR repository of `fromOwnRepository` images, if any. */
  public readonly repository: IRepository | undefined;
  /** The log group of the containers. */
  public readonly logGroup: ILogGroup;
  /** The task execution role. */
  public readonly executionRole: IRole;
  /** The task role. */
  public readonly taskRole: IRole;
  /** The service's name. */
  public readonly serviceName: string;
  /** The port the service's app and listener use. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: MeshedServiceProps) {
    super(scope, id);
    const owner = `MeshedService '${this.node.path}'`;
    const { platform, spec } = props;
    const checked = checkProps(this, owner, props);
    this.serviceName = spec.name;
    this.port = spec.port;
    const prefix = platform.namePrefix === undefined ? spec.name : `${platform.namePrefix}-${spec.name}`;
    const enableExecuteCommand = props.enableExecuteCommand ?? false;

    const needsOwnRepository = checked.versions.some((version) => version.image.usesOwnRepository);
    this.repository =
      props.repository ?? (needsOwnRepository ? new Repository(this, 'Repository', { name: `${prefix}-service` }) : undefined);
    this.logGroup =
      props.logGroup ??
      new LogGroup(this, 'LogGroup', {
        name: platform.namePrefix === undefined ? `/ecs/${spec.name}` : `/ecs/${platform.namePrefix}/${spec.name}`,
        ...(props.logRetentionDays !== undefined ? { retentionDays: props.logRetentionDays } : {}),
      });

    const listener = VirtualNodeListener.http({
      port: spec.port,
      ...(spec.timeouts?.listener ? { timeout: { perRequest: spec.timeouts.listener } } : {}),
      ...(props.listenerHealthCheck ? { healthCheck: props.listenerHealthCheck } : {}),
      ...(props.outlierDetection ? { outlierDetection: props.outlierDetection } : {}),
      ...(props.connectionPool ? { connectionPool: props.connectionPool } : {}),
    });
    const single = props.versions === undefined;
    const parts = checked.versions.map((version) => {
      const scope = single ? this : new Construct(this, `Version-${version.name}`);
      const suffix = single ? '' : `-${version.name}`;
      const discoveryService = new DiscoveryService(scope, 'DiscoveryService', {
        namespace: platform.namespace,
        name: `${spec.name}${suffix}`,
      });
      const virtualNode = new VirtualNode(scope, 'VirtualNode', {
        mesh: platform.mesh,
        name: `${prefix}${suffix}-service`,
        listener,
        // Each node discovers its own Cloud Map service, by that service's own name.
        serviceDiscovery: ServiceDiscovery.cloudMap(platform.namespace.namespaceName, discoveryService.serviceName),
        backends: spec.backends ?? [],
      });
      return { version, scope, suffix, discoveryService, virtualNode };
    });

    this.virtualRouter = new VirtualRouter(this, 'VirtualRouter', {
      mesh: platform.mesh,
      name: `${prefix}-service-virtual-router`,
      port: spec.port,
    });
    this.route = new Route(this, 'Route', {
      router: this.virtualRouter,
      name: `${prefix}-service`,
      prefix: '/',
      priority: 1,
      weightedTargets: parts.map(({ version, virtualNode }) => ({ virtualNode, weight: version.weight })),
      ...(checked.retryPolicy ? { retryPolicy: checked.retryPolicy } : {}),
      ...(spec.timeouts?.route ? { timeout: { perRequest: spec.timeouts.route } } : {}),
      ...(props.retryBackoff ? { backoff: props.retryBackoff } : {}),
    });
    this.virtualService = new VirtualService(this, 'VirtualService', {
      mesh: platform.mesh,
      name: `${spec.name}.${checked.dnsDomain}`,
      provider: VirtualServiceProvider.virtualRouter(this.virtualRouter),
    });

    const images = checked.versions.map((version) => version.image.bind(this.repository));
    this.executionRole =
      props.executionRole ??
      new TaskExecutionRole(this, 'ExecutionRole', {
        name: `${prefix}-task-exec`,
        repositoryArns: [
          ...new Set([
            ...images.flatMap(({ repository }) => (repository ? [repository.repositoryArn] : [])),
            platform.envoyImage.repositoryArn,
          ]),
        ],
        logGroupArn: this.logGroup.logGroupArn,
        secrets: checked.secrets.map(([, secret]) => secret),
      });
    this.taskRole =
      props.taskRole ??
      new TaskRole(this, 'TaskRole', {
        name: `${prefix}-task`,
        virtualNodeArns: parts.map(({ virtualNode }) => virtualNode.virtualNodeArn),
        enableExecuteCommand,
        statements: props.taskRoleStatements ?? [],
      });

    new ServicePortRules(this, 'PortRules', { securityGroup: platform.securityGroup, port: spec.port, serviceName: spec.name });
    this.versions = parts.map(({ version, scope, suffix, discoveryService, virtualNode }, index) => {
      const taskDefinition = new MeshedTaskDefinition(scope, 'TaskDefinition', {
        family: `${prefix}${suffix}-service`,
        appContainerName: `${spec.name}-service`,
        appImage: images[index]!.imageUri,
        appPort: spec.port,
        ...(spec.healthCheck ? { appHealthCheck: spec.healthCheck } : {}),
        ...(spec.user !== undefined ? { appUser: spec.user } : {}),
        appEnvironment: spec.environment ?? {},
        appSecrets: Object.fromEntries(checked.secrets),
        appReadonlyRootFilesystem: !enableExecuteCommand,
        size: { ...spec.size, ...checked.sidecarSize },
        virtualNodeArn: virtualNode.virtualNodeArn,
        envoyImage: platform.envoyImage,
        logGroupName: this.logGroup.logGroupName,
        region: platform.region,
        logStreamPrefix: `${spec.name}${suffix}`,
        executionRoleArn: this.executionRole.roleArn,
        taskRoleArn: this.taskRole.roleArn,
        egressIgnoredPorts: checked.egressIgnoredPorts,
      });
      const service = new FargateService(scope, 'Service', {
        name: `${spec.name}${suffix}`,
        cluster: platform.cluster,
        taskDefinitionArn: taskDefinition.taskDefinitionArn,
        desiredCount: version.desiredCount ?? checked.desiredCount,
        deploymentMaximumPercent: props.deploymentMaximumPercent ?? 200,
        deploymentMinimumHealthyPercent: props.deploymentMinimumHealthyPercent ?? 100,
        subnetIds: platform.subnetIds,
        securityGroupIds: [platform.securityGroup.securityGroupId],
        discoveryServiceArn: discoveryService.serviceArn,
        enableExecuteCommand,
        ...(props.loadBalancers ? { loadBalancers: props.loadBalancers } : {}),
        ...(props.capacityProviderStrategies ? { capacityProviderStrategies: props.capacityProviderStrategies } : {}),
        ...(props.externallyManaged ? { externallyManaged: props.externallyManaged } : {}),
        ...(props.deploymentCircuitBreaker ? { deploymentCircuitBreaker: props.deploymentCircuitBreaker } : {}),
      });
      return { name: version.name, weight: version.weight, virtualNode, discoveryService, taskDefinition, service };
    });
  }

  /** The first version (the only one unless `versions` is given). */
  private get primary(): MeshedServiceVersion {
    return this.versions[0]!;
  }

  /** The virtual node of the first version (the only one unless `versions` is given). */
  public get virtualNode(): VirtualNode {
    return this.primary.virtualNode;
  }

  /** The Cloud Map service of the first version. */
  public get discoveryService(): DiscoveryService {
    return this.primary.discoveryService;
  }

  /** The task definition of the first version. */
  public get taskDefinition(): MeshedTaskDefinition {
    return this.primary.taskDefinition;
  }

  /** The ECS service of the first version. */
  public get service(): FargateService {
    return this.primary.service;
  }

  /** The URL by which other apps in the mesh call `path` on this service, `http://<virtual service>:<port><path>`. */
  public urlOf(path: string): string {
    return `http://${this.virtualService.virtualServiceName}:${this.port}${path}`;
  }
}

interface CheckedVersion {
  readonly name: string;
  readonly weight: number;
  readonly image: ServiceImage;
  readonly desiredCount?: number;
}

interface CheckedProps {
  readonly versions: readonly CheckedVersion[];
  readonly retryPolicy: RetryPolicy | undefined;
  readonly secrets: readonly (readonly [string, AppSecret])[];
  readonly sidecarSize: SidecarSize;
  readonly desiredCount: number;
  readonly egressIgnoredPorts: readonly number[];
  readonly dnsDomain: string;
}

/** Checks every prop of a MeshedService before anything is created, naming it as the user wrote it. */
function checkProps(service: MeshedService, owner: string, props: MeshedServiceProps): CheckedProps {
  const { platform, spec } = props;
  if (typeof spec.name !== 'string' || !SERVICE_NAME.test(spec.name)) {
    throw new InvalidPropError(owner, 'spec.name', `must be 1-63 lower-case letters, digits and hyphens, got ${describeValue(spec.name)}`);
  }
  requireUniqueName(service, owner, spec.name);
  requirePort(owner, 'spec.port', spec.port);
  if (!(spec.image instanceof ServiceImage)) {
    throw new InvalidPropError(
      owner,
      'spec.image',
      `must be a ServiceImage (ServiceImage.fromOwnRepository(tag), ...), got ${describeValue(spec.image)}`,
    );
  }
  const sidecarSize = props.sidecarSize ?? DEFAULT_SIDECAR_SIZE;
  requireMeshedTaskSize(owner, { ...spec.size, ...sidecarSize }, 'spec.size', 'sidecarSize');
  for (const [name, value] of Object.entries(spec.environment ?? {})) {
    if (typeof value !== 'string')
      throw new InvalidPropError(owner, `spec.environment.${name}`, `must be a string, got ${describeValue(value)}`);
    if (SECRET_LIKE_NAME.test(name))
      throw new InvalidPropError(owner, `spec.environment.${name}`, 'looks like a secret; pass it in spec.secrets instead');
  }
  const secrets = Object.entries(spec.secrets ?? {}).map(
    ([name, value]) => [name, toAppSecret(owner, `spec.secrets.${name}`, value)] as const,
  );
  requireBackendsOf(owner, 'spec.backends', platform.mesh, spec.backends ?? []);
  for (const key of ['listener', 'route'] as const) {
    const timeout: Duration | undefined = spec.timeouts?.[key];
    if (timeout !== undefined && !timeout.isPositiveWholeMillis()) {
      throw new InvalidPropError(
        owner,
        `spec.timeouts.${key}`,
        `must be a positive whole number of milliseconds, got ${describeValue(timeout)}`,
      );
    }
  }
  const retryPolicy = spec.retryPolicy ? RetryPolicy.fromSpec(spec.retryPolicy) : undefined;
  retryPolicy?.render(owner, 'spec.retryPolicy');
  spec.healthCheck?.render(owner, 'spec.healthCheck', spec.port);
  props.listenerHealthCheck?.render(owner, 'listenerHealthCheck');
  if (props.outlierDetection) renderOutlierDetection(owner, props.outlierDetection);
  if (props.connectionPool) renderHttpConnectionPool(owner, props.connectionPool);

  const desiredCount = props.desiredCount ?? 1;
  requireIntegerInRange(owner, 'desiredCount', desiredCount, 0, 5_000);
  requireIntegerInRange(owner, 'deploymentMaximumPercent', props.deploymentMaximumPercent ?? 200, 100, 200);
  requireIntegerInRange(owner, 'deploymentMinimumHealthyPercent', props.deploymentMinimumHealthyPercent ?? 100, 0, 100);
  const versions = checkVersions(owner, spec.image, props.versions);
  if (versions.some((version) => version.image.usesOwnRepository) === false && props.repository !== undefined) {
    throw new InvalidPropError(
      owner,
      'repository',
      'no version uses ServiceImage.fromOwnRepository(tag), so the repository would be unused',
    );
  }
  if (props.taskRole !== undefined && (props.taskRoleStatements?.length ?? 0) > 0) {
    throw new InvalidPropError(
      owner,
      'taskRoleStatements',
      'the library attaches nothing to an existing taskRole; grant these permissions in that role',
    );
  }
  return {
    versions,
    retryPolicy,
    secrets,
    sidecarSize,
    desiredCount,
    egressIgnoredPorts: checkEgress(owner, props),
    dnsDomain: checkDnsDomain(owner, platform),
  };
}

function requireUniqueName(service: MeshedService, owner: string, name: string): void {
  const stack = TerraformStack.of(service);
  const names = NAMES_BY_STACK.get(stack) ?? new Map<string, string>();
  NAMES_BY_STACK.set(stack, names);
  const other = names.get(name);
  if (other !== undefined) {
    throw new InvalidPropError(
      owner,
      'spec.name',
      `'${name}' is already the name of MeshedService '${other}' in this stack; their ECS services, Cloud Map services and virtual nodes would collide at apply`,
    );
  }
  names.set(name, service.node.path);
}

function checkVersions(owner: string, image: ServiceImage, versions: readonly ServiceVersion[] | undefined): CheckedVersion[] {
  if (versions === undefined) return [{ name: '', weight: 1, image }];
  if (versions.length === 0) throw new InvalidPropError(owner, 'versions', 'give at least one version, or leave it out');
  const seen = new Set<string>();
  const checked = versions.map((version, index) => {
    if (typeof version?.name !== 'string' || !VERSION_NAME.test(version.name)) {
      throw new InvalidPropError(
        owner,
        `versions[${index}].name`,
        `must be 1-20 lower-case letters, digits and hyphens, got ${describeValue(version?.name)}`,
      );
    }
    if (seen.has(version.name)) throw new InvalidPropError(owner, `versions[${index}].name`, `'${version.name}' is given twice`);
    seen.add(version.name);
    if (version.image !== undefined && !(version.image instanceof ServiceImage)) {
      throw new InvalidPropError(owner, `versions[${index}].image`, `must be a ServiceImage, got ${describeValue(version.image)}`);
    }
    if (version.desiredCount !== undefined) requireIntegerInRange(owner, `versions[${index}].desiredCount`, version.desiredCount, 0, 5_000);
    return {
      name: version.name,
      weight: version.weight,
      image: version.image ?? image,
      ...(version.desiredCount !== undefined ? { desiredCount: version.desiredCount } : {}),
    };
  });
  requireWeightedTargets(owner, 'versions', versions);
  return checked;
}

/**
 * The egress-ignored ports: with a DROP_ALL mesh (or one whose filter is not
 * known), Envoy drops HTTPS to AWS APIs unless 443 bypasses it.
 */
function checkEgress(owner: string, props: MeshedServiceProps): readonly number[] {
  const callsAwsApis = (props.taskRoleStatements?.length ?? 0) > 0;
  const dropsUnknownTraffic = props.platform.mesh.egressFilter !== MeshEgressFilter.ALLOW_ALL;
  if (props.egressIgnoredPorts === undefined) return callsAwsApis && dropsUnknownTraffic ? [22, HTTPS_PORT] : [22];
  props.egressIgnoredPorts.forEach((port, index) => requirePort(owner, `egressIgnoredPorts[${index}]`, port));
  if (callsAwsApis && dropsUnknownTraffic && !props.egressIgnoredPorts.includes(HTTPS_PORT)) {
    throw new InvalidPropError(
      owner,
      'egressIgnoredPorts',
      `taskRoleStatements let the app call AWS APIs, but the mesh's egress filter is ${props.platform.mesh.egressFilter ?? 'not known (treated as DROP_ALL)'} ` +
        `and Envoy drops HTTPS to anything that is not a virtual service; add ${HTTPS_PORT} to egressIgnoredPorts, or use a mesh with MeshEgressFilter.ALLOW_ALL`,
    );
  }
  return props.egressIgnoredPorts;
}

/** The DNS domain of the virtual services; rejects one that is not the namespace's (when both are known at synthesis). */
function checkDnsDomain(owner: string, platform: AppMeshPlatform): string {
  const namespaceDomain = platform.namespace.dnsDomain;
  if (platform.dnsDomain === undefined) return namespaceDomain;
  const comparable = !Token.isUnresolved(platform.dnsDomain) && !Token.isUnresolved(namespaceDomain);
  if (comparable && platform.dnsDomain.replace(/\.$/, '') !== namespaceDomain.replace(/\.$/, '')) {
    throw new InvalidPropError(
      owner,
      'platform.dnsDomain',
      `'${platform.dnsDomain}' is not the namespace's domain '${namespaceDomain}'; apps would resolve no virtual service name. Leave dnsDomain out to use the namespace's`,
    );
  }
  return platform.dnsDomain;
}
