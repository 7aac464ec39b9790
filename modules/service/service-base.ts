import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { describeValue, InvalidPropError, requireIntegerInRange } from '../core/prop-error';
import { PropProblems, propNames } from '../core/prop-problems';
import { Repository, type IRepository } from '../ecr/repository';
import type { AppSecret } from '../ecs/app-secret';
import {
  FargateService,
  type CapacityProviderStrategyItem,
  type DeploymentCircuitBreaker,
  type ExternallyManaged,
  type FargateServiceProps,
  type LoadBalancerAttachment,
} from '../ecs/fargate-service';
import type { PolicyStatement } from '../iam/policy-statement';
import type { IRole } from '../iam/role';
import { TaskExecutionRole } from '../iam/task-execution-role';
import { ALLOWED_RETENTION_DAYS, LogGroup, type ILogGroup } from '../logs/log-group';
import type { RetryPolicy } from '../retry/retry-policy';
import { ServiceScaling } from '../scaling/service-scaling';
import type { ServiceImage } from './service-image';
import type { ServicePlatform } from './service-platform';
import type { ServiceSpec } from './service-spec';
import { checkServiceSpec, type SpecRendering } from './service-spec-check';

/** What every service composite takes, whatever its data plane. */
export interface ServiceBaseProps<TPlatform extends ServicePlatform, TBackend> {
  /** What the services of the platform share: cluster, security group, subnets, region, naming, and the data plane's parts. */
  readonly platform: TPlatform;
  /** What the service is: name, port, image, size, environment, secrets, backends, timeouts, retry policy, health check. */
  readonly spec: ServiceSpec<TBackend>;
  /** Tasks to run (per version, where the data plane has versions), without `spec.scaling`. @default 1 */
  readonly desiredCount?: number;
  /** Upper limit of running tasks during a deployment, in percent (100-200). @default 200 */
  readonly deploymentMaximumPercent?: number;
  /** Lower limit of healthy tasks during a deployment, in percent (0-100). @default 100 */
  readonly deploymentMinimumHealthyPercent?: number;
  /** The ECR repository of `ServiceImage.fromOwnRepository` images. @default a new repository, when the service uses such an image */
  readonly repository?: IRepository;
  /** The log group of the containers. @default a new log group */
  readonly logGroup?: ILogGroup;
  /** The task execution role; an existing one must already allow pulling the images, writing the logs and reading the secrets. @default a new role with exactly that */
  readonly executionRole?: IRole;
  /** The task role; an existing one must already allow what the app and the data plane's sidecars do. @default a new role */
  readonly taskRole?: IRole;
  /** Further permissions of the app's task role (not with an existing `taskRole`). @default none */
  readonly taskRoleStatements?: readonly PolicyStatement[];
  /** Days to keep the service's logs (a new log group only; a value CloudWatch Logs offers). @default 90 */
  readonly logRetentionDays?: number;
  /** Allow ECS Exec; makes the app's root file system writable (the SSM agent writes to it). @default false */
  readonly enableExecuteCommand?: boolean;
  /** Target groups the tasks register in. @default none */
  readonly loadBalancers?: readonly LoadBalancerAttachment[];
  /** Seconds ECS ignores failing load-balancer health checks after a task starts (only with `loadBalancers`). @default none */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Capacity provider strategy of the ECS services. @default the FARGATE launch type */
  readonly capacityProviderStrategies?: readonly CapacityProviderStrategyItem[];
  /** Settings of the ECS services another system owns (see FargateServiceProps). @default task definition and desired count */
  readonly externallyManaged?: readonly ExternallyManaged[];
  /** The ECS deployment circuit breaker. @default { enable: true, rollback: true } */
  readonly deploymentCircuitBreaker?: DeploymentCircuitBreaker;
}

/** The names of {@link ServiceBaseProps}, for the unknown-prop check. */
const SERVICE_BASE_PROPS = propNames<ServiceBaseProps<ServicePlatform, unknown>>({
  platform: true,
  spec: true,
  desiredCount: true,
  deploymentMaximumPercent: true,
  deploymentMinimumHealthyPercent: true,
  repository: true,
  logGroup: true,
  executionRole: true,
  taskRole: true,
  taskRoleStatements: true,
  logRetentionDays: true,
  enableExecuteCommand: true,
  loadBalancers: true,
  healthCheckGracePeriodSeconds: true,
  capacityProviderStrategies: true,
  externallyManaged: true,
  deploymentCircuitBreaker: true,
});

/**
 * What a data plane tells the base about itself: its own props, how it
 * renders the spec, the checks of its own props, and where two services of
 * one name would collide.
 */
export interface DataPlaneRendering<TProps> extends SpecRendering {
  /** The data plane's props beyond {@link ServiceBaseProps}. */
  readonly ownProps: readonly string[];
  /** Whether the service's images may come from its own repository (a version's image counts too). */
  readonly usesOwnRepository: boolean;
  /** Records the problems of the data plane's own props (backends included). */
  readonly check: (problems: PropProblems, props: TProps) => void;
  /** Two services of one name collide within this key (per stack): e.g. the mesh, or the namespace's ARN. */
  readonly nameScope: string;
  /** Where and what collides, for the message: `in this namespace; their endpoints would collide at apply`. */
  readonly collision: string;
}

