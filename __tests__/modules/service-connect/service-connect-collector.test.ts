import { ADOT_COLLECTOR_CONFIG, COLLECTOR_HEALTH_CHECK_PORT } from '../../../contract/tracing';
import { OtelCollectorSidecar, XRAY_EXPORTER_STATEMENTS } from '../../../modules/service-connect/otel-collector-sidecar';

const LOGGING = { logGroupName: '/ecs/api', region: 'eu-west-1', streamPrefix: 'awslogs-otel-api' };

describe('OtelCollectorSidecar', () => {
  test("renders the contract's ADOT configuration as AOT_CONFIG_CONTENT, probed on its health_check port", () => {
    // GIVEN
    const collector = OtelCollectorSidecar.awsDistro({
      configuration: ADOT_COLLECTOR_CONFIG,
      healthCheckPort: COLLECTOR_HEALTH_CHECK_PORT,
    });
    // WHEN
    const container = collector.render('owner', 'collector', LOGGING);
    // THEN
    expect(container.environment).toEqual([{ name: 'AOT_CONFIG_CONTENT', value: JSON.stringify(ADOT_COLLECTOR_CONFIG) }]);
    expect(container.healthCheck?.command).toEqual(['CMD', '/healthcheck', `--port=${COLLECTOR_HEALTH_CHECK_PORT}`]);
    expect(collector.size).toEqual({ cpu: 64, memory: 128 });
    expect(collector.taskRoleStatements).toBe(XRAY_EXPORTER_STATEMENTS);
  });

  test('sizes, image, user and permissions are props', () => {
    const collector = OtelCollectorSidecar.awsDistro({
      configuration: { service: { extensions: ['health_check'] } },
      healthCheckPort: 13133,
      image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
      cpu: 128,
      memoryMiB: 256,
      user: '2000',
      taskRoleStatements: [],
    });
    expect(collector.render('owner', 'collector', LOGGING)).toMatchObject({
      image: expect.stringMatching(/v0\.40\.0$/),
      cpu: 128,
      memory: 256,
      user: '2000',
    });
    expect(collector.taskRoleStatements).toEqual([]);
  });

  test.each([
    [
      'a configuration without a health_check extension (the app would wait forever)',
      { configuration: { service: { extensions: [] } }, healthCheckPort: 13133 },
      /invalid prop 'collector\.configuration\.service\.extensions': must enable a health_check extension/,
    ],
    [
      'a health check port the extension does not listen on',
      { configuration: ADOT_COLLECTOR_CONFIG, healthCheckPort: 13134 },
      /invalid prop 'collector\.healthCheckPort': is 13134, but the health_check extension listens on 13133/,
    ],
    [
      'a configuration that is not an object',
      { configuration: 'receivers: {}' as never, healthCheckPort: 13133 },
      /invalid prop 'collector\.configuration': must be a collector configuration object/,
    ],
    [
      'a memory limit too small to run',
      { configuration: ADOT_COLLECTOR_CONFIG, healthCheckPort: 13133, memoryMiB: 4 },
      /invalid prop 'collector\.memoryMiB': must be an integer from 6/,
    ],
  ])('rejects %s', (_case, props, message) => {
    expect(() => OtelCollectorSidecar.awsDistro(props).render('Owner', 'collector', LOGGING)).toThrow(
      new RegExp(`Owner: ${message.source}`),
    );
  });
});
