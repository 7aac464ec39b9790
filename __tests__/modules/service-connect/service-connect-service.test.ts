import { Testing } from 'cdktf';
import { Duration } from '../../../modules/core/duration';
import { ServiceImage } from '../../../modules/service/service-image';
import { OtelCollectorSidecar } from '../../../modules/service-connect/otel-collector-sidecar';
import { ServiceConnectService } from '../../../modules/service-connect/service-connect-service';
import { resources, newStack, synthJson } from '../fixture';
import { ARTICLE_POLICY, serviceConnectPlatformIn, spec, timeouts } from '../service-connect-fixture';

Testing.setupJest();

/** The resources of `type` under construct `id` of the stack. */
function under(json: any, type: string, id: string): any[] {
  return Object.entries(json.resource[type] ?? {})
    .filter(([logicalId]) => logicalId.startsWith(`${id}_`))
    .map(([, resource]) => resource);
}

/** A processing server and an ingestion client that retries in-process, in a fresh stack. */
function pipeline(clientOverrides: Partial<ConstructorParameters<typeof ServiceConnectService>[2]> = {}) {
  const stack = newStack();
  const platform = serviceConnectPlatformIn(stack);
  const processing = new ServiceConnectService(stack, 'Processing', {
    platform,
    spec: spec('data-processing', 3001, { retryPolicy: ARTICLE_POLICY, timeouts: timeouts(6) }),
  });
  const ingestion = new ServiceConnectService(stack, 'Ingestion', {
    platform,
    spec: spec('data-ingestion', 3000, { backends: [processing], timeouts: timeouts(70) }),
    inProcessRetries: { deadline: Duration.seconds(68) },
    ...clientOverrides,
  });
  return { stack, platform, processing, ingestion };
}