/** Service names per stack and name scope: a second service of one name collides at apply. */
const NAMES_BY_STACK = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * The base of every service composite, whatever its data plane: it checks
 * all props at once (the spec once, here; the data plane's own props through
 * its {@link DataPlaneRendering}), reporting every problem by the name the
 * user wrote, then creates what every data plane needs: the ECR repository,
 * the log group, the task execution role, and the Fargate services with the
 * deployment settings. A data plane's composite adds only its own part
 * (`MeshedService`: virtual nodes, router, route, virtual service, Envoy;
 * `ServiceConnectService`: the Service Connect configuration and its proxy).
 */
export abstract class ServiceBase<
  TPlatform extends ServicePlatform,
  TBackend,
  TProps extends ServiceBaseProps<TPlatform, TBackend> = ServiceBaseProps<TPlatform, TBackend>,
> extends Construct {
  /** The service's name. */
  public readonly serviceName: string;
  /** The port the service's app listens on. */
  public readonly port: number;
  /** The ECR repository of `fromOwnRepository` images, if any. */
  public readonly repository: IRepository | undefined;
  /** The log group of the containers. */
  public readonly logGroup: ILogGroup;
  /** The retry policy of calls into the service, if any. */
  public readonly retryPolicy: RetryPolicy | undefined;

  /** How errors name the construct: `<class> '<path>'`. */
  protected readonly owner: string;
  /** Prefix of the service's resource names: `<namePrefix>-<name>`, or the name. */
  protected readonly resourcePrefix: string;
  /** Whether ECS Exec is on. */
  protected readonly enableExecuteCommand: boolean;
  /** The app's secrets, as checked. */
  protected readonly secrets: readonly (readonly [string, AppSecret])[];

  protected constructor(
    scope: Construct,
    id: string,
    private readonly baseProps: TProps,
    rendering: DataPlaneRendering<TProps>,
  ) {
    super(scope, id);
    this.owner = `${new.target.name} '${this.node.path}'`;
    const props = baseProps;
    const problems = new PropProblems(this.owner);
    problems.rejectUnknown('', props, [...SERVICE_BASE_PROPS, ...rendering.ownProps]);
    const checked = checkServiceSpec(problems, props.spec, rendering);
    checkDeployment(problems, props, rendering);
    rendering.check(problems, props);
    problems.throwIfAny();
    this.requireUniqueName(props.spec.name, rendering);

    const { platform, spec } = props;
    this.serviceName = spec.name;
    this.port = spec.port;
    this.secrets = checked.secrets;
    this.retryPolicy = checked.retryPolicy;
    this.enableExecuteCommand = props.enableExecuteCommand ?? false;
    this.resourcePrefix = platform.namePrefix === undefined ? spec.name : `${platform.namePrefix}-${spec.name}`;
    this.repository =
      props.repository ??
      (rendering.usesOwnRepository ? new Repository(this, 'Repository', { name: `${this.resourcePrefix}-service` }) : undefined);
    this.logGroup =
      props.logGroup ??
      new LogGroup(this, 'LogGroup', {
        name: platform.namePrefix === undefined ? `/ecs/${spec.name}` : `/ecs/${platform.namePrefix}/${spec.name}`,
        ...(props.logRetentionDays !== undefined ? { retentionDays: props.logRetentionDays } : {}),
      });
  }

  /** The image reference of `image` and the repository to grant pulls on. */
  protected bindImage(image: ServiceImage): { readonly imageUri: string; readonly repository: IRepository | undefined } {
    return image.bind(this.repository);
  }

  /** The given execution role, or a new one that may pull from `repositoryArns`, write the logs and read the secrets. */
  protected executionRoleFor(repositoryArns: readonly string[]): IRole {
    return (
      this.baseProps.executionRole ??
      new TaskExecutionRole(this, 'ExecutionRole', {
        name: `${this.resourcePrefix}-task-exec`,
        repositoryArns: [...new Set(repositoryArns)],
        logGroupArn: this.logGroup.logGroupArn,
        secrets: this.secrets.map(([, secret]) => secret),
      })
    );
  }

  /** The statements the user adds to the app's task role. */
  protected get taskRoleStatements(): readonly PolicyStatement[] {
    return this.baseProps.taskRoleStatements ?? [];
  }

  /** The ECS service `name` in `scope`, with the deployment settings every data plane shares and the data plane's `parts`. */
  protected addFargateService(
    scope: Construct,
    name: string,
    parts: Pick<FargateServiceProps, 'taskDefinitionArn' | 'securityGroupIds' | 'discoveryServiceArn' | 'serviceConnect'> & {
      readonly desiredCount?: number;
    },
  ): FargateService {
    const props = this.baseProps;
    const scaling = props.spec.scaling;
    const service = new FargateService(scope, 'Service', {
      name,
      cluster: props.platform.cluster,
      desiredCount: scaling?.minTasks ?? parts.desiredCount ?? props.desiredCount ?? 1,
      deploymentMaximumPercent: props.deploymentMaximumPercent ?? 200,
      deploymentMinimumHealthyPercent: props.deploymentMinimumHealthyPercent ?? 100,
      subnetIds: props.platform.subnetIds,
      enableExecuteCommand: this.enableExecuteCommand,
      taskDefinitionArn: parts.taskDefinitionArn,
      securityGroupIds: parts.securityGroupIds,
      ...(parts.discoveryServiceArn ? { discoveryServiceArn: parts.discoveryServiceArn } : {}),
      ...(parts.serviceConnect ? { serviceConnect: parts.serviceConnect } : {}),
      ...(props.loadBalancers ? { loadBalancers: props.loadBalancers } : {}),
      ...(props.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds } : {}),
      ...(props.capacityProviderStrategies ? { capacityProviderStrategies: props.capacityProviderStrategies } : {}),
      ...(props.externallyManaged ? { externallyManaged: props.externallyManaged } : {}),
      ...(props.deploymentCircuitBreaker ? { deploymentCircuitBreaker: props.deploymentCircuitBreaker } : {}),
    });
    if (scaling) {
      new ServiceScaling(scope, 'Scaling', {
        cluster: props.platform.cluster,
        serviceName: service.serviceName,
        taskSize: props.spec.size,
        scaling,
      });
    }
    return service;
  }

  private requireUniqueName(name: string, rendering: DataPlaneRendering<TProps>): void {
    const stack = TerraformStack.of(this);
    const names = NAMES_BY_STACK.get(stack) ?? new Map<string, string>();
    NAMES_BY_STACK.set(stack, names);
    const key = `${rendering.nameScope}\u0000${name}`;
    const other = names.get(key);
    if (other !== undefined) {
      throw new InvalidPropError(this.owner, 'spec.name', `'${name}' is already the name of ${other} ${rendering.collision}`);
    }
    names.set(key, this.owner);
  }
}

