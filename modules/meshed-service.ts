import { Construct } from 'constructs';
import type { ServiceIdentity } from '../contract/services';
import type { ServiceSettings } from '../config/service-settings';
import { DiscoveryService } from './discovery/discovery-service';
import { FargateService } from './ecs/fargate-service';
import { MeshedTaskDefinition } from './ecs/meshed-task-definition';
import { Repository } from './ecr/repository';
import type { PolicyStatement } from './iam/policy-statement';
import { TaskExecutionRole } from './iam/task-execution-role';
import { TaskRole } from './iam/task-role';
import { LogGroup } from './logs/log-group';
import type { HttpConnectionPool } from './mesh/connection-pool';
import type { HealthCheck } from './mesh/health-check';
import type { OutlierDetection } from './mesh/outlier-detection';
import type { RetryPolicy } from './mesh/retry-policy';
import { Route } from './mesh/route';
import { ServiceDiscovery } from './mesh/service-discovery';
import { VirtualNode } from './mesh/virtual-node';
import { VirtualNodeListener } from './mesh/virtual-node-listener';
import { VirtualRouter } from './mesh/virtual-router';
import { VirtualService, VirtualServiceProvider } from './mesh/virtual-service';
import type { MeshPlatform } from './mesh-platform';

export interface MeshedServiceProps {
  /** The mesh, namespace, cluster, network and naming shared by all services. */
  readonly platform: MeshPlatform;
  /** The service's name and health-check path (from the contract). */
  readonly identity: ServiceIdentity;
  /** Port, timeouts, counts and sizes of the service in this environment. */
  readonly settings: ServiceSettings;
  /** Services this one calls; their virtual services become the node's backends. @default none */
  readonly backends?: readonly MeshedService[];
  /** Retry policy of the route into this service. @default no retries */
  readonly retryPolicy?: RetryPolicy;
  /** Environment of the app beyond `APP_PORT` and `RETRY_MODE`; no secrets. @default none */
  readonly appEnvironment?: Readonly<Record<string, string>>;
  /** Active health check of the node's listener by Envoy. @default none */
  readonly healthCheck?: HealthCheck;
  /** Ejection of failing hosts by the callers' Envoys. @default none */
  readonly outlierDetection?: OutlierDetection;
  /** Connection limits of the node's listener. @default none */
  readonly connectionPool?: HttpConnectionPool;
  /** Further permissions of the app's task role. @default none */
  readonly taskRoleStatements?: readonly PolicyStatement[];
  /** Outbound ports that bypass Envoy. @default [22] */
  readonly egressIgnoredPorts?: readonly number[];
  /** Days to keep the service's logs. @default 90 */
  readonly logRetentionDays?: number;
  /** Allow ECS Exec; makes the app's root file system writable (the SSM agent writes to it). @default false */
  readonly enableExecuteCommand?: boolean;
}

/**
 * One service in the mesh, whole: virtual node (discovering its own Cloud
 * Map service), virtual router and HTTP route, virtual service
 * `<name>.<env>.<domain>`, Cloud Map service, ECR repository, log group,
 * execution and task roles, the meshed task definition and the Fargate
 * service.
 */