describe('ServiceConnectService', () => {
  describe('a server', () => {
    const { stack, processing } = pipeline();
    const json = synthJson(stack, true);

    test('renders service_connect_configuration as hashicorp/aws 5.100 models it', () => {
      const [service] = under(json, 'aws_ecs_service', 'Processing');
      expect(service.service_connect_configuration).toEqual({
        enabled: true,
        namespace: expect.stringMatching(/^\$\{aws_service_discovery_http_namespace\.Namespace_[0-9A-F]{8}\.arn\}$/),
        log_configuration: {
          log_driver: 'awslogs',
          options: {
            'awslogs-group': expect.stringMatching(/Processing_LogGroup/),
            'awslogs-region': 'ap-northeast-1',
            'awslogs-stream-prefix': 'awslogs-proxy-data-processing',
          },
        },
        service: [
          {
            port_name: 'data-processing',
            discovery_name: 'data-processing',
            client_alias: { dns_name: 'data-processing', port: 3001 },
            timeout: { per_request_timeout_seconds: 6, idle_timeout_seconds: 300 },
          },
        ],
      });
      expect(service).not.toHaveProperty('service_registries');
    });

    test('callers reach it at its client alias', () => {
      expect(processing.urlOf('/ev')).toBe('http://data-processing:3001/ev');
    });

    test('has a named http port mapping, no Envoy, no proxy configuration, no App Mesh IAM', () => {
      const [task] = under(json, 'aws_ecs_task_definition', 'Processing');
      expect(task).not.toHaveProperty('proxy_configuration');
      const containers = JSON.parse(task.container_definitions);
      expect(containers.map((c: any) => c.name)).toEqual(['data-processing-service', 'readiness-gate']);
      expect(containers[0].portMappings).toEqual([{ name: 'data-processing', containerPort: 3001, protocol: 'tcp', appProtocol: 'http' }]);
      expect(JSON.stringify(json.resource)).not.toMatch(/appmesh|envoy/i);
    });

    test('keeps the recommended headroom for the proxy ECS injects: the app gets the task minus 256 CPU units and 64 MiB', () => {
      const [app] = JSON.parse(under(json, 'aws_ecs_task_definition', 'Processing')[0].container_definitions);
      expect(app).toMatchObject({ cpu: 512 - 256, memoryReservation: 1024 - 64 });
    });

    test('has a security group of its own, with no rule of its own', () => {
      const groups = under(json, 'aws_security_group', 'Processing');
      expect(groups).toEqual([expect.objectContaining({ name: 'dev-ev-data-processing-tasks', vpc_id: 'vpc-1' })]);
      expect(under(json, 'aws_vpc_security_group_ingress_rule', 'Processing')).toEqual([]);
      const [service] = under(json, 'aws_ecs_service', 'Processing');
      expect(service.network_configuration.security_groups).toEqual([
        expect.stringMatching(/aws_security_group\.Tasks_[0-9A-F]{8}\.id/),
        expect.stringMatching(/aws_security_group\.Processing_SecurityGroup_[0-9A-F]{8}\.id/),
      ]);
    });
  });

  describe('a client', () => {
    const { stack } = pipeline();
    const json = synthJson(stack, true);

    test('reaches its backend on the backend port only, by rules in its own scope', () => {
      expect(under(json, 'aws_vpc_security_group_ingress_rule', 'Ingestion_AccessToProcessing')).toEqual([
        expect.objectContaining({
          security_group_id: expect.stringMatching(/Processing_SecurityGroup_[0-9A-F]{8}\.id/),
          referenced_security_group_id: expect.stringMatching(/Ingestion_SecurityGroup_[0-9A-F]{8}\.id/),
          from_port: 3001,
          to_port: 3001,
          ip_protocol: 'tcp',
        }),
      ]);
      expect(under(json, 'aws_vpc_security_group_egress_rule', 'Ingestion_AccessToProcessing')).toEqual([
        expect.objectContaining({
          security_group_id: expect.stringMatching(/Ingestion_SecurityGroup/),
          referenced_security_group_id: expect.stringMatching(/Processing_SecurityGroup/),
          from_port: 3001,
          to_port: 3001,
        }),
      ]);
      // Nothing opens ingestion's own port: nobody calls it.
      expect(resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 3000)).toEqual([]);
    });

    test("is deployed after its backend's ECS service (a task resolves the endpoints that exist when it starts)", () => {
      const [service] = under(json, 'aws_ecs_service', 'Ingestion');
      expect(service.depends_on).toEqual([expect.stringMatching(/^aws_ecs_service\.Processing_Service_[0-9A-F]{8}$/)]);
    });

    test('a client-only service has just enabled, namespace and the log configuration', () => {
      const s = newStack();
      const platform = serviceConnectPlatformIn(s);
      const server = new ServiceConnectService(s, 'Server', { platform, spec: spec('api', 8080) });
      new ServiceConnectService(s, 'Web', { platform, clientOnly: true, spec: spec('web', 8080, { backends: [server] }) });
      const [web] = under(synthJson(s, true), 'aws_ecs_service', 'Web');
      expect(Object.keys(web.service_connect_configuration).sort()).toEqual(['enabled', 'log_configuration', 'namespace']);
    });
  });

  test('with a collector: the app waits for it, the task role may export to X-Ray, and the app gets what the proxy and the collector leave', () => {
    const stack = newStack();
    new ServiceConnectService(stack, 'Api', {
      platform: serviceConnectPlatformIn(stack),
      spec: spec('api', 8080),
      collector: OtelCollectorSidecar.awsDistro({
        configuration: { extensions: { health_check: {} }, service: { extensions: ['health_check'] } },
        healthCheckPort: 13133,
      }),
    });
    const json = synthJson(stack, true);
    const containers = JSON.parse(under(json, 'aws_ecs_task_definition', 'Api')[0].container_definitions);
    expect(containers.map((c: any) => c.name)).toEqual(['api-service', 'otel-collector', 'readiness-gate']);
    expect(containers[0]).toMatchObject({ cpu: 512 - 256 - 64, memoryReservation: 1024 - 64 - 128 });
    expect(containers[0].dependsOn).toEqual([{ containerName: 'otel-collector', condition: 'HEALTHY' }]);
    const policy = JSON.parse(under(json, 'aws_iam_role_policy', 'Api_TaskRole')[0].policy);
    expect(policy.Statement).toEqual([
      { Sid: 'CollectorExportsToXRay', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: ['*'] },
    ]);
  });

  test('with TLS: the tls block and an ECS infrastructure role with the managed policy', () => {
    const stack = newStack();
    new ServiceConnectService(stack, 'Api', {
      platform: { ...serviceConnectPlatformIn(stack), partition: 'aws' },
      spec: spec('api', 8080),
      tls: {
        certificateAuthorityArn: 'arn:aws:acm-pca:ap-northeast-1:111122223333:certificate-authority/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      },
    });
    const json = synthJson(stack, true);
    expect(under(json, 'aws_ecs_service', 'Api')[0].service_connect_configuration.service[0].tls).toEqual({
      issuer_cert_authority: {
        aws_pca_authority_arn: 'arn:aws:acm-pca:ap-northeast-1:111122223333:certificate-authority/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      },
      role_arn: expect.stringMatching(/aws_iam_role\.Api_TlsRole_[0-9A-F]{8}\.arn/),
    });
    expect(JSON.parse(under(json, 'aws_iam_role', 'Api_TlsRole')[0].assume_role_policy).Statement[0].Principal).toEqual({
      Service: 'ecs.amazonaws.com',
    });
    expect(under(json, 'aws_iam_role_policy_attachment', 'Api_TlsRole')[0].policy_arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity',
    );
  });

  test('an imported server is called at its alias and gets the caller rules only when its group is given', () => {
    const stack = newStack();
    const platform = serviceConnectPlatformIn(stack);
    const billing = ServiceConnectService.fromServerAttributes(stack, 'Billing', {
      serviceName: 'billing',
      namespaceArn: platform.namespace.namespaceArn,
      clientAlias: { dnsName: 'billing', port: 9000 },
      securityGroupId: 'sg-0a1b2c3d4e5f60718',
    });
    const client = new ServiceConnectService(stack, 'Client', { platform, spec: spec('client', 8080, { backends: [billing] }) });
    expect(billing.urlOf('/invoices')).toBe('http://billing:9000/invoices');
    expect(client.backends).toEqual([billing]);
    expect(under(synthJson(stack, true), 'aws_vpc_security_group_ingress_rule', 'Client_AccessToBilling')).toEqual([
      expect.objectContaining({ security_group_id: 'sg-0a1b2c3d4e5f60718', from_port: 9000 }),
    ]);
  });

  describe('rejects props that cannot work, named as written', () => {
    const build = (overrides: Partial<ConstructorParameters<typeof ServiceConnectService>[2]>) => {
      const stack = newStack();
      return () =>
        new ServiceConnectService(stack, 'Api', { platform: serviceConnectPlatformIn(stack), spec: spec('api', 8080), ...overrides });
    };

    test.each([
      [
        'a name ECS does not accept',
        { spec: spec('Api', 8080) },
        /invalid prop 'spec\.name': must be 1-63 lower-case letters, digits and hyphens, got 'Api' \(string\)/,
      ],
      ['a port out of range', { spec: spec('api', 70_000) }, /invalid prop 'spec\.port': must be an integer from 1 to 65535, got 70000/],
      [
        'an image that is not a ServiceImage',
        { spec: spec('api', 8080, { image: 'nginx' as unknown as ServiceImage }) },
        /invalid prop 'spec\.image': must be a ServiceImage/,
      ],
      [
        'a size Fargate does not offer',
        { spec: spec('api', 8080, { size: { cpu: 512, memory: 512 } }) },
        /invalid prop 'spec\.size\.memory': Fargate offers 1024-4096 MiB/,
      ],
      [
        'a task too small for the proxy',
        { spec: spec('api', 8080, { size: { cpu: 256, memory: 512 } }) },
        /invalid prop 'spec\.size\.cpu': 256 CPU units leave the app 0 after the Service Connect proxy 256 \(proxyHeadroom\), below the 128 it needs/,
      ],
      [
        'less headroom than AWS recommends',
        { proxyHeadroom: { cpu: 128, memory: 64 } },
        /invalid prop 'proxyHeadroom\.cpu': AWS recommends at least 256 CPU units and 64 MiB/,
      ],
      [
        'a timeout in milliseconds',
        { spec: spec('api', 8080, { timeouts: { request: Duration.millis(2_500) } }) },
        /invalid prop 'spec\.timeouts\.request': must be a positive whole number of seconds/,
      ],
      [
        'an idle timeout below the per-request timeout',
        { idleTimeout: Duration.seconds(10) },
        /invalid prop 'idleTimeout': 10 s is below the per-request timeout \(15 s/,
      ],
      [
        'a client alias that is no DNS name',
        { clientAlias: { dnsName: 'Bad_Name' } },
        /invalid prop 'clientAlias\.dnsName': must be a DNS name/,
      ],
      [
        'a secret in the environment',
        { spec: spec('api', 8080, { environment: { DB_PASSWORD: 'x' } }) },
        /invalid prop 'spec\.environment\.DB_PASSWORD': looks like a secret; pass it in spec\.secrets instead/,
      ],
      [
        'a retry policy that cannot work',
        { spec: spec('api', 8080, { retryPolicy: { ...ARTICLE_POLICY, maxRetries: -1 } }) },
        /invalid prop 'spec\.retryPolicy\.maxRetries'/,
      ],
      [
        'more proxy retries than plausible',
        { assumedProxyRetries: 11 },
        /invalid prop 'assumedProxyRetries': must be an integer from 0 to 10, got 11/,
      ],
      [
        'a deadline that is not a Duration',
        { inProcessRetries: { deadline: 5000 as unknown as Duration } },
        /invalid prop 'inProcessRetries\.deadline': must be a positive Duration, got 5000/,
      ],
      [
        'TLS on a client-only service',
        { clientOnly: true, tls: { certificateAuthorityArn: 'arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/1' } },
        /invalid prop 'tls': a client-only service has no endpoint/,
      ],
      [
        'a certificate authority that is no ARN',
        { tls: { certificateAuthorityArn: 'my-ca' } },
        /invalid prop 'tls\.certificateAuthorityArn': must look like arn:aws:acm-pca/,
      ],
      [
        'an undefined backend',
        { spec: spec('api', 8080, { backends: [undefined as never] }) },
        /invalid prop 'spec\.backends\[0\]': must be a Service Connect server .* got undefined/,
      ],
    ])('%s', (_label, overrides, message) => {
      expect(build(overrides as never)).toThrow(new RegExp(`ServiceConnectService 'test/Api': ${message.source}`));
    });

    test('a client-only backend, and a backend of another namespace', () => {
      const stack = newStack();
      const platform = serviceConnectPlatformIn(stack);
      const web = new ServiceConnectService(stack, 'Web', { platform, clientOnly: true, spec: spec('web', 8080) });
      expect(() => new ServiceConnectService(stack, 'A', { platform, spec: spec('a', 8080, { backends: [web] }) })).toThrow(
        /invalid prop 'spec\.backends\[0\]': 'web' is a client-only service: it has no endpoint to call/,
      );
      const elsewhere = ServiceConnectService.fromServerAttributes(stack, 'Elsewhere', {
        serviceName: 'billing',
        namespaceArn: 'arn:aws:servicediscovery:eu-west-1:111122223333:namespace/ns-other',
        clientAlias: { dnsName: 'billing', port: 9000 },
      });
      const imported = {
        ...platform,
        namespace: { ...platform.namespace, namespaceArn: 'arn:aws:servicediscovery:eu-west-1:111122223333:namespace/ns-mine' },
      };
      expect(
        () => new ServiceConnectService(stack, 'B', { platform: imported as never, spec: spec('b', 8080, { backends: [elsewhere] }) }),
      ).toThrow(/invalid prop 'spec\.backends\[0\]': 'billing' is in another namespace/);
    });

    test('two services of one name in one namespace', () => {
      const stack = newStack();
      const platform = serviceConnectPlatformIn(stack);
      new ServiceConnectService(stack, 'First', { platform, spec: spec('api', 8080) });
      expect(() => new ServiceConnectService(stack, 'Second', { platform, spec: spec('api', 8081) })).toThrow(
        /ServiceConnectService 'test\/Second': invalid prop 'spec\.name': 'api' is already the name of ServiceConnectService 'test\/First' in this namespace/,
      );
    });

    test('an image from a public registry needs no repository and no ECR permission', () => {
      const stack = newStack();
      new ServiceConnectService(stack, 'Api', {
        platform: serviceConnectPlatformIn(stack),
        spec: spec('api', 8080, { image: ServiceImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27') }),
      });
      const json = synthJson(stack, true);
      expect(resources(json, 'aws_ecr_repository')).toEqual([]);
      const execution = JSON.parse(under(json, 'aws_iam_role_policy', 'Api_ExecutionRole')[0].policy);
      expect(execution.Statement.map((s: any) => s.Sid)).toEqual(['WriteLogs']);
    });
  });
});
