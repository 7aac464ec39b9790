import { Testing } from 'cdktf';
import { AppSecret } from '../../../modules/ecs/app-secret';
import { ContainerHealthCheck, HttpProbeRuntime } from '../../../modules/ecs/container-health-check';
import { EnvoyImage } from '../../../modules/app-mesh/envoy-image';
import { ENVOY_UID, MeshedTaskDefinition, type MeshedTaskDefinitionProps } from '../../../modules/app-mesh/meshed-task-definition';
import type { MeshedTaskSize } from '../../../modules/app-mesh/sidecar-size';
import { newStack, onlyResource, synthJson } from '../fixture';

Testing.setupJest();

const SIZE: MeshedTaskSize = { cpu: 512, memory: 1024, envoyCpu: 128, envoyMemory: 256, xrayCpu: 32, xrayMemory: 64 };

function taskDefinition(overrides: Partial<MeshedTaskDefinitionProps> = {}) {
  const stack = newStack();
  const task = new MeshedTaskDefinition(stack, 'Task', {
    family: 'dev-ev-data-processing-service',
    appContainerName: 'data-processing-service',
    appImage: 'repo/data-processing:1.0.0',
    appPort: 3001,
    size: SIZE,
    virtualNodeArn: 'arn:aws:appmesh:ap-northeast-1:111122223333:mesh/m/virtualNode/n',
    envoyImage: EnvoyImage.appMeshRegional({ region: 'ap-northeast-1', partition: 'aws' }),
    logGroupName: '/ecs/dev-ev/data-processing',
    region: 'ap-northeast-1',
    logStreamPrefix: 'data-processing',
    executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
    taskRoleArn: 'arn:aws:iam::111122223333:role/task',
    ...overrides,
  });
  const resource = onlyResource(synthJson(stack), 'aws_ecs_task_definition');
  const containers = JSON.parse(resource.container_definitions);
  const byName = (name: string) => containers.find((c: { name: string }) => c.name === name);
  return { task, resource, containers, app: byName('data-processing-service'), envoy: byName('envoy'), xray: byName('xray-daemon') };
}

