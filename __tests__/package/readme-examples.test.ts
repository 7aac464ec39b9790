import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { InvoicesStack } from '../../modules/examples/existing-estate';
import { ShopMeshStack } from '../../modules/examples/shop-mesh';
import { testCanarySplit } from '../../modules/examples/testing';

const MODULES = resolve(__dirname, '..', '..', 'modules');
const README = readFileSync(join(MODULES, 'README.md'), 'utf8');

/** The ```ts blocks of the README, each with the example file its marker names (undefined: no marker). */
function typescriptBlocks(): { file: string | undefined; code: string }[] {
  const blocks: { file: string | undefined; code: string }[] = [];
  const fence = /(?:<!-- example: (\S+) -->\n\n?)?```ts\n([\s\S]*?)\n```/g;
  for (let match = fence.exec(README); match; match = fence.exec(README)) blocks.push({ file: match[1], code: match[2]! });
  return blocks;
}

describe("the library's README", () => {
  test('every TypeScript block is an example file, word for word, and every example file is shown', () => {
    const blocks = typescriptBlocks();
    expect(blocks.filter((block) => block.file === undefined)).toEqual([]);
    for (const { file, code } of blocks) {
      expect({ file, code }).toEqual({ file, code: readFileSync(join(MODULES, file!), 'utf8').trimEnd() });
    }
    const examples = readdirSync(join(MODULES, 'examples')).filter((name) => name.endsWith('.ts'));
    expect(blocks.map((block) => block.file).sort()).toEqual(examples.map((name) => `examples/${name}`).sort());
  });

  test('the mesh of three services synthesizes with its validations and without warnings: a 90/10 canary and a retry policy', () => {
    // GIVEN / WHEN
    const stack = new ShopMeshStack(Testing.app(), 'shop');
    const json = JSON.parse(Testing.synth(stack, true));
    // THEN
    expect(
      Object.values(json.resource.aws_ecs_service)
        .map((s: any) => s.name)
        .sort(),
    ).toEqual(['orders-v1', 'orders-v2', 'payments', 'web']);
    const orders = Object.values(json.resource.aws_appmesh_route).find((r: any) => r.name === 'orders-service') as any;
    expect(orders.spec.http_route.retry_policy).toEqual({
      http_retry_events: ['gateway-error'],
      max_retries: 2,
      per_retry_timeout: { unit: 's', value: 2 },
      tcp_retry_events: ['connection-error'],
    });
    // All three share port 8080 and one security group: one pair of rules.
    expect(Object.keys(json.resource.aws_vpc_security_group_ingress_rule)).toEqual([expect.stringMatching(/^Payments_PortRules_Ingress_/)]);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN));
    expect(warnings).toEqual([]);
  });

  test('the testing example passes', () => {
    expect(() => testCanarySplit()).not.toThrow();
  });

  test('the service in an existing estate creates only its own resources', () => {
    const json = JSON.parse(Testing.synth(new InvoicesStack(Testing.app(), 'invoices'), true));
    expect(Object.keys(json.resource).sort()).toEqual([
      'aws_appmesh_route',
      'aws_appmesh_virtual_node',
      'aws_appmesh_virtual_router',
      'aws_appmesh_virtual_service',
      'aws_cloudwatch_log_group',
      'aws_ecr_lifecycle_policy',
      'aws_ecr_repository',
      'aws_ecs_service',
      'aws_ecs_task_definition',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_service_discovery_service',
    ]);
  });
});
