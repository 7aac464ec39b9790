import { Testing } from 'cdktf';
import { DATA_INGESTION, DATA_PROCESSING } from '../../contract/services';
import { DataPipelineStack } from '../../pipeline/data-pipeline-stack';
import { ENVIRONMENTS, environmentConfig, serviceSettings } from '../../pipeline/environments';

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
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === '@cdktf/warn');
    expect(warnings).toEqual([]);
  });

  test.each(Object.keys(ENVIRONMENTS))('%s: service ports come from the contract (APP_PORT and listener)', (name) => {
    const json = JSON.parse(Testing.synth(new DataPipelineStack(Testing.app(), `s-${name}`, { config: environmentConfig(name) })));
    const nodes = Object.values(json.resource.aws_appmesh_virtual_node as Record<string, any>);
    expect(nodes.map((n) => n.spec.listener[0].port_mapping.port).sort()).toEqual([DATA_INGESTION.port, DATA_PROCESSING.port]);
    const appPorts = Object.values(json.resource.aws_ecs_task_definition as Record<string, any>).map(
      (t) => JSON.parse(t.container_definitions)[0].environment.find((e: { name: string }) => e.name === 'APP_PORT').value,
    );
    expect(appPorts.sort()).toEqual([String(DATA_INGESTION.port), String(DATA_PROCESSING.port)]);
  });

  test('every environment with the cache runs it with failover and Multi-AZ over two nodes', () => {
    const nodes = (name: string) => {
      const stack = new DataPipelineStack(Testing.app(), `s-${name}`, { config: environmentConfig(name) });
      return Object.values(JSON.parse(Testing.synth(stack)).resource.aws_elasticache_replication_group as Record<string, any>)[0];
    };
    for (const name of ['prd', 'dev'])
      expect(nodes(name)).toMatchObject({ num_cache_clusters: 2, automatic_failover_enabled: true, multi_az_enabled: true });
  });

  test('an unknown environment names the known ones', () => {
    expect(() => environmentConfig('qa')).toThrow(/config: unknown environment 'qa'; known: dev, prd/);
  });

  test('a missing service names the environment and the service', () => {
    expect(() => serviceSettings(ENVIRONMENTS.dev, 'alerting')).toThrow(/config 'dev': no settings for service 'alerting'/);
  });
});
