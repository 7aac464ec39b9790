import { Duration } from '../../../modules/core/duration';
import { PrivateDnsNamespace, type INamespace } from '../../../modules/discovery/private-dns-namespace';
import { Repository } from '../../../modules/ecr/repository';
import { Cluster } from '../../../modules/ecs/cluster';
import { ContainerHealthCheck, HttpProbeRuntime } from '../../../modules/ecs/container-health-check';
import { EnvoyImage } from '../../../modules/app-mesh/envoy-image';
import { TaskExecutionRole } from '../../../modules/iam/task-execution-role';
import { TaskRole } from '../../../modules/iam/task-role';
import { LogGroup } from '../../../modules/logs/log-group';
import { HealthCheck } from '../../../modules/app-mesh/health-check';
import { Mesh, MeshEgressFilter, type IMesh } from '../../../modules/app-mesh/mesh';
import { VirtualService } from '../../../modules/app-mesh/virtual-service';
import type { AppMeshPlatform } from '../../../modules/app-mesh/app-mesh-platform';
import { MeshedService, type MeshedServiceProps } from '../../../modules/app-mesh/meshed-service';
import { ServiceSecurityGroup } from '../../../modules/network/service-security-group';
import { ServiceImage } from '../../../modules/service/service-image';
import type { ServiceSpec } from '../../../modules/service/service-spec';
import type { IVirtualService } from '../../../modules/app-mesh/virtual-service';
import { newStack, refOf, resolved, resources, synthJson } from '../fixture';

type Stack = ReturnType<typeof newStack>;

/** A mesh, namespace, cluster and security group created in `stack`. */
function platformIn(stack: Stack, mesh: IMesh = new Mesh(stack, 'Mesh', { name: 'mesh' })): AppMeshPlatform {
  return {
    mesh,
    namespace: new PrivateDnsNamespace(stack, 'Ns', { name: 'dev.example.internal', vpcId: 'vpc-1' }),
    cluster: new Cluster(stack, 'Cluster', { name: 'cluster' }),
    securityGroup: new ServiceSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' }),
    namePrefix: 'dev-ev',
    region: 'ap-northeast-1',
    subnetIds: ['subnet-1'],
    envoyImage: EnvoyImage.appMeshRegional({ region: 'ap-northeast-1', partition: 'aws' }),
  };
}

const ORDERS: ServiceSpec<IVirtualService> = {
  name: 'orders',
  port: 3001,
  image: ServiceImage.fromOwnRepository('1.2.3'),
  size: { cpu: 512, memory: 1024 },
};

function props(
  platform: AppMeshPlatform,
  overrides: Partial<MeshedServiceProps> = {},
  spec: Partial<ServiceSpec<IVirtualService>> = {},
): MeshedServiceProps {
  return { platform, spec: { ...ORDERS, ...spec }, ...overrides };
}

/** The resources of `type` under construct `id` of the stack. */
function under(json: any, type: string, id: string): any[] {
  return Object.entries(json.resource[type] ?? {})
    .filter(([logicalId]) => logicalId.startsWith(`${id}_`))
    .map(([, resource]) => resource);
}

function containersOf(taskDefinition: any): any[] {
  return JSON.parse(taskDefinition.container_definitions);
}

