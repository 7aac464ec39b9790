import { Testing } from 'cdktf';
import { ContainerHealthCheck, HttpProbeRuntime, MeshedService, ServiceImage } from '@ev-pipeline/cdktf-mesh-constructs';
import { DATA_INGESTION, DATA_PROCESSING, RetryMode } from '../../contract/services';
import { DataPipelineStack } from '../../pipeline/data-pipeline-stack';
import { ENVIRONMENTS } from '../../pipeline/environments';

Testing.setupJest();

function synthStack(configure?: (stack: DataPipelineStack) => void) {
  const app = Testing.app();
  const stack = new DataPipelineStack(app, 'ev-pipeline-dev', { config: ENVIRONMENTS.dev });
  configure?.(stack);
  return { stack, json: JSON.parse(Testing.synth(stack, true)) };
}

/** The resource of `type` at construct path `path` (e.g. `DataProcessing/Route`, its `Resource` child implied). */
function at(json: any, type: string, path: string): any {
  const logicalId = new RegExp(`^${path.replace(/\//g, '_')}_[0-9A-F]{8}$`);
  const found = Object.entries(json.resource[type] as Record<string, any>).find(([id]) => logicalId.test(id));
  if (!found) throw new Error(`no ${type} at ${path}`);
  return found[1];
}

function containersOf(json: any, service: string): any[] {
  return JSON.parse(at(json, 'aws_ecs_task_definition', `${service}/TaskDefinition`).container_definitions);
}

