import { ContainerHealthCheck, HttpProbeRuntime } from '../../../modules/ecs/container-health-check';
import { OtelCollectorSidecar } from '../../../modules/service-connect/otel-collector-sidecar';
import { READINESS_GATE_IMAGE } from '../../../modules/service-connect/readiness-gate';
import {
  ServiceConnectTaskDefinition,
  type ServiceConnectTaskDefinitionProps,
} from '../../../modules/service-connect/service-connect-task-definition';
import { newStack, onlyResource, synthJson } from '../fixture';

const COLLECTOR = OtelCollectorSidecar.awsDistro({
  configuration: { extensions: { health_check: { endpoint: '127.0.0.1:13133' } }, service: { extensions: ['health_check'] } },
  healthCheckPort: 13133,
});

function props(overrides: Partial<ServiceConnectTaskDefinitionProps> = {}): ServiceConnectTaskDefinitionProps {
  return {
    family: 'dev-ev-api',
    appContainerName: 'api-service',
    appImage: 'public.ecr.aws/nginx/nginx:1.27',
    appPort: 8080,
    portName: 'api',
    size: { cpu: 512, memory: 1024 },
    logGroupName: '/ecs/api',
    region: 'eu-west-1',
    logStreamPrefix: 'api',
    executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
    taskRoleArn: 'arn:aws:iam::111122223333:role/task',
    ...overrides,
  };
}

function containersOf(overrides: Partial<ServiceConnectTaskDefinitionProps> = {}): any[] {
  const stack = newStack();
  new ServiceConnectTaskDefinition(stack, 'Task', props(overrides));
  return JSON.parse(onlyResource(synthJson(stack), 'aws_ecs_task_definition').container_definitions);
}

describe('ServiceConnectTaskDefinition', () => {
  test('the app alone: a named http port mapping, no proxy configuration, Fargate in awsvpc mode, revisions kept', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const task = new ServiceConnectTaskDefinition(stack, 'Task', props());
    // THEN
    const resource = onlyResource(synthJson(stack), 'aws_ecs_task_definition');
    expect(resource).toMatchObject({
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      skip_destroy: true,
    });
    expect(resource).not.toHaveProperty('proxy_configuration');
    const [app, ...others] = JSON.parse(resource.container_definitions);
    expect(others).toEqual([]);
    expect(app).toMatchObject({
      name: 'api-service',
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ name: 'api', containerPort: 8080, protocol: 'tcp', appProtocol: 'http' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-stream-prefix': 'awslogs-api' } },
    });
    expect(app).not.toHaveProperty('dependsOn');
    expect(task.portName).toBe('api');
    expect(task.appSize).toEqual({ cpu: 256, memory: 960 });
  });

  test('with a health check: a readiness gate that starts once the app is HEALTHY, exits at once and is not essential', () => {
    const [app, gate] = containersOf({ appHealthCheck: ContainerHealthCheck.http({ path: '/health', runtime: HttpProbeRuntime.CURL }) });
    expect(app.healthCheck.command).toEqual(['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/health']);
    expect(gate).toEqual({
      name: 'readiness-gate',
      image: READINESS_GATE_IMAGE,
      essential: false,
      command: ['true'],
      cpu: 0,
      user: '65534',
      readonlyRootFilesystem: true,
      portMappings: [],
      dependsOn: [{ containerName: 'api-service', condition: 'HEALTHY' }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'awslogs-gate-api' },
      },
    });
  });

  test('with a collector: pinned image, configuration as JSON, health check on its extension port, non-root, not essential', () => {
    const [app, collector] = containersOf({ collector: COLLECTOR });
    expect(collector).toMatchObject({
      name: 'otel-collector',
      image: expect.stringMatching(/^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v\d+\.\d+\.\d+$/),
      essential: false,
      cpu: 64,
      memory: 128,
      user: '10001',
      readonlyRootFilesystem: true,
      healthCheck: { command: ['CMD', '/healthcheck', '--port=13133'] },
    });
    expect(JSON.parse(collector.environment[0].value)).toEqual({
      extensions: { health_check: { endpoint: '127.0.0.1:13133' } },
      service: { extensions: ['health_check'] },
    });
    expect(app.dependsOn).toEqual([{ containerName: 'otel-collector', condition: 'HEALTHY' }]);
    expect(app).toMatchObject({ cpu: 512 - 256 - 64, memoryReservation: 1024 - 64 - 128 });
  });

  test('a larger proxy headroom (AWS: 512 CPU units above 500 requests per second) comes out of the app', () => {
    const [app] = containersOf({ size: { cpu: 1024, memory: 2048 }, proxyHeadroom: { cpu: 512, memory: 128 } });
    expect(app).toMatchObject({ cpu: 512, memoryReservation: 1920 });
  });

  test.each([
    ['portName', { portName: '-api' }, /invalid prop 'portName': must be 1-64 lower-case letters/],
    ['appPort', { appPort: 0 }, /invalid prop 'appPort': must be an integer from 1 to 65535, got 0/],
    ['size', { size: { cpu: 300, memory: 1024 } }, /invalid prop 'size\.cpu': Fargate offers 256, 512/],
    [
      'proxyHeadroom',
      { proxyHeadroom: { cpu: 256, memory: 32 } },
      /invalid prop 'proxyHeadroom\.memory': AWS recommends at least 256 CPU units and 64 MiB/,
    ],
    [
      'collector',
      { size: { cpu: 256, memory: 512 }, collector: COLLECTOR },
      /invalid prop 'size\.cpu': 256 CPU units leave none for the app after the proxy's headroom \(256, proxyHeadroom\.cpu\) and the sidecars' 64 \(collector\)/,
    ],
    [
      'appEnvironment',
      { appEnvironment: { API_TOKEN: 'x' } },
      /invalid prop 'appEnvironment\.API_TOKEN': looks like a secret; pass it in appSecrets instead/,
    ],
  ])('rejects a bad %s, named as written', (_prop, overrides, message) => {
    expect(
      () => new ServiceConnectTaskDefinition(newStack(), 'Task', props(overrides as Partial<ServiceConnectTaskDefinitionProps>)),
    ).toThrow(new RegExp(`ServiceConnectTaskDefinition 'test/Task': ${message.source}`));
  });
});
