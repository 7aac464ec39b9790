import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { describeValue, InvalidPropError, requireIntegerInRange, requirePort } from '../core/prop-error';
import { propNames, type PropProblems } from '../core/prop-problems';
import { DiscoveryService } from '../discovery/discovery-service';
import type { FargateService } from '../ecs/fargate-service';
import type { IRole } from '../iam/role';
import { TaskRole } from '../iam/task-role';
import { ServicePortRules } from '../network/service-port-rules';
import { ServiceBase, type ServiceBaseProps } from '../service/service-base';
import { ServiceImage } from '../service/service-image';
import type { ServiceVersion } from '../service/service-spec';
import type { AppMeshPlatform } from './app-mesh-platform';
import { renderHttpConnectionPool, type HttpConnectionPool } from './connection-pool';
import { EnvoyImage } from './envoy-image';
import type { HealthCheck } from './health-check';
import { MeshEgressFilter } from './mesh';
import { MeshedTaskDefinition } from './meshed-task-definition';
import { renderOutlierDetection, type OutlierDetection } from './outlier-detection';
import type { RetryBackoffSpec } from '../retry/retry-backoff';
import { requireWeightedTargets, Route } from './route';
import { ServiceDiscovery } from './service-discovery';
import { DEFAULT_SIDECAR_SIZE, type SidecarSize } from './sidecar-size';
import { requireBackendsOf, VirtualNode } from './virtual-node';
import { VirtualNodeListener } from './virtual-node-listener';
import { VirtualRouter } from './virtual-router';
import { VirtualService, VirtualServiceProvider, type IVirtualService } from './virtual-service';

/** Names of versions, which become part of resource names. */
const VERSION_NAME = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;
/** The port of HTTPS, on which apps reach AWS APIs. */
const HTTPS_PORT = 443;
/** The partition when the platform names none. */
const DEFAULT_PARTITION = 'aws';

export interface MeshedServiceProps extends ServiceBaseProps<AppMeshPlatform, IVirtualService> {
  /**
   * Versions that share the traffic by weight, each with its own virtual
   * node, task definition and ECS service (a 90/10 canary:
   * `[{ name: 'v1', weight: 90 }, { name: 'v2', weight: 10, image: ... }]`).
   * @default one version, whose resources carry the service's plain names
   */
  readonly versions?: readonly ServiceVersion[];
  /** What the Envoy and X-Ray sidecars reserve of `spec.size`. @default DEFAULT_SIDECAR_SIZE */
  readonly sidecarSize?: SidecarSize;
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
}

/** The props only App Mesh has, for the unknown-prop check. */
const MESHED_SERVICE_PROPS = propNames<Omit<MeshedServiceProps, keyof ServiceBaseProps<AppMeshPlatform, IVirtualService>>>({
  versions: true,
  sidecarSize: true,
  egressIgnoredPorts: true,
  listenerHealthCheck: true,
  outlierDetection: true,
  connectionPool: true,
  retryBackoff: true,
});
const SIDECAR_SIZE_PROPS = propNames<SidecarSize>({ envoyCpu: true, envoyMemory: true, xrayCpu: true, xrayMemory: true });
const VERSION_PROPS = propNames<ServiceVersion>({ name: true, weight: true, image: true, desiredCount: true });

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
 * service `<name>.<dnsDomain>`; the service port between the mesh's tasks.
 * What every data plane has (checks, repository, log group, execution role,
 * ECS service settings) comes from {@link ServiceBase}.
 */
export class MeshedService extends ServiceBase<AppMeshPlatform, IVirtualService, MeshedServiceProps> {
  /** The virtual router of the service's virtual service. */
  public readonly virtualRouter: VirtualRouter;
  /** The HTTP route into the service (prefix `/`), split among the versions. */
  public readonly route: Route;
  /** The virtual service callers address, `<name>.<dnsDomain>`. */
  public readonly virtualService: VirtualService;
  /** The versions, each with its node, discovery service, task definition and ECS service. */
  public readonly versions: readonly MeshedServiceVersion[];
  /** The task execution role. */
  public readonly executionRole: IRole;
  /** The task role. */
  public readonly taskRole: IRole;