export class MeshedService extends Construct {
  /** The virtual node of the service's tasks. */
  public readonly virtualNode: VirtualNode;
  /** The virtual router of the service's virtual service. */
  public readonly virtualRouter: VirtualRouter;
  /** The HTTP route into the service (prefix `/`). */
  public readonly route: Route;
  /** The virtual service callers address, `<name>.<env>.<domain>`. */
  public readonly virtualService: VirtualService;
  /** The Cloud Map service the tasks register in. */
  public readonly discoveryService: DiscoveryService;
  /** The ECR repository of the app image. */
  public readonly repository: Repository;
  /** The log group of the three containers. */
  public readonly logGroup: LogGroup;
  /** The task execution role. */
  public readonly executionRole: TaskExecutionRole;
  /** The task role. */
  public readonly taskRole: TaskRole;
  /** The meshed task definition. */
  public readonly taskDefinition: MeshedTaskDefinition;
  /** The Fargate service. */
  public readonly service: FargateService;
  /** The service's name (contract). */
  public readonly serviceName: string;
  /** The port the service's app and listener use. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: MeshedServiceProps) {
    super(scope, id);
    const { platform, identity, settings } = props;
    const name = identity.name;
    const prefix = `${platform.namePrefix}-${name}`;
    const enableExecuteCommand = props.enableExecuteCommand ?? false;
    this.serviceName = name;
    this.port = settings.appPort;

    this.discoveryService = new DiscoveryService(this, 'DiscoveryService', { namespace: platform.namespace, name });
    this.virtualNode = new VirtualNode(this, 'VirtualNode', {
      mesh: platform.mesh,
      name: `${prefix}-service`,
      listener: VirtualNodeListener.http({
        port: settings.appPort,
        timeout: { perRequest: settings.meshTimeout },
        healthCheck: props.healthCheck,
        outlierDetection: props.outlierDetection,
        connectionPool: props.connectionPool,
      }),
      // Each node discovers its own Cloud Map service, by that service's own name.
      serviceDiscovery: ServiceDiscovery.cloudMap(platform.namespace.namespaceName, this.discoveryService.serviceName),
      backends: (props.backends ?? []).map((backend) => backend.virtualService),
    });
    this.virtualRouter = new VirtualRouter(this, 'VirtualRouter', {
      mesh: platform.mesh,
      name: `${prefix}-service-virtual-router`,
      port: settings.appPort,
    });
    this.route = new Route(this, 'Route', {
      router: this.virtualRouter,
      name: `${prefix}-service`,
      prefix: '/',
      priority: 1,
      weightedTargets: [{ virtualNode: this.virtualNode, weight: 1 }],
      retryPolicy: props.retryPolicy,
      timeout: { perRequest: settings.meshTimeout },
    });
    this.virtualService = new VirtualService(this, 'VirtualService', {
      mesh: platform.mesh,
      name: `${name}.${platform.dnsDomain}`,
      provider: VirtualServiceProvider.virtualRouter(this.virtualRouter),
    });

    this.repository = new Repository(this, 'Repository', { name: `${prefix}-service` });
    this.logGroup = new LogGroup(this, 'LogGroup', {
      name: `/ecs/${platform.namePrefix}/${name}`,
      retentionDays: props.logRetentionDays,
    });
    this.executionRole = new TaskExecutionRole(this, 'ExecutionRole', {
      name: `${prefix}-task-exec`,
      repositoryArns: [this.repository.repositoryArn, platform.envoyImage.repositoryArn],
      logGroupArn: this.logGroup.logGroupArn,
    });
    this.taskRole = new TaskRole(this, 'TaskRole', {
      name: `${prefix}-task`,
      virtualNodeArn: this.virtualNode.virtualNodeArn,
      enableExecuteCommand,
      statements: props.taskRoleStatements,
    });
    this.taskDefinition = new MeshedTaskDefinition(this, 'TaskDefinition', {
      family: `${prefix}-service`,
      appContainerName: `${name}-service`,
      appImage: `${this.repository.repositoryUrl}:${platform.appVersion}`,
      appPort: settings.appPort,
      healthCheckPath: identity.healthCheckPath,
      appEnvironment: props.appEnvironment,
      appReadonlyRootFilesystem: !enableExecuteCommand,
      size: settings.taskDefinition,
      virtualNodeArn: this.virtualNode.virtualNodeArn,
      envoyImage: platform.envoyImage,
      logGroupName: this.logGroup.logGroupName,
      region: platform.region,
      logStreamPrefix: name,
      executionRoleArn: this.executionRole.roleArn,
      taskRoleArn: this.taskRole.roleArn,
      egressIgnoredPorts: props.egressIgnoredPorts,
    });
    platform.securityGroup.allowServicePort(settings.appPort, name);
    this.service = new FargateService(this, 'Service', {
      name,
      clusterId: platform.cluster.clusterId,
      taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
      desiredCount: settings.desiredCount,
      deploymentMaximumPercent: settings.deploymentMaximumPercent,
      deploymentMinimumHealthyPercent: settings.deploymentMinimumHealthyPercent,
      subnetIds: platform.subnetIds,
      securityGroupIds: [platform.securityGroup.securityGroupId],
      discoveryServiceArn: this.discoveryService.serviceArn,
      enableExecuteCommand,
    });
  }

  /** The URL by which other apps in the mesh call `path` on this service, `http://<virtual service>:<port><path>`. */
  public urlOf(path: string): string {
    return `http://${this.virtualService.virtualServiceName}:${this.port}${path}`;
  }
}
