import { Testing } from 'cdktf';
import { ENVIRONMENTS, environmentConfig, serviceSettings } from '../../config/environments';
import { DATA_INGESTION, DATA_PROCESSING } from '../../contract/services';
import { DataPipelineStack } from '../../modules/data-pipeline-stack';

describe('environments', () => {
  test.each(Object.keys(ENVIRONMENTS))('%s synthesizes with validations and without retry-budget warnings', (name) => {
    // GIVEN
    const config = environmentConfig(name);
    // WHEN
    const stack = new DataPipelineStack(Testing.app(), `ev-pipeline-${name}`, { config });
    const json = JSON.parse(Testing.synth(stack, true));
    // THEN
    const tasks = Object.values(json.resource.aws_ecs_task_definition as Record<string, { cpu: string; family: string }>);
    expect(tasks.map((t) => t.cpu)).toEqual(
      [DATA_INGESTION.name, DATA_PROCESSING.name].map((s) => String(serviceSettings(config, s).taskDefinition.cpu)),
    );
    expect(tasks.every((t) => t.family.startsWith(`${name}-`))).toBe(true);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === '@cdktf/warn');
    expect(warnings).toEqual([]);
  });

  test('service ports come from the contract', () => {
    for (const config of Object.values(ENVIRONMENTS)) {
      expect(serviceSettings(config, DATA_INGESTION.name).appPort).toBe(DATA_INGESTION.port);
      expect(serviceSettings(config, DATA_PROCESSING.name).appPort).toBe(DATA_PROCESSING.port);
    }
  });

  test('every environment with the cache runs it with failover and Multi-AZ over two nodes', () => {
    const nodes = (name: string) => {
      const stack = new DataPipelineStack(Testing.app(), `s-${name}`, { config: environmentConfig(name) });
      return Object.values(JSON.parse(Testing.synth(stack)).resource.aws_elasticache_replication_group as Record<string, any>)[0];
    };
    for (const name of ['prd', 'dev']) expect(nodes(name)).toMatchObject({ num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: true });
  });

  test('an unknown environment names the known ones', () => {
    expect(() => environmentConfig('qa')).toThrow(/config: unknown environment 'qa'; known: dev, prd/);
  });

  test('a missing service names the environment and the service', () => {
    expect(() => serviceSettings(ENVIRONMENTS.dev, 'alerting')).toThrow(/config 'dev': no settings for service 'alerting'/);
  });
});