  constructor(scope: Construct, id: string, props: MeshedServiceProps) {
    const sidecarSize = props.sidecarSize ?? DEFAULT_SIDECAR_SIZE;
    const versions: readonly ServiceVersion[] = Array.isArray(props.versions) ? props.versions : [{ name: '', weight: 1 }];
    super(scope, id, props, {
      ownProps: MESHED_SERVICE_PROPS,
      sidecars: [
        { name: 'Envoy', cpu: sidecarSize.envoyCpu, memory: sidecarSize.envoyMemory, prop: 'sidecarSize.envoyCpu / envoyMemory' },
        { name: 'X-Ray', cpu: sidecarSize.xrayCpu, memory: sidecarSize.xrayMemory, prop: 'sidecarSize.xrayCpu / xrayMemory' },
      ],
      timeoutsInWholeSeconds: false,
      usesOwnRepository: versions.some((version) => imageOf(version, props.spec?.image)?.usesOwnRepository === true),
      check: checkMeshProps,
      nameScope: 'App Mesh',
      collision: 'in this stack; their ECS services, Cloud Map services and virtual nodes would collide at apply',
    });
    const { platform, spec } = props;
    const prefix = this.resourcePrefix;
    const partition = platform.partition ?? DEFAULT_PARTITION;
    const envoyImage = platform.envoyImage ?? EnvoyImage.appMeshRegional();
    const dnsDomain = platform.dnsDomain ?? platform.namespace.dnsDomain;
    const checkedVersions = versions.map((version) => ({
      name: version.name,
      weight: version.weight,
      image: version.image ?? spec.image,
      desiredCount: version.desiredCount,
    }));

    const listener = VirtualNodeListener.http({
      port: spec.port,
      ...(spec.timeouts?.request ? { timeout: { perRequest: spec.timeouts.request } } : {}),
      ...(props.listenerHealthCheck ? { healthCheck: props.listenerHealthCheck } : {}),
      ...(props.outlierDetection ? { outlierDetection: props.outlierDetection } : {}),
      ...(props.connectionPool ? { connectionPool: props.connectionPool } : {}),
    });
    const single = props.versions === undefined;
    const parts = checkedVersions.map((version) => {
      const scope: Construct = single ? this : new Construct(this, `Version-${version.name}`);
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
      ...(this.retryPolicy ? { retryPolicy: this.retryPolicy } : {}),
      ...(spec.timeouts?.call ? { timeout: { perRequest: spec.timeouts.call } } : {}),
      ...(props.retryBackoff ? { backoff: props.retryBackoff } : {}),
      timeoutsAsWritten: { owner: this.owner, routeTimeout: 'spec.timeouts.call', callerTimeout: 'spec.timeouts.request' },
    });
    this.virtualService = new VirtualService(this, 'VirtualService', {
      mesh: platform.mesh,
      name: `${spec.name}.${dnsDomain}`,
      provider: VirtualServiceProvider.virtualRouter(this.virtualRouter),
    });

    const images = checkedVersions.map((version) => this.bindImage(version.image));
    this.executionRole = this.executionRoleFor([
      ...images.flatMap(({ repository }) => (repository ? [repository.repositoryArn] : [])),
      envoyImage.repositoryArnIn(platform.region, partition),
    ]);
    this.taskRole =
      props.taskRole ??
      new TaskRole(this, 'TaskRole', {
        name: `${prefix}-task`,
        virtualNodeArns: parts.map(({ virtualNode }) => virtualNode.virtualNodeArn),
        enableExecuteCommand: this.enableExecuteCommand,
        statements: this.taskRoleStatements,
      });

    new ServicePortRules(this, 'PortRules', { securityGroup: platform.securityGroup, port: spec.port, serviceName: spec.name });
    const egressIgnoredPorts = egressIgnoredPortsOf(props);
    this.versions = parts.map(({ version, scope, suffix, discoveryService, virtualNode }, index) => {
      const taskDefinition = new MeshedTaskDefinition(scope, 'TaskDefinition', {
        family: `${prefix}${suffix}-service`,
        appContainerName: `${spec.name}-service`,
        appImage: images[index]!.imageUri,
        appPort: spec.port,
        ...(spec.healthCheck ? { appHealthCheck: spec.healthCheck } : {}),
        ...(spec.user !== undefined ? { appUser: spec.user } : {}),
        appEnvironment: spec.environment ?? {},
        appSecrets: Object.fromEntries(this.secrets),
        appReadonlyRootFilesystem: !this.enableExecuteCommand,
        size: { ...spec.size, ...sidecarSize },
        virtualNodeArn: virtualNode.virtualNodeArn,
        envoyImage,
        logGroupName: this.logGroup.logGroupName,
        region: platform.region,
        logStreamPrefix: `${spec.name}${suffix}`,
        executionRoleArn: this.executionRole.roleArn,
        taskRoleArn: this.taskRole.roleArn,
        egressIgnoredPorts,
      });
      const service = this.addFargateService(scope, `${spec.name}${suffix}`, {
        taskDefinitionArn: taskDefinition.taskDefinitionArn,
        securityGroupIds: [platform.securityGroup.securityGroupId],
        discoveryServiceArn: discoveryService.serviceArn,
        ...(version.desiredCount !== undefined ? { desiredCount: version.desiredCount } : {}),
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

/** Records the problems of the props only App Mesh has, by the names the user wrote. */
function checkMeshProps(problems: PropProblems, props: MeshedServiceProps): void {
  const owner = problems.owner;
  const { platform, spec } = props;
  if (props.sidecarSize !== undefined) {
    problems.rejectUnknown('sidecarSize.', props.sidecarSize, SIDECAR_SIZE_PROPS);
    for (const key of SIDECAR_SIZE_PROPS as readonly (keyof SidecarSize)[]) {
      problems.check(() => requireIntegerInRange(owner, `sidecarSize.${key}`, props.sidecarSize![key], 1, 122_880));
    }
  }
  if (platform?.mesh === undefined)
    problems.add('platform.mesh', 'give the mesh the service joins (new Mesh(...) or Mesh.fromMeshName(...))');
  else problems.check(() => requireBackendsOf(owner, 'spec.backends', platform.mesh, spec?.backends ?? []));
  if (props.listenerHealthCheck) problems.check(() => props.listenerHealthCheck!.render(owner, 'listenerHealthCheck'));
  if (props.outlierDetection) problems.check(() => renderOutlierDetection(owner, props.outlierDetection!));
  if (props.connectionPool) problems.check(() => renderHttpConnectionPool(owner, props.connectionPool!));
  if (props.retryBackoff !== undefined) {
    problems.check(() => requireIntegerInRange(owner, 'retryBackoff.baseIntervalMs', props.retryBackoff!.baseIntervalMs, 1, 60_000));
    problems.check(() =>
      requireIntegerInRange(
        owner,
        'retryBackoff.maxIntervalMs',
        props.retryBackoff!.maxIntervalMs,
        props.retryBackoff!.baseIntervalMs,
        600_000,
      ),
    );
  }
  if (props.versions !== undefined) problems.check(() => checkVersions(problems, props.versions!));
  problems.check(() => checkEgress(owner, props));
  if (platform?.namespace !== undefined) problems.check(() => checkDnsDomain(owner, platform));
}

/** Records the problems of `versions`: names, duplicates, images, counts, weights. */
function checkVersions(problems: PropProblems, versions: readonly ServiceVersion[]): void {
  const owner = problems.owner;
  if (!Array.isArray(versions) || versions.length === 0) {
    problems.add('versions', `give at least one version, or leave it out; got ${describeValue(versions)}`);
    return;
  }
  const seen = new Set<string>();
  versions.forEach((version, index) => {
    problems.rejectUnknown(`versions[${index}].`, version, VERSION_PROPS);
    if (typeof version?.name !== 'string' || !VERSION_NAME.test(version.name)) {
      problems.add(`versions[${index}].name`, `must be 1-20 lower-case letters, digits and hyphens, got ${describeValue(version?.name)}`);
    } else if (seen.has(version.name)) {
      problems.add(`versions[${index}].name`, `'${version.name}' is given twice`);
    }
    if (typeof version?.name === 'string') seen.add(version.name);
    if (version?.image !== undefined && !(version.image instanceof ServiceImage)) {
      problems.add(`versions[${index}].image`, `must be a ServiceImage, got ${describeValue(version.image)}`);
    }
    if (version?.desiredCount !== undefined) {
      problems.check(() => requireIntegerInRange(owner, `versions[${index}].desiredCount`, version.desiredCount, 0, 5_000));
    }
  });
  problems.check(() => requireWeightedTargets(owner, 'versions', versions));
}

/**
 * The egress-ignored ports: with a DROP_ALL mesh (or one whose filter is not
 * known), Envoy drops HTTPS to AWS APIs unless 443 bypasses it.
 */
function egressIgnoredPortsOf(props: MeshedServiceProps): readonly number[] {
  const callsAwsApis = (props.taskRoleStatements?.length ?? 0) > 0;
  const dropsUnknownTraffic = props.platform.mesh.egressFilter !== MeshEgressFilter.ALLOW_ALL;
  return props.egressIgnoredPorts ?? (callsAwsApis && dropsUnknownTraffic ? [22, HTTPS_PORT] : [22]);
}

/** Throws when given egress-ignored ports are not ports, or leave AWS APIs unreachable from an app that calls them. */
function checkEgress(owner: string, props: MeshedServiceProps): void {
  if (props.egressIgnoredPorts === undefined || props.platform?.mesh === undefined) return;
  props.egressIgnoredPorts.forEach((port, index) => requirePort(owner, `egressIgnoredPorts[${index}]`, port));
  const callsAwsApis = (props.taskRoleStatements?.length ?? 0) > 0;
  const dropsUnknownTraffic = props.platform.mesh.egressFilter !== MeshEgressFilter.ALLOW_ALL;
  if (callsAwsApis && dropsUnknownTraffic && !props.egressIgnoredPorts.includes(HTTPS_PORT)) {
    throw new InvalidPropError(
      owner,
      'egressIgnoredPorts',
      `taskRoleStatements let the app call AWS APIs, but the mesh's egress filter is ${props.platform.mesh.egressFilter ?? 'not known (treated as DROP_ALL)'} ` +
        `and Envoy drops HTTPS to anything that is not a virtual service; add ${HTTPS_PORT} to egressIgnoredPorts, or use a mesh with MeshEgressFilter.ALLOW_ALL`,
    );
  }
}

/** Throws when the platform's DNS domain is not the namespace's (when both are known at synthesis). */
function checkDnsDomain(owner: string, platform: AppMeshPlatform): void {
  const namespaceDomain = platform.namespace.dnsDomain;
  if (platform.dnsDomain === undefined) return;
  const comparable = !Token.isUnresolved(platform.dnsDomain) && !Token.isUnresolved(namespaceDomain);
  if (comparable && platform.dnsDomain.replace(/\.$/, '') !== namespaceDomain.replace(/\.$/, '')) {
    throw new InvalidPropError(
      owner,
      'platform.dnsDomain',
      `'${platform.dnsDomain}' is not the namespace's domain '${namespaceDomain}'; apps would resolve no virtual service name. Leave dnsDomain out to use the namespace's`,
    );
  }
}

/** The image of `version`, or the spec's; undefined when neither is a ServiceImage (reported by the checks). */
function imageOf(version: ServiceVersion | { readonly image?: undefined } | undefined, specImage: unknown): ServiceImage | undefined {
  const image: unknown = version?.image ?? specImage;
  return image instanceof ServiceImage ? image : undefined;
}
