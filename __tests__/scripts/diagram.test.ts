import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { label, mermaidFlowchart, nodeId } from '../../scripts/diagram/mermaid';
import { readSection, replaceSection, SECTION_END, SECTION_START } from '../../scripts/diagram/readme-section';
import { serviceGraph } from '../../scripts/diagram/service-graph';
import { stackDiagrams } from '../../scripts/diagram/stack-diagrams';
import type { TerraformJson } from '../../scripts/diagram/terraform-json';
import { tempDir } from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');

let outdir: string;
beforeAll(() => {
  // GIVEN a fresh synthesis of the app, with the defaults npm run diagram uses
  outdir = tempDir('diagram-synth-');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CDKTF_') && name !== 'EV_PIPELINE_ENV'));
  const run = spawnSync(process.execPath, ['scripts/synth.cjs', '--output', outdir], { cwd: ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`synth failed\n${run.stdout}\n${run.stderr}`);
}, 120_000);
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const stackJson = (name: string): TerraformJson => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));

describe("the README's service graph", () => {
  test('is the drawing of the current synthesis, not a pasted copy (run npm run diagram when this fails)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readSection(readme)).toBe(stackDiagrams(outdir).trim());
  });
});

describe('the service graph of the App Mesh stack', () => {
  const graph = () => serviceGraph(stackJson('ev-pipeline-dev'));
  const nameOf = (id: string) => graph().services.find((service) => service.id === id)?.name;

  test('ingestion calls processing through the route with the retry policy and the timeout', () => {
    const calls = graph().calls.map((call) => ({ from: nameOf(call.from), to: nameOf(call.to), terms: call.terms }));
    expect(calls).toEqual([
      {
        from: 'data-ingestion',
        to: 'data-processing',
        terms: [
          'route dev-ev-pipeline-data-processing-service',
          '12 retries, 5 s per try, on gateway-error, connection-error',
          'timeout 70 s per request',
        ],
      },
    ]);
  });

  test('the route to ingestion, which no service of the stack calls, is drawn from outside', () => {
    expect(graph().inboundRoutes.map((route) => [nameOf(route.to), route.terms])).toEqual([
      ['data-ingestion', ['route dev-ev-pipeline-data-ingestion-service', 'no retries', 'timeout 70 s per request']],
    ]);
  });

  test('services carry their listener timeout, outlier detection and retry mode', () => {
    const processing = graph().services.find((service) => service.name === 'data-processing');
    expect(processing?.details).toEqual([
      'App Mesh node, port 3001',
      'listener timeout 70 s',
      'ejected 30 s after 5 5xx in 10 s',
      'RETRY_MODE mesh',
    ]);
  });

  test('the retry queue dead-letters after 8 receives; the alarms watch the DLQ and processing and notify one topic', () => {
    const { stores, redrives, alarms, topics, uses } = graph();
    const storeName = (id: string) => stores.find((store) => store.id === id)?.name ?? nameOf(id);
    expect(redrives.map((r) => [storeName(r.from), storeName(r.to), r.maxReceiveCount])).toEqual([
      ['dev-ev-pipeline-retry', 'dev-ev-pipeline-retry-dlq', 8],
    ]);
    expect(alarms.map((alarm) => [alarm.name, alarm.condition, alarm.watches.map(storeName), alarm.notifies])).toEqual([
      ['dev-ev-pipeline-dead-letters', 'ApproximateNumberOfMessagesVisible > 0', ['dev-ev-pipeline-retry-dlq'], [topics[0].id]],
      ['dev-ev-pipeline-data-processing-failure-rate', '100 * errors / MAX([errors, requests]) > 5', ['data-processing'], [topics[0].id]],
      // One memory alarm per cache node (its dimension is the node, which the graph does not draw).
      ['dev-ev-pipeline-cache-memory-001', 'DatabaseMemoryUsagePercentage > 80', [], [topics[0].id]],
      ['dev-ev-pipeline-cache-memory-002', 'DatabaseMemoryUsagePercentage > 80', [], [topics[0].id]],
    ]);
    expect(uses.filter((use) => nameOf(use.from) === 'data-ingestion').map((use) => [use.variable, storeName(use.to)])).toEqual([
      ['REDIS_URL', 'dev-ev-pipeline-shared-state'],
      ['RETRY_QUEUE_URL', 'dev-ev-pipeline-retry'],
    ]);
  });
});

/** Two ECS services on Service Connect, as hashicorp/aws 5.100's aws_ecs_service renders them. */
function serviceConnectStack(clientUrl: string, alias: Record<string, unknown>, timeout?: Record<string, number>): TerraformJson {
  const task = (name: string, environment: { name: string; value: string }[]) => ({
    container_definitions: JSON.stringify([
      { name, environment, portMappings: [{ containerPort: 3001, name: 'http', appProtocol: 'http' }] },
    ]),
  });
  return {
    variable: { env: { default: 'dev' } },
    resource: {
      aws_service_discovery_http_namespace: { Namespace: { name: 'pipeline-${var.env}' } },
      aws_ecs_task_definition: {
        ClientTask: task('client', [
          { name: 'DATA_PROCESSING_URL', value: clientUrl },
          { name: 'RETRY_MODE', value: 'app' },
        ]),
        ServerTask: task('server', []),
      },
      aws_ecs_service: {
        Client: {
          name: 'data-ingestion',
          task_definition: '${aws_ecs_task_definition.ClientTask.arn}',
          service_connect_configuration: { enabled: true, namespace: '${aws_service_discovery_http_namespace.Namespace.arn}' },
        },
        Server: {
          name: 'data-processing',
          task_definition: '${aws_ecs_task_definition.ServerTask.arn}',
          service_connect_configuration: {
            enabled: true,
            namespace: '${aws_service_discovery_http_namespace.Namespace.arn}',
            service: [{ port_name: 'http', discovery_name: 'data-processing', client_alias: alias, timeout }],
          },
        },
      },
    },
  };
}