describe('MeshedTaskDefinition', () => {
  test('is a Fargate awsvpc task with the APPMESH proxy configuration, kept when replaced', () => {
    const { resource } = taskDefinition();
    expect(resource).toMatchObject({
      family: 'dev-ev-data-processing-service',
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      execution_role_arn: 'arn:aws:iam::111122223333:role/exec',
      task_role_arn: 'arn:aws:iam::111122223333:role/task',
      skip_destroy: true,
      proxy_configuration: {
        type: 'APPMESH',
        container_name: 'envoy',
        properties: {
          AppPorts: '3001',
          EgressIgnoredIPs: '169.254.170.2,169.254.169.254',
          IgnoredUID: '1337',
          ProxyEgressPort: '15001',
          ProxyIngressPort: '15000',
          EgressIgnoredPorts: '22',
        },
      },
    });
  });

  test('runs the app, Envoy and the X-Ray daemon in that order', () => {
    const { containers } = taskDefinition();
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['data-processing-service', 'envoy', 'xray-daemon']);
  });

  test('the app waits for a HEALTHY Envoy with dependsOn, read-only, with exactly the environment given and no assumed user or health check', () => {
    const { app } = taskDefinition({ appEnvironment: { RETRY_MODE: 'mesh', APP_PORT: '3001' } });
    expect(app.dependsOn).toEqual([{ containerName: 'envoy', condition: 'HEALTHY' }]);
    expect(app).not.toHaveProperty('depends_on');
    expect(app).not.toHaveProperty('user');
    expect(app).not.toHaveProperty('healthCheck');
    expect(app.readonlyRootFilesystem).toBe(true);
    expect(app.essential).toBe(true);
    expect(app.image).toBe('repo/data-processing:1.0.0');
    expect(app.environment).toEqual([
      { name: 'APP_PORT', value: '3001' },
      { name: 'RETRY_MODE', value: 'mesh' },
    ]);
    expect(app.portMappings).toEqual([{ containerPort: 3001, protocol: 'tcp' }]);
    expect(app.cpu).toBe(512 - 128 - 32);
    expect(app.memoryReservation).toBe(1024 - 256 - 64);
    expect(app.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': '/ecs/dev-ev/data-processing',
        'awslogs-region': 'ap-northeast-1',
        'awslogs-stream-prefix': 'awslogs-data-processing',
      },
    });
  });

  test('runs the app as the given user with the given health check, probing its port', () => {
    const { app } = taskDefinition({
      appUser: '1000:1000',
      appHealthCheck: ContainerHealthCheck.http({ path: '/health-check', runtime: HttpProbeRuntime.NODE }),
    });
    expect(app.user).toBe('1000:1000');
    expect(app.healthCheck).toEqual({
      command: ['CMD', 'node', '-e', expect.stringContaining("fetch('http://127.0.0.1:3001/health-check')")],
      interval: 20,
      retries: 5,
      startPeriod: 10,
      timeout: 5,
    });
  });

  test('passes secrets as ECS secrets, sorted by name, never as environment', () => {
    const { task, app } = taskDefinition({
      appSecrets: {
        DB_PASSWORD: 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:db-AbCdEf:password::',
        API_TOKEN: AppSecret.fromSsmParameter('arn:aws:ssm:ap-northeast-1:111122223333:parameter/api/token'),
      },
    });
    expect(app.secrets).toEqual([
      { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:ap-northeast-1:111122223333:parameter/api/token' },
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:db-AbCdEf:password::' },
    ]);
    expect(app.environment).toEqual([]);
    expect(task.secrets.map((secret) => secret.resourceArn)).toEqual([
      'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:db-AbCdEf',
      'arn:aws:ssm:ap-northeast-1:111122223333:parameter/api/token',
    ]);
  });

  test('keeps no old revision when asked', () => {
    expect(taskDefinition({ retainRevisions: false }).resource.skip_destroy).toBe(false);
  });

  test('Envoy: regional App Mesh image, its node ARN, LIVE health check, UID 1337, sizes', () => {
    const { envoy } = taskDefinition();
    expect(envoy).toEqual({
      name: 'envoy',
      image: '840364872350.dkr.ecr.ap-northeast-1.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod',
      essential: true,
      cpu: 128,
      memory: 256,
      environment: [
        { name: 'APPMESH_RESOURCE_ARN', value: 'arn:aws:appmesh:ap-northeast-1:111122223333:mesh/m/virtualNode/n' },
        { name: 'ENVOY_LOG_LEVEL', value: 'info' },
        { name: 'ENVOY_INITIAL_FETCH_TIMEOUT', value: '30' },
        { name: 'ENABLE_ENVOY_XRAY_TRACING', value: '1' },
      ],
      portMappings: [
        { protocol: 'tcp', containerPort: 9901 },
        { protocol: 'tcp', containerPort: 15000 },
        { protocol: 'tcp', containerPort: 15001 },
      ],
      healthCheck: {
        command: ['CMD-SHELL', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'],
        interval: 5,
        retries: 3,
        startPeriod: 60,
        timeout: 2,
      },
      user: String(ENVOY_UID),
      readonlyRootFilesystem: false,
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/dev-ev/data-processing',
          'awslogs-region': 'ap-northeast-1',
          'awslogs-stream-prefix': 'awslogs-envoy-data-processing',
        },
      },
    });
  });

  test('X-Ray daemon: UDP 2000, UID 1337, not essential, soft memory limit', () => {
    const { xray } = taskDefinition();
    expect(xray).toMatchObject({
      image: 'public.ecr.aws/xray/aws-xray-daemon:3.7.0',
      essential: false,
      cpu: 32,
      memoryReservation: 64,
      portMappings: [{ hostPort: 2000, containerPort: 2000, protocol: 'udp' }],
      user: '1337',
    });
    expect(xray.logConfiguration.options['awslogs-stream-prefix']).toBe('awslogs-xray-data-processing');
  });

  test('adds environment, egress-ignored ports and writable bind mounts when asked', () => {
    const { app, resource } = taskDefinition({
      appEnvironment: { DATA_PROCESSING_URL: 'http://p:3001/ev' },
      egressIgnoredPorts: [22, 443],
      appWritableDirectories: ['/app/data'],
    });
    expect(app.environment).toContainEqual({ name: 'DATA_PROCESSING_URL', value: 'http://p:3001/ev' });
    expect(resource.proxy_configuration.properties.EgressIgnoredPorts).toBe('22,443');
    expect(resource.volume).toEqual([{ name: 'writable-0' }]);
    expect(app.mountPoints).toEqual([{ sourceVolume: 'writable-0', containerPath: '/app/data', readOnly: false }]);
  });

  describe('rejects props that cannot work', () => {
    test.each([
      [{ ...SIZE, cpu: 300 }, /'size\.cpu': Fargate offers 256, 512, .* CPU units, got 300/],
      [{ ...SIZE, cpu: 256, memory: 4096 }, /'size\.memory': Fargate offers 512-2048 MiB \(3 sizes\) with 256 CPU units, got 4096/],
      [{ ...SIZE, cpu: 1024, memory: 1024 }, /'size\.memory'.*2048-8192 MiB/],
      [{ ...SIZE, envoyCpu: 512 }, /'size\.envoyCpu \+ size\.xrayCpu': 544 leaves no CPU of the task's 512/],
      [{ ...SIZE, envoyMemory: 2048 }, /'size\.envoyMemory \+ size\.xrayMemory'.*no memory/],
      [{ ...SIZE, envoyCpu: 256, xrayCpu: 256 }, /'size\.envoyCpu \+ size\.xrayCpu'.*no CPU/],
      [{ ...SIZE, xrayCpu: 0 }, /'size\.xrayCpu': must be an integer from 1/],
    ])('size %p', (size, message) => {
      expect(() => taskDefinition({ size })).toThrow(new RegExp(`MeshedTaskDefinition 'test/Task': invalid prop ${message.source}`));
    });

    test('an app port out of range', () => {
      expect(() => taskDefinition({ appPort: 0 })).toThrow(/MeshedTaskDefinition.*'appPort'/);
    });

    test('an egress-ignored port out of range', () => {
      expect(() => taskDefinition({ egressIgnoredPorts: [70_000] })).toThrow(/MeshedTaskDefinition.*'egressIgnoredPorts'/);
    });

    test('a secret-like environment variable (FSBP ECS.8)', () => {
      expect(() => taskDefinition({ appEnvironment: { DB_PASSWORD: 'x' } })).toThrow(
        /MeshedTaskDefinition 'test\/Task': invalid prop 'appEnvironment\.DB_PASSWORD': looks like a secret; pass it in appSecrets instead/,
      );
    });

    test('a secret whose store cannot be read from its ARN', () => {
      expect(() => taskDefinition({ appSecrets: { DB: 'db-password' } })).toThrow(/'appSecrets\.DB': must be a Secrets Manager secret ARN/);
    });

    test('a relative writable directory', () => {
      expect(() => taskDefinition({ appWritableDirectories: ['tmp'] })).toThrow(/MeshedTaskDefinition.*'appWritableDirectories'/);
    });
  });
});