/** The deployment props every data plane shares. */
function checkDeployment(
  problems: PropProblems,
  props: ServiceBaseProps<ServicePlatform, unknown>,
  rendering: Pick<DataPlaneRendering<never>, 'usesOwnRepository'>,
): void {
  const owner = problems.owner;
  if (props.desiredCount !== undefined) {
    if (props.spec?.scaling !== undefined)
      problems.add('desiredCount', 'spec.scaling sets the task count (it starts at minTasks); leave desiredCount out');
    else problems.check(() => requireIntegerInRange(owner, 'desiredCount', props.desiredCount, 0, 5_000));
  }
  if (props.deploymentMaximumPercent !== undefined) {
    problems.check(() => requireIntegerInRange(owner, 'deploymentMaximumPercent', props.deploymentMaximumPercent, 100, 200));
  }
  if (props.deploymentMinimumHealthyPercent !== undefined) {
    problems.check(() => requireIntegerInRange(owner, 'deploymentMinimumHealthyPercent', props.deploymentMinimumHealthyPercent, 0, 100));
  }
  if (props.logRetentionDays !== undefined) {
    if (props.logGroup !== undefined) {
      problems.add('logRetentionDays', 'applies to a new log group only; set the retention of the given logGroup where it is managed');
    } else if (!ALLOWED_RETENTION_DAYS.includes(props.logRetentionDays)) {
      problems.add('logRetentionDays', `must be one of ${ALLOWED_RETENTION_DAYS.join(', ')}, got ${describeValue(props.logRetentionDays)}`);
    }
  }
  if (!rendering.usesOwnRepository && props.repository !== undefined) {
    problems.add('repository', 'no image of the service is ServiceImage.fromOwnRepository(tag), so the repository would be unused');
  }
  if (props.taskRole !== undefined && (props.taskRoleStatements?.length ?? 0) > 0) {
    problems.add('taskRoleStatements', 'the library attaches nothing to an existing taskRole; grant these permissions in that role');
  }
  if (props.healthCheckGracePeriodSeconds !== undefined) {
    if ((props.loadBalancers?.length ?? 0) === 0) problems.add('healthCheckGracePeriodSeconds', 'applies only with loadBalancers');
    else
      problems.check(() =>
        requireIntegerInRange(owner, 'healthCheckGracePeriodSeconds', props.healthCheckGracePeriodSeconds, 0, 2_147_483_647),
      );
  }
  if (props.platform === null || typeof props.platform !== 'object') {
    problems.add('platform', `must be the services' platform, got ${describeValue(props.platform)}`);
    return;
  }
  if (!Array.isArray(props.platform.subnetIds) || props.platform.subnetIds.length === 0) {
    problems.add('platform.subnetIds', `give at least one subnet, got ${describeValue(props.platform.subnetIds)}`);
  }
}
