import { ANSWER_DEADLINE_MS, APP_KEEP_ALIVE_TIMEOUT_MS } from '../../contract/retry-policy';
import { App, Testing } from 'cdktf';
import { STRICT_RETRY_BUDGET_CONTEXT } from '@ev-pipeline/cdktf-mesh-constructs';
import { ENVOY_DEFAULT_BACKOFF, PROCESSING_CALL_TIMEOUT_MS, PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { DATA_INGESTION, DATA_PROCESSING, EV_PATH, RetryMode } from '../../contract/services';
import { ADOT_COLLECTOR_CONFIG, SIDECAR_OTLP_ENDPOINT } from '../../contract/tracing';
import { DataPipelineStack } from '../../pipeline/data-pipeline-stack';
import { DataPlane } from '../../pipeline/data-plane';
import { ENVIRONMENTS } from '../../pipeline/environments';
import { addPipelineStacks } from '../../pipeline/pipeline-app';
import { retryBudgetReport } from '../../pipeline/retry-budget-report';
import { perAttemptProxyTimeout, ServiceConnectPipelineStack } from '../../pipeline/service-connect-stack';

Testing.setupJest();

function synthStack(props: Partial<ConstructorParameters<typeof ServiceConnectPipelineStack>[2]> = {}) {
  const app = Testing.app({ context: { [STRICT_RETRY_BUDGET_CONTEXT]: true } });
  const stack = new ServiceConnectPipelineStack(app, 'ev-pipeline-dev-service-connect', { config: ENVIRONMENTS.dev, ...props });
  return { stack, json: JSON.parse(Testing.synth(stack, true)) };
}

/** The resource of `type` at construct path `path` (its `Resource` child implied). */
function at(json: any, type: string, path: string): any {
  const logicalId = new RegExp(`^${path.replace(/\//g, '_')}_[0-9A-F]{8}$`);
  const found = Object.entries(json.resource[type] as Record<string, any>).find(([id]) => logicalId.test(id));
  if (!found) throw new Error(`no ${type} at ${path}`);
  return found[1];
}

function containersOf(json: any, service: string): any[] {
  return JSON.parse(at(json, 'aws_ecs_task_definition', `${service}/TaskDefinition`).container_definitions);
}

function envOf(json: any, service: string): Record<string, string> {
  return Object.fromEntries(containersOf(json, service)[0].environment.map((e: { name: string; value: string }) => [e.name, e.value]));
}

describe('ServiceConnectPipelineStack', () => {
  const { stack, json } = synthStack();

  test('synthesizes the whole stack (snapshot)', () => {
    expect(json).toMatchSnapshot();
  });

  test('holds no App Mesh resource, no Envoy, no proxy configuration and no App Mesh permission', () => {
    expect(Object.keys(json.resource).filter((type) => type.startsWith('aws_appmesh_'))).toEqual([]);
    expect(Object.keys(json.resource)).not.toContain('aws_service_discovery_private_dns_namespace');
    for (const service of ['DataIngestion', 'DataProcessing']) {
      expect(at(json, 'aws_ecs_task_definition', `${service}/TaskDefinition`)).not.toHaveProperty('proxy_configuration');
      expect(containersOf(json, service).map((c) => c.name)).toEqual([
        `${service === 'DataIngestion' ? DATA_INGESTION.name : DATA_PROCESSING.name}-service`,
        'otel-collector',
        'readiness-gate',
      ]);
    }
    expect(JSON.stringify(json.resource)).not.toMatch(/appmesh|envoy/i);
  });

  test('shares the App Mesh stack’s queues, cache, alarms and outputs (the same constructs, names ending in -sc)', () => {
    const appMesh = JSON.parse(Testing.synth(new DataPipelineStack(Testing.app(), 'ev-pipeline-dev', { config: ENVIRONMENTS.dev })));
    const shared = [
      'aws_sqs_queue',
      'aws_sqs_queue_policy',
      'aws_sqs_queue_redrive_policy',
      'aws_sqs_queue_redrive_allow_policy',
      'aws_iam_policy',
      'aws_elasticache_replication_group',
      'aws_elasticache_subnet_group',
      'aws_sns_topic',
      'aws_kms_key',
      'aws_kms_alias',
      'aws_cloudwatch_metric_alarm',
    ];
    for (const type of shared)
      expect([type, Object.keys(json.resource[type]).sort()]).toEqual([type, Object.keys(appMesh.resource[type]).sort()]);
    expect(Object.keys(json.output).sort()).toEqual(
      [...Object.keys(appMesh.output).filter((o) => o !== 'mesh_name'), 'namespace_arn', 'front_door_url'].sort(),
    );
    // The same inputs, and the front door's own.
    expect(Object.keys(json.variable).sort()).toEqual(
      [
        ...Object.keys(appMesh.variable),
        'public_subnet_ids',
        'front_door_certificate_arn',
        'vehicle_ca_bundle_bucket',
        'vehicle_ca_bundle_key',
      ].sort(),
    );
    expect(at(json, 'aws_sqs_queue', 'RetryQueue').name).toBe('dev-${var.project}-sc-retry');
    expect(at(json, 'aws_elasticache_replication_group', 'SharedStateCache').replication_group_id).toBe('dev-${var.project}-sc-state');
    expect(at(json, 'aws_ecs_cluster', 'Cluster').name).toBe('dev-${var.project}-sc-ecs-cluster');
  });

  test('its own Cloud Map HTTP namespace is the cluster’s Service Connect default and every service’s namespace', () => {
    const namespace = at(json, 'aws_service_discovery_http_namespace', 'Namespace');
    expect(namespace.name).toBe('dev-${var.project}-sc');
    const arn = expect.stringMatching(/^\$\{aws_service_discovery_http_namespace\.Namespace_[0-9A-F]{8}\.arn\}$/);
    expect(at(json, 'aws_ecs_cluster', 'Cluster').service_connect_defaults).toEqual({ namespace: arn });
    for (const service of ['DataIngestion', 'DataProcessing']) {
      expect(at(json, 'aws_ecs_service', `${service}/Service`).service_connect_configuration).toMatchObject({
        enabled: true,
        namespace: arn,
      });
    }
  });

  test("processing's proxy allows one attempt of the retry policy (6 s); ingestion's holds the whole schedule (70 s)", () => {
    expect(perAttemptProxyTimeout(PROCESSING_RETRY_POLICY).toMilliseconds()).toBe(6_000);
    const timeoutOf = (service: string) =>
      at(json, 'aws_ecs_service', `${service}/Service`).service_connect_configuration.service[0].timeout;
    expect(timeoutOf('DataProcessing')).toEqual({ per_request_timeout_seconds: 6, idle_timeout_seconds: 300 });
    expect(timeoutOf('DataIngestion').per_request_timeout_seconds).toBe(70);
    expect(timeoutOf('DataIngestion').per_request_timeout_seconds * 1_000).toBeGreaterThanOrEqual(PROCESSING_CALL_TIMEOUT_MS);
  });

  test('ingestion retries in-process with the contract’s policy and deadline, and calls processing at its client alias', () => {
    const processingService = at(json, 'aws_ecs_service', 'DataProcessing/Service').service_connect_configuration.service[0];
    expect(processingService).toMatchObject({
      port_name: DATA_PROCESSING.name,
      discovery_name: DATA_PROCESSING.name,
      client_alias: { dns_name: DATA_PROCESSING.name, port: DATA_PROCESSING.port },
    });
    expect(envOf(json, 'DataIngestion')).toMatchObject({
      RETRY_MODE: RetryMode.APP,
      DATA_PROCESSING_URL: `http://${DATA_PROCESSING.name}:${DATA_PROCESSING.port}${EV_PATH}`,
      PROCESSING_TIMEOUT_MS: String(PROCESSING_RETRY_POLICY.perRetryTimeoutMs),
      RETRY_OVERALL_TIMEOUT_MS: String(PROCESSING_CALL_TIMEOUT_MS),
      RETRY_BACKOFF_BASE_MS: String(ENVOY_DEFAULT_BACKOFF.baseIntervalMs),
      RETRY_BACKOFF_MAX_MS: String(ENVOY_DEFAULT_BACKOFF.maxIntervalMs),
      APP_PORT: String(DATA_INGESTION.port),
    });
    expect(envOf(json, 'DataProcessing').RETRY_MODE).toBe(RetryMode.APP);
  });

  test('every app sends spans to its task’s ADOT collector, which exports them to X-Ray', () => {
    for (const service of ['DataIngestion', 'DataProcessing']) {
      expect(envOf(json, service).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(SIDECAR_OTLP_ENDPOINT);
      const collector = containersOf(json, service)[1];
      expect(JSON.parse(collector.environment[0].value)).toEqual(ADOT_COLLECTOR_CONFIG);
      const statements = parsePolicy(at(json, 'aws_iam_role_policy', `${service}/TaskRole/Policy`).policy).Statement as any[];
      expect(statements.find((s) => s.Sid === 'CollectorExportsToXRay').Action).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      expect(statements.flatMap((s) => s.Action).some((a: string) => a.startsWith('appmesh:'))).toBe(false);
    }
  });

  test('ingestion reaches processing on 3001 only, the front door reaches ingestion on 3000 only; only the front door is open to the internet, on 443', () => {
    const ingress = Object.values(json.resource.aws_vpc_security_group_ingress_rule as Record<string, any>);
    expect(ingress.map((r) => r.from_port).sort()).toEqual([DATA_INGESTION.port, DATA_PROCESSING.port, 443, 6379]);
    expect(at(json, 'aws_vpc_security_group_ingress_rule', 'IngestionFrontDoor/FromLoadBalancer')).toMatchObject({
      security_group_id: expect.stringMatching(/DataIngestion_SecurityGroup/),
      referenced_security_group_id: expect.stringMatching(/FrontDoor/),
      from_port: DATA_INGESTION.port,
      to_port: DATA_INGESTION.port,
    });
    const open = ingress.filter((rule) => JSON.stringify(rule).includes('0.0.0.0/0'));
    expect(open.map((rule) => [rule.from_port, rule.security_group_id])).toEqual([[443, expect.stringMatching(/FrontDoor/)]]);
    expect(at(json, 'aws_vpc_security_group_ingress_rule', 'DataIngestion/AccessToDataProcessing/Ingress')).toMatchObject({
      security_group_id: expect.stringMatching(/DataProcessing_SecurityGroup/),
      referenced_security_group_id: expect.stringMatching(/DataIngestion_SecurityGroup/),
      from_port: 3001,
      to_port: 3001,
    });
    const egress = Object.values(json.resource.aws_vpc_security_group_egress_rule as Record<string, any>);
    expect(egress.map((r) => r.from_port).sort()).toEqual([DATA_INGESTION.port, DATA_PROCESSING.port, 443, 6379]);
  });

  test('the same security controls as the App Mesh stack: private subnets, non-root containers, no wildcard action, logs everywhere', () => {
    for (const service of ['DataIngestion', 'DataProcessing']) {
      expect(at(json, 'aws_ecs_service', `${service}/Service`)).toMatchObject({
        network_configuration: { assign_public_ip: false },
        deployment_circuit_breaker: { enable: true, rollback: true },
        platform_version: 'LATEST',
      });
      for (const container of containersOf(json, service)) {
        expect(container.user).toMatch(/^[1-9]\d*(:\d+)?$/);
        expect(container).not.toHaveProperty('privileged');
        expect(container.logConfiguration.logDriver).toBe('awslogs');
      }
    }
    for (const policy of Object.values(json.resource.aws_iam_role_policy as Record<string, any>)) {
      for (const statement of parsePolicy(policy.policy).Statement)
        expect(statement.Action.every((a: string) => !a.includes('*'))).toBe(true);
    }
  });

  test('task sizes come from the environment and keep the headroom AWS recommends for the proxy', () => {
    for (const service of ['DataIngestion', 'DataProcessing']) {
      const task = at(json, 'aws_ecs_task_definition', `${service}/TaskDefinition`);
      const [app, collector] = containersOf(json, service);
      expect(Number(task.cpu) - app.cpu - collector.cpu).toBe(256);
      expect(Number(task.memory) - app.memoryReservation - collector.memory).toBe(64);
    }
  });

  test('the retry budget passes in strict mode, and the report says who retries and how many calls reach processing', () => {
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === '@cdktf/warn');
    expect(warnings).toEqual([]);
    expect(retryBudgetReport(stack)).toEqual([
      'ev-pipeline-dev-service-connect:',
      '  service-connect, RETRY_MODE=app: the policy is applied by ingestion in-process; at most 13 app attempt(s) × 3 Service Connect proxy attempts (1 + its assumed retries) = 39 call(s) reach processing per event',
      expect.stringMatching(
        /^ {2}Service Connect: ev-pipeline-dev-service-connect\/DataIngestion → ev-pipeline-dev-service-connect\/DataProcessing: at most 39 call\(s\) .* 13 of 13 attempt\(s\) fit, each ≤ 5 s .* all within 68 s/,
      ),
    ]);
  });

  test('RETRY_MODE=mesh under Service Connect leaves the policy to nobody: synthesis fails saying so', () => {
    expect(() => synthStack({ retryMode: RetryMode.MESH })).toThrow(
      /the retry policy is applied by nobody: RETRY_MODE=mesh leaves retries to a mesh route/,
    );
  });

  test('RETRY_MODE=off turns retries off on purpose: it synthesizes, with no in-process retries declared', () => {
    const { stack: off, json: offJson } = synthStack({ retryMode: RetryMode.OFF });
    expect(off.retryLayering).toMatchObject({ appliedBy: [], worstCaseCalls: 3, problem: undefined });
    expect(envOf(offJson, 'DataIngestion')).not.toHaveProperty('RETRY_OVERALL_TIMEOUT_MS');
  });
});

describe('the data plane per environment', () => {
  test('npm run synth writes, for dev, the App Mesh stack (its id unchanged) and the Service Connect stack', () => {
    const stacks = addPipelineStacks(new App(), ENVIRONMENTS.dev);
    expect(stacks.map((s) => [s.node.id, s.constructor.name])).toEqual([
      ['ev-pipeline-dev', 'DataPipelineStack'],
      ['ev-pipeline-dev-service-connect', 'ServiceConnectPipelineStack'],
    ]);
  });

  test('production runs on Service Connect only', () => {
    expect(ENVIRONMENTS.prd.dataPlanes).toEqual([DataPlane.SERVICE_CONNECT]);
    expect(addPipelineStacks(new App(), ENVIRONMENTS.prd).map((s) => s.node.id)).toEqual(['ev-pipeline-prd-service-connect']);
  });

  test('the prd Service Connect stack synthesizes with its validations', () => {
    const stack = new ServiceConnectPipelineStack(Testing.app(), 'ev-pipeline-prd-service-connect', { config: ENVIRONMENTS.prd });
    const json = JSON.parse(Testing.synth(stack, true));
    // Production scales each service from two tasks (one per zone).
    expect(at(json, 'aws_ecs_service', 'DataProcessing/Service').desired_count).toBe(2);
    expect(at(json, 'aws_appautoscaling_target', 'DataProcessing/Scaling/Target')).toMatchObject({ min_capacity: 2, max_capacity: 50 });
    expect(at(json, 'aws_ecs_task_definition', 'DataProcessing/TaskDefinition').cpu).toBe('1024');
    // Production: no fault switch, a load balancer that refuses deletion.
    for (const service of ['DataIngestion', 'DataProcessing']) expect(envOf(json, service)).not.toHaveProperty('FAULT_INJECTION');
    expect(at(json, 'aws_lb', 'FrontDoor/LoadBalancer').enable_deletion_protection).toBe(true);
  });

  test('the dev stack puts ingestion behind the front door, checks vehicles by certificate, and scales both services', () => {
    const stack = new ServiceConnectPipelineStack(Testing.app(), 'ev-pipeline-dev-service-connect', { config: ENVIRONMENTS.dev });
    const json = JSON.parse(Testing.synth(stack, true));
    expect(envOf(json, 'DataIngestion')).toMatchObject({
      VEHICLE_AUTH: 'alb-mtls',
      ANSWER_DEADLINE_MS: String(ANSWER_DEADLINE_MS),
      KEEP_ALIVE_TIMEOUT_MS: String(APP_KEEP_ALIVE_TIMEOUT_MS),
      FAULT_INJECTION: 'enabled',
    });
    expect(at(json, 'aws_lb_listener', 'FrontDoor/HttpsListener')).toMatchObject({
      mutual_authentication: { mode: 'verify' },
    });
    expect(at(json, 'aws_ecs_service', 'DataIngestion/Service')).toMatchObject({
      load_balancer: [{ container_name: 'data-ingestion-service', container_port: DATA_INGESTION.port }],
      health_check_grace_period_seconds: expect.any(Number),
      lifecycle: { ignore_changes: expect.arrayContaining(['desired_count']) },
    });
    const policies = Object.values(json.resource.aws_appautoscaling_policy as Record<string, any>).map(
      (policy) => policy.target_tracking_scaling_policy_configuration,
    );
    expect(policies.map((p) => p.predefined_metric_specification?.predefined_metric_type ?? 'backlog per task').sort()).toEqual([
      'ALBRequestCountPerTarget',
      'ECSServiceAverageCPUUtilization',
      'backlog per task',
    ]);
  });
});

/** A policy document of the synthesized JSON, its Terraform interpolations (which may hold quotes, e.g. `replace(…, ":cluster/", …)`) read as placeholders. */
function parsePolicy(text: string): any {
  return JSON.parse(text.replace(/\$\{[^}]*\}/g, 'interpolation'));
}
