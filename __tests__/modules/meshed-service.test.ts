import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { DATA_INGESTION, DATA_PROCESSING } from '../../contract/services';
import { Duration } from '../../modules/core/duration';
import { PrivateDnsNamespace } from '../../modules/discovery/private-dns-namespace';
import { Cluster } from '../../modules/ecs/cluster';
import { EnvoyImage } from '../../modules/ecs/envoy-image';
import type { MeshedTaskSize } from '../../modules/ecs/task-size';
import { Mesh } from '../../modules/mesh/mesh';
import { RetryPolicy } from '../../modules/mesh/retry-policy';
import type { MeshPlatform } from '../../modules/mesh-platform';
import { MeshedService, type MeshedServiceProps } from '../../modules/meshed-service';
import { MeshSecurityGroup } from '../../modules/network/mesh-security-group';
import { newStack, refOf, synthJson } from './fixture';

const SIZE: MeshedTaskSize = { cpu: 256, memory: 512, envoyCpu: 64, envoyMemory: 128, xrayCpu: 16, xrayMemory: 32 };

function platformIn(stack: ReturnType<typeof newStack>): MeshPlatform {
  return {
    mesh: new Mesh(stack, 'Mesh', { name: 'mesh' }),
    namespace: new PrivateDnsNamespace(stack, 'Ns', { name: 'dev.example.internal', vpcId: 'vpc-1' }),
    dnsDomain: 'dev.example.internal',
    cluster: new Cluster(stack, 'Cluster', { name: 'cluster' }),
    securityGroup: new MeshSecurityGroup(stack, 'Sg', { name: 'sg', vpcId: 'vpc-1' }),
    namePrefix: 'dev-ev',
    region: 'ap-northeast-1',
    partition: 'aws',
    subnetIds: ['subnet-1'],
    appVersion: '1.2.3',
    envoyImage: EnvoyImage.appMeshRegional({ region: 'ap-northeast-1', partition: 'aws' }),
  };
}

function serviceProps(platform: MeshPlatform, overrides: Partial<MeshedServiceProps> = {}): MeshedServiceProps {
  return {
    platform,
    identity: DATA_PROCESSING,
    settings: {
      appPort: DATA_PROCESSING.port,
      meshTimeout: Duration.seconds(70),
      desiredCount: 1,
      deploymentMaximumPercent: 200,
      deploymentMinimumHealthyPercent: 100,
      taskDefinition: SIZE,
    },
    ...overrides,
  };
}

/** The resources of `type` under construct `id` of the stack. */
function under(json: any, type: string, id: string): any[] {
  return Object.entries(json.resource[type] ?? {})
    .filter(([logicalId]) => logicalId.startsWith(`${id}_`))
    .map(([, resource]) => resource);
}

describe('MeshedService', () => {
  test('one service in the mesh, whole, named as the article names it', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const service = new MeshedService(
      stack,
      'Processing',
      serviceProps(platformIn(stack), { retryPolicy: RetryPolicy.fromSpec(PROCESSING_RETRY_POLICY) }),
    );
    // THEN
    const json = synthJson(stack, true);
    const one = (type: string) => {
      const found = under(json, type, 'Processing');
      expect(found).toHaveLength(1);
      return found[0];
    };
    expect(one('aws_appmesh_virtual_node').name).toBe('dev-ev-data-processing-service');
    expect(one('aws_appmesh_virtual_router').name).toBe('dev-ev-data-processing-service-virtual-router');
    expect(one('aws_appmesh_route').spec.http_route.retry_policy.max_retries).toBe(12);
    expect(one('aws_appmesh_virtual_service').name).toBe('data-processing.dev.example.internal');
    expect(one('aws_service_discovery_service').name).toBe('data-processing');
    expect(one('aws_ecr_repository').name).toBe('dev-ev-data-processing-service');
    expect(one('aws_cloudwatch_log_group').name).toBe('/ecs/dev-ev/data-processing');
    expect(one('aws_ecs_task_definition').family).toBe('dev-ev-data-processing-service');
    expect(one('aws_ecs_service').name).toBe('data-processing');
    expect(
      under(json, 'aws_iam_role', 'Processing')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['dev-ev-data-processing-task', 'dev-ev-data-processing-task-exec']);
    const app = JSON.parse(one('aws_ecs_task_definition').container_definitions)[0];
    expect(app.image).toBe(`${refOf(service.repository, 'repository_url')}:1.2.3`);
    expect(service.urlOf('/ev')).toContain(':3001/ev');
  });

  test('a caller lists the callee as backend and the security group opens both ports', () => {
    const stack = newStack();
    const platform = platformIn(stack);
    const processing = new MeshedService(stack, 'Processing', serviceProps(platform));
    new MeshedService(
      stack,
      'Ingestion',
      serviceProps(platform, {
        identity: DATA_INGESTION,
        settings: { ...serviceProps(platform).settings, appPort: DATA_INGESTION.port },
        backends: [processing],
      }),
    );
    const json = synthJson(stack);
    expect(under(json, 'aws_appmesh_virtual_node', 'Ingestion')[0].spec.backend).toEqual([
      { virtual_service: { virtual_service_name: refOf(processing.virtualService, 'name') } },
    ]);
    expect(
      Object.values(json.resource.aws_vpc_security_group_ingress_rule)
        .map((r: any) => r.from_port)
        .sort(),
    ).toEqual([3000, 3001]);
  });

  test('ECS Exec: enabled on the service, Session Manager channels in the task role, app root file system writable', () => {
    const stack = newStack();
    new MeshedService(stack, 'Processing', serviceProps(platformIn(stack), { enableExecuteCommand: true }));
    const json = synthJson(stack);
    expect(under(json, 'aws_ecs_service', 'Processing')[0].enable_execute_command).toBe(true);
    const [taskPolicyResource] = under(json, 'aws_iam_role_policy', 'Processing_TaskRole');
    const taskPolicy = JSON.parse(taskPolicyResource.policy);
    expect(taskPolicy.Statement.map((s: { Sid: string }) => s.Sid)).toContain('EcsExec');
    const app = JSON.parse(under(json, 'aws_ecs_task_definition', 'Processing')[0].container_definitions)[0];
    expect(app.readonlyRootFilesystem).toBe(false);
  });

  test('rejects task role statements with wildcard actions', () => {
    const stack = newStack();
    expect(
      () =>
        new MeshedService(
          stack,
          'Processing',
          serviceProps(platformIn(stack), {
            taskRoleStatements: [{ sid: 'TooMuch', actions: ['sqs:*'], resources: ['*'] }],
          }),
        ),
    ).toThrow(/TaskRole 'test\/Processing\/TaskRole'.*'statements\.actions'.*sqs:\*/);
  });
});