describe('the service graph of a Service Connect stack', () => {
  const callsOf = (json: TerraformJson) => serviceGraph(json).calls.map((call) => [call.from, call.to, call.terms]);

  test("a client calls a server when its environment holds a URL to the server's client alias", () => {
    const json = serviceConnectStack(
      'http://data-processing:3001/ev',
      { port: 3001, dns_name: 'data-processing' },
      {
        per_request_timeout_seconds: 70,
        idle_timeout_seconds: 300,
      },
    );
    expect(callsOf(json)).toEqual([
      [
        'aws_ecs_service.Client',
        'aws_ecs_service.Server',
        ['Service Connect data-processing:3001', 'timeout 70 s per request', 'idle timeout 300 s'],
      ],
    ]);
    const graph = serviceGraph(json);
    expect(graph.services.map((service) => [service.name, service.details])).toEqual([
      ['data-ingestion', ['Service Connect client', 'RETRY_MODE app']],
      ['data-processing', ['Service Connect, port 3001']],
    ]);
  });

  test('an alias without a DNS name answers at <discovery name>.<namespace>', () => {
    const json = serviceConnectStack('http://data-processing.pipeline-dev:3001/ev', { port: 3001 });
    expect(callsOf(json)).toEqual([
      [
        'aws_ecs_service.Client',
        'aws_ecs_service.Server',
        ['Service Connect data-processing.pipeline-dev:3001', 'per-request timeout: AWS default'],
      ],
    ]);
  });

  test('a URL to another port or another host is not a call', () => {
    expect(callsOf(serviceConnectStack('http://data-processing:30011/ev', { port: 3001, dns_name: 'data-processing' }))).toEqual([]);
    expect(callsOf(serviceConnectStack('http://data-processing-2:3001/ev', { port: 3001, dns_name: 'data-processing' }))).toEqual([]);
  });
});

describe('the Mermaid drawing', () => {
  test('one flowchart per stack of the output directory, in the order of its manifest', () => {
    // GIVEN an output directory with two stacks
    const dir = tempDir('diagram-stacks-');
    try {
      const manifest = { stacks: {} as Record<string, unknown>, version: '0.21.0' };
      for (const name of ['app-mesh', 'service-connect']) {
        mkdirSync(join(dir, 'stacks', name), { recursive: true });
        const json =
          name === 'app-mesh'
            ? stackJson('ev-pipeline-dev')
            : serviceConnectStack('http://data-processing:3001/ev', { port: 3001, dns_name: 'data-processing' });
        writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
        manifest.stacks[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
      }
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      // WHEN
      const markdown = stackDiagrams(dir);
      // THEN
      expect([...markdown.matchAll(/^#### Stack `([^`]+)`\n\n```mermaid\nflowchart LR\n/gm)].map((m) => m[1])).toEqual([
        'app-mesh',
        'service-connect',
      ]);
      expect(markdown.match(/^```$/gm)).toHaveLength(2);
      expect(markdown).toMatch(
        /aws_ecs_service_Client -->\|"Service Connect data-processing:3001<br\/>per-request timeout: AWS default"\| aws_ecs_service_Server/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every node is declared once with its shape, and every edge joins declared nodes', () => {
    const chart = mermaidFlowchart(serviceGraph(stackJson('ev-pipeline-dev')));
    const declared = [...chart.matchAll(/^ {2}([A-Za-z0-9_]+)(\[\(|\{\{|\(\[|\[|>)"/gm)].map((m) => m[1]);
    expect(new Set(declared).size).toBe(declared.length);
    const edges = [...chart.matchAll(/^ {2}([A-Za-z0-9_]+) (-->|-\.->)\|"[^"]*"\| ([A-Za-z0-9_]+)$/gm)];
    expect(edges.length).toBe(chart.split('\n').length - 1 - declared.length);
    for (const [, from, , to] of edges) expect([from, to].every((id) => declared.includes(id))).toBe(true);
    expect(chart).toMatch(/^ {2}aws_sqs_queue_RetryQueue_612A9E52\[\("dev-ev-pipeline-retry<br\/>SQS/m);
    expect(chart).toMatch(/^ {2}aws_cloudwatch_metric_alarm_DeadLetterAlarm_BB7AE56D\{\{"alarm dev-ev-pipeline-dead-letters/m);
  });

  test('labels escape what Mermaid would read as syntax; ids keep letters, digits and underscores', () => {
    expect(label(['a "quoted" <b> | #1', 'second'])).toBe('"a #quot;quoted#quot; #lt;b#gt; #124; #35;1<br/>second"');
    expect(nodeId('aws_ecs_service.Data-Ingestion')).toBe('aws_ecs_service_Data_Ingestion');
  });
});

describe("the README's section markers", () => {
  test('the section between the markers is replaced as a whole, the rest kept', () => {
    const readme = `intro\n${SECTION_START}\nold\n${SECTION_END}\noutro\n`;
    const updated = replaceSection(readme, 'new');
    expect(updated).toBe(`intro\n${SECTION_START}\n\nnew\n\n${SECTION_END}\noutro\n`);
    expect(readSection(updated)).toBe('new');
  });

  test('a README without the markers is an error, not a silent append', () => {
    expect(() => replaceSection('no markers', 'x')).toThrow(/README has no section between/);
  });
});