describe('MeshedService', () => {
  test('one service in the mesh, whole, each resource named after the service', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const service = new MeshedService(
      stack,
      'Orders',
      props(
        platformIn(stack),
        {},
        { retryPolicy: { httpRetryEvents: ['gateway-error'], tcpRetryEvents: [], maxRetries: 2, perRetryTimeoutMs: 1_000 } },
      ),
    );
    // THEN
    const json = synthJson(stack, true);
    const one = (type: string) => {
      const found = under(json, type, 'Orders');
      expect(found).toHaveLength(1);
      return found[0];
    };
    expect(one('aws_appmesh_virtual_node').name).toBe('dev-ev-orders-service');
    expect(one('aws_appmesh_virtual_router').name).toBe('dev-ev-orders-service-virtual-router');
    expect(one('aws_appmesh_route').spec.http_route.retry_policy.max_retries).toBe(2);
    expect(one('aws_appmesh_virtual_service').name).toBe('orders.dev.example.internal');
    expect(one('aws_service_discovery_service').name).toBe('orders');
    expect(one('aws_ecr_repository').name).toBe('dev-ev-orders-service');
    expect(one('aws_cloudwatch_log_group').name).toBe('/ecs/dev-ev/orders');
    expect(one('aws_ecs_task_definition').family).toBe('dev-ev-orders-service');
    expect(one('aws_ecs_service').name).toBe('orders');
    expect(
      under(json, 'aws_iam_role', 'Orders')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['dev-ev-orders-task', 'dev-ev-orders-task-exec']);
    const [app] = containersOf(one('aws_ecs_task_definition'));
    expect(app.image).toBe(`${refOf(service.repository!, 'repository_url')}:1.2.3`);
    expect(app).not.toHaveProperty('user');
    expect(app).not.toHaveProperty('healthCheck');
    expect(app.environment).toEqual([]);
    expect(resolved(stack, service.urlOf('/ev'))).toBe(`http://${refOf(service.virtualService, 'name')}:3001/ev`);
  });

  test('renders the spec: environment as given, user, health check, separate route and listener timeouts', () => {
    const stack = newStack();
    new MeshedService(
      stack,
      'Orders',
      props(
        platformIn(stack),
        {},
        {
          environment: { RETRY_MODE: 'mesh', LOG_LEVEL: 'info' },
          user: '1000:1000',
          healthCheck: ContainerHealthCheck.http({ path: '/health', runtime: HttpProbeRuntime.WGET }),
          timeouts: { request: Duration.seconds(30), call: Duration.seconds(20) },
        },
      ),
    );
    const json = synthJson(stack);
    const [app] = containersOf(under(json, 'aws_ecs_task_definition', 'Orders')[0]);
    expect(app.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'RETRY_MODE', value: 'mesh' },
    ]);
    expect(app.user).toBe('1000:1000');
    expect(app.healthCheck.command).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3001/health']);
    expect(under(json, 'aws_appmesh_virtual_node', 'Orders')[0].spec.listener[0].timeout).toEqual({
      http: { per_request: { unit: 's', value: 30 } },
    });
    expect(under(json, 'aws_appmesh_route', 'Orders')[0].spec.http_route.timeout).toEqual({ per_request: { unit: 's', value: 20 } });
  });

  test('a caller names the callee as backend; each service opens its own port in its own scope', () => {
    const stack = newStack();
    const platform = platformIn(stack);
    const orders = new MeshedService(stack, 'Orders', props(platform));
    new MeshedService(stack, 'Shop', props(platform, {}, { name: 'shop', port: 3000, backends: [orders.virtualService] }));
    const json = synthJson(stack);
    expect(under(json, 'aws_appmesh_virtual_node', 'Shop')[0].spec.backend).toEqual([
      { virtual_service: { virtual_service_name: refOf(orders.virtualService, 'name') } },
    ]);
    expect(under(json, 'aws_vpc_security_group_ingress_rule', 'Orders_PortRules').map((r) => r.from_port)).toEqual([3001]);
    expect(under(json, 'aws_vpc_security_group_ingress_rule', 'Shop_PortRules').map((r) => r.from_port)).toEqual([3000]);
  });

  test('a 90/10 canary is one prop: a node, task definition and ECS service per version, one route splitting the traffic', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const service = new MeshedService(
      stack,
      'Orders',
      props(platformIn(stack), {
        versions: [
          { name: 'v1', weight: 90 },
          { name: 'v2', weight: 10, image: ServiceImage.fromOwnRepository('1.3.0'), desiredCount: 1 },
        ],
        desiredCount: 3,
      }),
    );
    // THEN
    const json = synthJson(stack, true);
    expect(resources(json, 'aws_appmesh_virtual_node').map((n) => n.name)).toEqual([
      'dev-ev-orders-v1-service',
      'dev-ev-orders-v2-service',
    ]);
    expect(resources(json, 'aws_service_discovery_service').map((s) => s.name)).toEqual(['orders-v1', 'orders-v2']);
    expect(resources(json, 'aws_ecs_service').map((s) => [s.name, s.desired_count])).toEqual([
      ['orders-v1', 3],
      ['orders-v2', 1],
    ]);
    const images = resources(json, 'aws_ecs_task_definition').map((t) => containersOf(t)[0].image);
    expect(images).toEqual([expect.stringMatching(/:1\.2\.3$/), expect.stringMatching(/:1\.3\.0$/)]);
    expect(resources(json, 'aws_appmesh_route')[0].spec.http_route.action.weighted_target).toEqual([
      { virtual_node: refOf(service.versions[0]!.virtualNode, 'name'), weight: 90 },
      { virtual_node: refOf(service.versions[1]!.virtualNode, 'name'), weight: 10 },
    ]);
    expect(resources(json, 'aws_appmesh_virtual_service')).toHaveLength(1);
    expect(resources(json, 'aws_ecr_repository')).toHaveLength(1);
    const taskPolicy = JSON.parse(under(json, 'aws_iam_role_policy', 'Orders_TaskRole')[0].policy);
    expect(taskPolicy.Statement[0]).toMatchObject({
      Sid: 'EnvoyOwnNodeOnly',
      Resource: [expect.stringMatching(/v1/), expect.stringMatching(/v2/)],
    });
  });

  test('uses an existing repository, log group and roles, creating none of them', () => {
    const stack = newStack();
    new MeshedService(
      stack,
      'Orders',
      props(platformIn(stack), {
        repository: Repository.fromRepositoryAttributes(stack, 'Repo', {
          repositoryUrl: '111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/orders',
          repositoryArn: 'arn:aws:ecr:ap-northeast-1:111122223333:repository/orders',
        }),
        logGroup: LogGroup.fromLogGroupAttributes(stack, 'Logs', {
          logGroupName: '/platform/orders',
          logGroupArn: 'arn:aws:logs:x:1:log-group:/platform/orders',
        }),
        executionRole: TaskExecutionRole.fromRoleArn(stack, 'Exec', 'arn:aws:iam::111122223333:role/exec'),
        taskRole: TaskRole.fromRoleArn(stack, 'Task', 'arn:aws:iam::111122223333:role/task'),
      }),
    );
    const json = synthJson(stack);
    for (const type of ['aws_ecr_repository', 'aws_cloudwatch_log_group', 'aws_iam_role']) expect(resources(json, type)).toEqual([]);
    const task = resources(json, 'aws_ecs_task_definition')[0];
    expect(task).toMatchObject({
      execution_role_arn: 'arn:aws:iam::111122223333:role/exec',
      task_role_arn: 'arn:aws:iam::111122223333:role/task',
    });
    const [app] = containersOf(task);
    expect(app.image).toBe('111122223333.dkr.ecr.ap-northeast-1.amazonaws.com/orders:1.2.3');
    expect(app.logConfiguration.options['awslogs-group']).toBe('/platform/orders');
  });

  test('an image from a registry needs no repository; the execution role pulls only Envoy', () => {
    const stack = newStack();
    new MeshedService(
      stack,
      'Web',
      props(platformIn(stack), {}, { name: 'web', image: ServiceImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') }),
    );
    const json = synthJson(stack);
    expect(resources(json, 'aws_ecr_repository')).toEqual([]);
    const policy = JSON.parse(under(json, 'aws_iam_role_policy', 'Web_ExecutionRole')[0].policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'PullImages').Resource).toEqual([
      'arn:aws:ecr:ap-northeast-1:840364872350:repository/aws-appmesh-envoy',
    ]);
  });

  test('secrets become ECS secrets, and the execution role may read exactly those', () => {
    const stack = newStack();
    const secretArn = 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:orders-db-AbCdEf';
    new MeshedService(stack, 'Orders', props(platformIn(stack), {}, { secrets: { DB_PASSWORD: `${secretArn}:password::` } }));
    const json = synthJson(stack);
    const [app] = containersOf(resources(json, 'aws_ecs_task_definition')[0]);
    expect(app.secrets).toEqual([{ name: 'DB_PASSWORD', valueFrom: `${secretArn}:password::` }]);
    const policy = JSON.parse(under(json, 'aws_iam_role_policy', 'Orders_ExecutionRole')[0].policy);
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'ReadSecretsManagerSecrets').Resource).toEqual([secretArn]);
  });

  test('ECS Exec: enabled on the service, Session Manager channels in the task role, app root file system writable', () => {
    const stack = newStack();
    new MeshedService(stack, 'Orders', props(platformIn(stack), { enableExecuteCommand: true }));
    const json = synthJson(stack);
    expect(under(json, 'aws_ecs_service', 'Orders')[0].enable_execute_command).toBe(true);
    const taskPolicy = JSON.parse(under(json, 'aws_iam_role_policy', 'Orders_TaskRole')[0].policy);
    expect(taskPolicy.Statement.map((s: { Sid: string }) => s.Sid)).toContain('EcsExec');
    expect(containersOf(under(json, 'aws_ecs_task_definition', 'Orders')[0])[0].readonlyRootFilesystem).toBe(false);
  });

  describe('a mesh that drops egress (DROP_ALL) and an app that calls AWS APIs', () => {
    const queueAccess = [{ sid: 'Queue', actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:ap-northeast-1:111122223333:q'] }];
    const egressOf = (stack: Stack) =>
      resources(synthJson(stack), 'aws_ecs_task_definition')[0].proxy_configuration.properties.EgressIgnoredPorts;

    test('works by default: HTTPS bypasses Envoy when the task role grants AWS API actions', () => {
      const stack = newStack();
      new MeshedService(stack, 'Orders', props(platformIn(stack), { taskRoleStatements: queueAccess }));
      expect(egressOf(stack)).toBe('22,443');
    });

    test('keeps the default [22] for an app granted no AWS API actions, or in a mesh that allows all egress', () => {
      const plain = newStack();
      new MeshedService(plain, 'Orders', props(platformIn(plain)));
      expect(egressOf(plain)).toBe('22');
      const open = newStack();
      const mesh = new Mesh(open, 'Mesh', { name: 'open', egressFilter: MeshEgressFilter.ALLOW_ALL });
      new MeshedService(open, 'Orders', props(platformIn(open, mesh), { taskRoleStatements: queueAccess }));
      expect(egressOf(open)).toBe('22');
    });

    test('fails synthesis saying what to set when egressIgnoredPorts leaves 443 out', () => {
      const stack = newStack();
      expect(
        () => new MeshedService(stack, 'Orders', props(platformIn(stack), { taskRoleStatements: queueAccess, egressIgnoredPorts: [22] })),
      ).toThrow(
        /MeshedService 'test\/Orders': invalid prop 'egressIgnoredPorts': taskRoleStatements let the app call AWS APIs, but the mesh's egress filter is DROP_ALL .* add 443 to egressIgnoredPorts, or use a mesh with MeshEgressFilter\.ALLOW_ALL/,
      );
    });
  });

  test('joins an existing mesh, cluster, namespace and security group, creating only its own resources', () => {
    // GIVEN an estate built elsewhere, imported by name, ARN, attributes and id
    const stack = newStack();
    const mesh = Mesh.fromMeshName(stack, 'Mesh', 'platform');
    const platform: AppMeshPlatform = {
      mesh,
      namespace: PrivateDnsNamespace.fromNamespaceAttributes(stack, 'Ns', { namespaceId: 'ns-123', namespaceName: 'corp.internal' }),
      cluster: Cluster.fromClusterArn(stack, 'Cluster', 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/platform'),
      securityGroup: ServiceSecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123'),
      region: 'ap-northeast-1',
      subnetIds: ['subnet-1'],
      envoyImage: EnvoyImage.appMeshRegional({ region: 'ap-northeast-1', partition: 'aws' }),
    };
    // WHEN
    new MeshedService(stack, 'Orders', {
      platform,
      spec: { ...ORDERS, backends: [VirtualService.fromVirtualServiceName(stack, 'Payments', mesh, 'payments.corp.internal')] },
    });
    // THEN
    const json = synthJson(stack, true);
    for (const type of ['aws_appmesh_mesh', 'aws_ecs_cluster', 'aws_service_discovery_private_dns_namespace', 'aws_security_group']) {
      expect(resources(json, type)).toEqual([]);
    }
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    const node = resources(json, 'aws_appmesh_virtual_node')[0];
    expect(node).toMatchObject({ name: 'orders-service', mesh_name: 'platform' });
    expect(node.spec.backend).toEqual([{ virtual_service: { virtual_service_name: 'payments.corp.internal' } }]);
    expect(node.spec.service_discovery.aws_cloud_map.namespace_name).toBe('corp.internal');
    expect(resources(json, 'aws_appmesh_virtual_service')[0].name).toBe('orders.corp.internal');
    expect(resources(json, 'aws_ecs_service')[0]).toMatchObject({
      cluster: 'arn:aws:ecs:ap-northeast-1:111122223333:cluster/platform',
      network_configuration: { security_groups: ['sg-0123'] },
    });
    expect(resources(json, 'aws_service_discovery_service')[0].dns_config.namespace_id).toBe('ns-123');
  });

  describe('rejects props that cannot work, naming them as written', () => {
    const reject = (overrides: Partial<MeshedServiceProps>, spec: Partial<ServiceSpec<IVirtualService>>, message: RegExp) => {
      const stack = newStack();
      expect(() => new MeshedService(stack, 'Orders', props(platformIn(stack), overrides, spec))).toThrow(
        new RegExp(`MeshedService 'test/Orders': invalid prop ${message.source}`),
      );
    };

    test.each<[Partial<ServiceSpec<IVirtualService>>, RegExp]>([
      [{ port: 70_000 }, /'spec\.port': must be an integer from 1 to 65535, got 70000/],
      [{ port: '3' as unknown as number }, /'spec\.port': must be an integer from 1 to 65535, got '3' \(string\)/],
      [{ name: 'Orders_Service' }, /'spec\.name': must be 1-63 lower-case letters, digits and hyphens, got 'Orders_Service' \(string\)/],
      [{ size: { cpu: 512, memory: 512 } }, /'spec\.size\.memory': Fargate offers 1024-4096 MiB \(4 sizes\) with 512 CPU units, got 512/],
      [{ size: { cpu: 300, memory: 1024 } }, /'spec\.size\.cpu': Fargate offers 256, 512/],
      [{ image: '1.2.3' as unknown as ServiceImage }, /'spec\.image': must be a ServiceImage .*got '1\.2\.3' \(string\)/],
      [{ environment: { DB_PASSWORD: 'x' } }, /'spec\.environment\.DB_PASSWORD': looks like a secret; pass it in spec\.secrets instead/],
      [{ environment: { PORT: 3001 as unknown as string } }, /'spec\.environment\.PORT': must be a string, got 3001/],
      [{ secrets: { DB: 'db-password' } }, /'spec\.secrets\.DB': must be a Secrets Manager secret ARN/],
      [{ backends: [undefined as unknown as VirtualService] }, /'spec\.backends\[0\]': must be a virtual service .*got undefined/],
      [{ timeouts: { call: Duration.millis(0) } }, /'spec\.timeouts\.call': must be a positive whole number of milliseconds, got/],
      [
        { retryPolicy: { httpRetryEvents: ['gateway-error'], tcpRetryEvents: [], maxRetries: -1, perRetryTimeoutMs: 1_000 } },
        /'spec\.retryPolicy\.maxRetries': must be a whole number of at least 0, got -1/,
      ],
      [
        {
          retryPolicy: {
            httpRetryEvents: ['gateway_error' as 'gateway-error'],
            tcpRetryEvents: [],
            maxRetries: 1,
            perRetryTimeoutMs: 1_000,
          },
        },
        /'spec\.retryPolicy\.httpRetryEvents\[0\]': unknown event 'gateway_error' \(string\)/,
      ],
      [{ healthCheck: ContainerHealthCheck.http({ path: 'health', runtime: HttpProbeRuntime.NODE }) }, /'spec\.healthCheck\.path'/],
    ])('spec %p', (spec, message) => reject({}, spec, message));

    test.each([
      [
        {
          versions: [
            { name: 'v1', weight: 90 },
            { name: 'v2', weight: 101 },
          ],
        },
        /'versions\[1\]\.weight': must be an integer from 0 to 100, got 101/,
      ],
      [
        { versions: [{ name: 'v1', weight: '90' as unknown as number }] },
        /'versions\[0\]\.weight': must be an integer from 0 to 100, got '90' \(string\)/,
      ],
      [
        {
          versions: [
            { name: 'v1', weight: 0 },
            { name: 'v2', weight: 0 },
          ],
        },
        /'versions': the weights sum to 0/,
      ],
      [
        {
          versions: [
            { name: 'v1', weight: 50 },
            { name: 'v1', weight: 50 },
          ],
        },
        /'versions\[1\]\.name': 'v1' is given twice/,
      ],
      [{ versions: [] }, /'versions': give at least one version, or leave it out/],
      [
        { sidecarSize: { envoyCpu: 512, envoyMemory: 256, xrayCpu: 32, xrayMemory: 64 } },
        /'spec\.size\.cpu': 512 CPU units leave the app 0 after Envoy 512 \(sidecarSize\.envoyCpu \/ envoyMemory\), X-Ray 32 \(sidecarSize\.xrayCpu \/ xrayMemory\), below the 128 it needs/,
      ],
      [{ desiredCount: -1 }, /'desiredCount'/],
      [{ deploymentMaximumPercent: 50 }, /'deploymentMaximumPercent'/],
      [{ listenerHealthCheck: HealthCheck.http({ interval: Duration.seconds(1) }) }, /'listenerHealthCheck\.interval \(ms\)'/],
      [
        {
          outlierDetection: {
            maxServerErrors: 5,
            interval: Duration.seconds(10),
            baseEjectionDuration: Duration.seconds(30),
            maxEjectionPercent: 150,
          },
        },
        /'outlierDetection\.maxEjectionPercent'/,
      ],
      [{ connectionPool: { maxConnections: 0 } }, /'connectionPool\.maxConnections'/],
      [{ egressIgnoredPorts: [22, 0] }, /'egressIgnoredPorts\[1\]'/],
    ])('props %p', (overrides, message) => reject(overrides as Partial<MeshedServiceProps>, {}, message));

    test('a repository when no version uses ServiceImage.fromOwnRepository', () => {
      const stack = newStack();
      const repository = new Repository(stack, 'Repo', { name: 'r' });
      expect(
        () =>
          new MeshedService(stack, 'Orders', props(platformIn(stack), { repository }, { image: ServiceImage.fromRegistry('nginx:1.27') })),
      ).toThrow(/'repository': no image of the service is ServiceImage\.fromOwnRepository\(tag\)/);
    });

    test('task role statements with an existing task role', () => {
      const stack = newStack();
      const taskRole = TaskRole.fromRoleArn(stack, 'Task', 'arn:aws:iam::111122223333:role/task');
      expect(
        () =>
          new MeshedService(
            stack,
            'Orders',
            props(platformIn(stack), { taskRole, taskRoleStatements: [{ sid: 'S', actions: ['sqs:SendMessage'], resources: ['*'] }] }),
          ),
      ).toThrow(/'taskRoleStatements': the library attaches nothing to an existing taskRole/);
    });

    test('a backend from another mesh', () => {
      const stack = newStack();
      const other = Mesh.fromMeshName(stack, 'OtherMesh', 'other');
      const elsewhere = VirtualService.fromVirtualServiceName(stack, 'Elsewhere', other, 'x.other.internal');
      expect(() => new MeshedService(stack, 'Orders', props(platformIn(stack), {}, { backends: [elsewhere] }))).toThrow(
        /MeshedService 'test\/Orders': invalid prop 'spec\.backends\[0\]': virtual service 'test\/Elsewhere' belongs to mesh 'test\/OtherMesh', not to 'test\/Mesh'/,
      );
    });

    test('two services of one name in one stack', () => {
      const stack = newStack();
      const platform = platformIn(stack);
      new MeshedService(stack, 'Orders', props(platform));
      expect(() => new MeshedService(stack, 'OrdersAgain', props(platform, {}, { port: 3002 }))).toThrow(
        /MeshedService 'test\/OrdersAgain': invalid prop 'spec\.name': 'orders' is already the name of MeshedService 'test\/Orders' in this stack/,
      );
    });

    test('a DNS domain that is not the namespace’s', () => {
      const stack = newStack();
      const namespace: INamespace = PrivateDnsNamespace.fromNamespaceAttributes(stack, 'Corp', {
        namespaceId: 'ns-1',
        namespaceName: 'prod.corp.internal',
      });
      expect(() => new MeshedService(stack, 'Orders', props({ ...platformIn(stack), namespace, dnsDomain: 'prd.corp.internal' }))).toThrow(
        /MeshedService 'test\/Orders': invalid prop 'platform\.dnsDomain': 'prd\.corp\.internal' is not the namespace's domain 'prod\.corp\.internal'/,
      );
    });

    test('task role statements with wildcard actions (by the inner role, which names the statement)', () => {
      const stack = newStack();
      expect(
        () =>
          new MeshedService(
            stack,
            'Orders',
            props(platformIn(stack), { taskRoleStatements: [{ sid: 'TooMuch', actions: ['sqs:*'], resources: ['*'] }] }),
          ),
      ).toThrow(/TaskRole 'test\/Orders\/TaskRole'.*'statements\.actions'.*sqs:\*/);
    });
  });
});