describe('DataPipelineStack', () => {
  const { stack, json } = synthStack();

  test('synthesizes the whole stack (snapshot)', () => {
    expect(json).toMatchSnapshot();
  });

  test('has every resource type of the article, one per service where the article has one per service', () => {
    const counts = Object.fromEntries(Object.entries(json.resource).map(([type, r]) => [type, Object.keys(r as object).length]));
    expect(counts).toMatchObject({
      aws_appmesh_mesh: 1,
      aws_appmesh_virtual_service: 2,
      aws_appmesh_virtual_node: 2,
      aws_appmesh_virtual_router: 2,
      aws_appmesh_route: 2,
      aws_service_discovery_private_dns_namespace: 1,
      aws_service_discovery_service: 2,
      aws_ecs_cluster: 1,
      aws_ecs_cluster_capacity_providers: 1,
      aws_ecs_service: 2,
      aws_ecs_task_definition: 2,
      aws_ecr_repository: 2,
      aws_cloudwatch_log_group: 2,
      aws_security_group: 2,
    });
  });

  test('account-specific values are Terraform variables', () => {
    expect(Object.keys(json.variable).sort()).toEqual(
      [
        'app_version',
        'github_oidc_provider_arn',
        'github_repository',
        'internal_domain',
        'project',
        'protected_subnet_ids',
        'region',
        'vpc_id',
      ].sort(),
    );
    expect(json.provider.aws[0].region).toBe('${var.region}');
  });

  test("the processing route carries the article's retry policy exactly, with a 70 s per-request timeout", () => {
    expect(at(json, 'aws_appmesh_route', 'DataProcessing/Route')).toMatchObject({
      name: 'dev-${var.project}-data-processing-service',
      spec: {
        priority: 1,
        http_route: {
          match: { prefix: '/' },
          retry_policy: {
            http_retry_events: ['gateway-error'],
            max_retries: 12,
            per_retry_timeout: { unit: 's', value: 5 },
            tcp_retry_events: ['connection-error'],
          },
          timeout: { per_request: { unit: 's', value: 70 } },
        },
      },
    });
  });

  test('virtual services are named <service>.<env>.<internal domain>, provided by their routers', () => {
    expect(at(json, 'aws_appmesh_virtual_service', 'DataProcessing/VirtualService').name).toBe(
      'data-processing.dev.${var.internal_domain}',
    );
    expect(at(json, 'aws_appmesh_virtual_service', 'DataIngestion/VirtualService').name).toBe('data-ingestion.dev.${var.internal_domain}');
    expect(at(json, 'aws_appmesh_virtual_service', 'DataProcessing/VirtualService').spec.provider.virtual_router).toBeDefined();
  });

  test("each node discovers its own Cloud Map service by that service's own name (slips 1 and 2)", () => {
    for (const [id, name] of [
      ['DataIngestion', DATA_INGESTION.name],
      ['DataProcessing', DATA_PROCESSING.name],
    ]) {
      expect(at(json, 'aws_service_discovery_service', `${id}/DiscoveryService`).name).toBe(name);
      const node = at(json, 'aws_appmesh_virtual_node', `${id}/VirtualNode`);
      expect(node.spec.service_discovery.aws_cloud_map).toEqual({
        service_name: expect.stringMatching(
          new RegExp(`^\\$\\{aws_service_discovery_service\\.${id}_DiscoveryService_[0-9A-F]{8}\\.name\\}$`),
        ),
        namespace_name: expect.stringMatching(/^\$\{aws_service_discovery_private_dns_namespace\..*\.name\}$/),
      });
    }
  });

  test('ingestion has processing as its only backend; processing has none', () => {
    const ingestion = at(json, 'aws_appmesh_virtual_node', 'DataIngestion/VirtualNode');
    const processing = at(json, 'aws_appmesh_virtual_node', 'DataProcessing/VirtualNode');
    expect(ingestion.spec.backend).toHaveLength(1);
    expect(ingestion.spec.backend[0].virtual_service.virtual_service_name).toMatch(
      /aws_appmesh_virtual_service\.DataProcessing_VirtualService/,
    );
    expect(processing.spec.backend).toBeUndefined();
  });

  test('apps run in mesh retry mode with the queues and the cache; ingestion calls processing by its virtual service DNS name', () => {
    const env = (service: string) => Object.fromEntries(containersOf(json, service)[0].environment.map((e: any) => [e.name, e.value]));
    expect(env('DataProcessing')).toEqual({
      APP_PORT: '3001',
      RETRY_MODE: RetryMode.MESH,
      AWS_REGION: '${data.aws_region.current.name}',
      RETRY_QUEUE_URL: expect.stringMatching(/^\$\{aws_sqs_queue\.RetryQueue_[0-9A-F]{8}\.url\}$/),
      REDIS_URL: expect.stringMatching(
        /^rediss:\/\/\$\{aws_elasticache_replication_group\.SharedStateCache_[0-9A-F]{8}\.primary_endpoint_address\}:6379$/,
      ),
      REDIS_REPLICA_ACKS: '1',
      // dev: the article's x-503 experiment works (prd never sets it).
      FAULT_INJECTION: 'enabled',
    });
    expect(Object.keys(env('DataIngestion')).sort()).toEqual([
      'APP_PORT',
      'AWS_REGION',
      'DATA_PROCESSING_URL',
      'FAULT_INJECTION',
      'REDIS_URL',
      'RETRY_MODE',
      'RETRY_QUEUE_URL',
    ]);
    expect(env('DataIngestion').RETRY_MODE).toBe(RetryMode.MESH);
    // The cache user's credentials are ECS secrets from the cache's secret, never plain environment.
    for (const service of ['DataIngestion', 'DataProcessing']) {
      const secrets = Object.fromEntries(containersOf(json, service)[0].secrets.map((e: any) => [e.name, e.valueFrom]));
      expect(secrets).toEqual({
        REDIS_USERNAME: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.SharedStateCache_\w+\.arn\}:username::$/),
        REDIS_PASSWORD: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.SharedStateCache_\w+\.arn\}:password::$/),
      });
    }
    expect(env('DataIngestion').DATA_PROCESSING_URL).toMatch(
      /^http:\/\/\$\{aws_appmesh_virtual_service\.DataProcessing_VirtualService_[0-9A-F]+\.name\}:3001\/ev$/,
    );
  });

  test('containers use dependsOn (slip 3) and no container is privileged or root', () => {
    for (const service of ['DataIngestion', 'DataProcessing']) {
      for (const container of containersOf(json, service)) {
        expect(container).not.toHaveProperty('depends_on');
        expect(container).not.toHaveProperty('privileged');
        expect(container.user).not.toMatch(/^(0|root)/);
      }
      expect(containersOf(json, service)[0].dependsOn).toEqual([{ containerName: 'envoy', condition: 'HEALTHY' }]);
    }
  });

  test('Envoy streams its own node only; no IAM policy has a wildcard action', () => {
    const policies = Object.values(json.resource.aws_iam_role_policy as Record<string, any>);
    for (const policy of policies) {
      for (const statement of JSON.parse(policy.policy).Statement) {
        expect(statement.Action.every((a: string) => !a.includes('*'))).toBe(true);
      }
    }
    const taskPolicy = JSON.parse(at(json, 'aws_iam_role_policy', 'DataProcessing/TaskRole/Policy').policy);
    expect(taskPolicy.Statement.find((s: any) => s.Sid === 'EnvoyOwnNodeOnly')).toEqual({
      Sid: 'EnvoyOwnNodeOnly',
      Effect: 'Allow',
      Action: ['appmesh:StreamAggregatedResources'],
      Resource: [expect.stringMatching(/^\$\{aws_appmesh_virtual_node\.DataProcessing_VirtualNode_[0-9A-F]+\.arn\}$/)],
    });
  });

  test('queue access is least privilege: ingestion sends, processing drains, neither touches the DLQ', () => {
    const statements = (path: string) => JSON.parse(at(json, 'aws_iam_role_policy', path).policy).Statement as any[];
    const sqsActions = (path: string) => statements(path).filter((st) => st.Action.some((a: string) => a.startsWith('sqs:')));
    expect(sqsActions('DataIngestion/TaskRole/Policy')).toEqual([
      {
        Sid: 'ParkInRetryQueue',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [expect.stringMatching(/RetryQueue_[0-9A-F]{8}\.arn/)],
      },
    ]);
    expect(sqsActions('DataProcessing/TaskRole/Policy')).toEqual([
      {
        Sid: 'DrainRetryQueue',
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        Resource: [expect.stringMatching(/RetryQueue_[0-9A-F]{8}\.arn/)],
      },
    ]);
    const operator = JSON.parse(at(json, 'aws_iam_policy', 'RedriveOperatorPolicy').policy).Statement as any[];
    expect(operator.flatMap((st) => st.Action)).toContain('sqs:StartMessageMoveTask');
  });

  test('the apps reach SQS (443) and the cache (6379) around Envoy; the mesh stays DROP_ALL', () => {
    for (const service of ['DataIngestion', 'DataProcessing']) {
      expect(at(json, 'aws_ecs_task_definition', `${service}/TaskDefinition`).proxy_configuration.properties.EgressIgnoredPorts).toBe(
        '22,443,6379',
      );
    }
    expect(at(json, 'aws_appmesh_mesh', 'Mesh').spec.egress_filter.type).toBe('DROP_ALL');
    const egress = Object.values(json.resource.aws_vpc_security_group_egress_rule as Record<string, any>);
    expect(egress.find((rule) => rule.from_port === 6379).referenced_security_group_id).toMatch(/SharedStateCache_SecurityGroup/);
  });

  test('processing has mesh-level circuit breaking: outlier detection and a connection pool', () => {
    const listener = at(json, 'aws_appmesh_virtual_node', 'DataProcessing/VirtualNode').spec.listener[0];
    expect(listener.outlier_detection).toEqual({
      max_server_errors: 5,
      interval: { unit: 's', value: 10 },
      base_ejection_duration: { unit: 's', value: 30 },
      max_ejection_percent: 50,
    });
    expect(listener.connection_pool).toEqual({ http: [{ max_connections: 256, max_pending_requests: 1024 }] });
  });

  test('alarms on dead letters and on processing failure rate notify the encrypted topic', () => {
    const topic = at(json, 'aws_sns_topic', 'AlarmTopic');
    expect(topic.kms_master_key_id).toMatch(/aws_kms_key\.AlarmTopic_Key_[0-9A-F]{8}\.arn/);
    const dlq = at(json, 'aws_cloudwatch_metric_alarm', 'DeadLetterAlarm');
    expect(dlq).toMatchObject({
      metric_name: 'ApproximateNumberOfMessagesVisible',
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    const rate = at(json, 'aws_cloudwatch_metric_alarm', 'ProcessingFailureRateAlarm');
    expect(rate.metric_query.map((q: any) => q.expression ?? q.metric.metric_name)).toEqual([
      'Errors',
      'Requests',
      '100 * errors / MAX([errors, requests])',
    ]);
    expect(rate.metric_query[0].metric.dimensions).toEqual({ Service: 'data-processing' });
  });

  test('the data-pipeline timeouts let all 13 attempts happen: no retry-budget warning', () => {
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === '@cdktf/warn');
    expect(warnings).toEqual([]);
  });

  test('a third service is a few lines with the composite, and brings its own port rules', () => {
    const { json: withThird } = synthStack((s) => {
      new MeshedService(s, 'Alerting', {
        platform: s.platform,
        spec: {
          name: 'alerting',
          port: 3002,
          image: ServiceImage.fromOwnRepository('1.0.0'),
          size: { cpu: 512, memory: 1024 },
          backends: [s.processing.virtualService],
          healthCheck: ContainerHealthCheck.http({ path: '/health-check', runtime: HttpProbeRuntime.NODE }),
        },
      });
    });
    expect(Object.keys(withThird.resource.aws_ecs_service)).toHaveLength(3);
    expect(at(withThird, 'aws_appmesh_virtual_node', 'Alerting/VirtualNode').spec.listener[0].port_mapping.port).toBe(3002);
    expect(at(withThird, 'aws_vpc_security_group_ingress_rule', 'Alerting/PortRules/Ingress')).toMatchObject({
      from_port: 3002,
      referenced_security_group_id: expect.stringMatching(/^\$\{aws_security_group\.SecurityGroup_[0-9A-F]{8}\.id\}$/),
    });
  });

  test('task definitions keep their revisions when replaced, and services roll back failed deployments', () => {
    for (const service of ['DataIngestion', 'DataProcessing']) {
      expect(at(json, 'aws_ecs_task_definition', `${service}/TaskDefinition`).skip_destroy).toBe(true);
      expect(at(json, 'aws_ecs_service', `${service}/Service`)).toMatchObject({
        deployment_circuit_breaker: { enable: true, rollback: true },
        lifecycle: { ignore_changes: ['desired_count', 'task_definition'] },
      });
    }
  });
});
