import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { describeCallPathBudget, serviceConnectCallPathBudgets } from '@ev-pipeline/cdktf-mesh-constructs';
import { ShopServiceConnectStack } from '../../modules/examples/shop-service-connect';

describe("the library README's Service Connect example", () => {
  const stack = new ShopServiceConnectStack(Testing.app(), 'shop-sc');
  const json = JSON.parse(Testing.synth(stack, true));

  test('synthesizes with its validations and without warnings, and without any App Mesh resource', () => {
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN));
    expect(warnings).toEqual([]);
    expect(Object.keys(json.resource).filter((type) => type.startsWith('aws_appmesh_'))).toEqual([]);
  });

  test('web is a client only; orders and payments are servers at their aliases', () => {
    const configs = Object.fromEntries(
      Object.values(json.resource.aws_ecs_service as Record<string, any>).map((s) => [s.name, s.service_connect_configuration]),
    );
    expect(configs.web).not.toHaveProperty('service');
    expect(configs.orders.service[0].client_alias).toEqual({ dns_name: 'orders', port: 8080 });
    expect(configs.payments.service[0].timeout).toEqual({ per_request_timeout_seconds: 3, idle_timeout_seconds: 300 });
  });

  test('each caller reaches exactly the services it declares', () => {
    expect(Object.keys(json.resource.aws_vpc_security_group_ingress_rule).sort()).toEqual([
      expect.stringMatching(/^Orders_AccessToPayments_Ingress_/),
      expect.stringMatching(/^Web_AccessToOrders_Ingress_/),
    ]);
  });

  test("orders' in-process retries of payments fit their deadline: 3 of 3 attempts, at most 9 calls per request", () => {
    expect(serviceConnectCallPathBudgets(stack).map(describeCallPathBudget)).toEqual([
      expect.stringMatching(
        /^Service Connect: shop-sc\/Orders → shop-sc\/Payments: at most 9 call\(s\) .* 3 of 3 attempt\(s\) fit, each ≤ 2 s/,
      ),
      expect.stringMatching(/^Service Connect: shop-sc\/Web → shop-sc\/Orders: at most 3 call\(s\) .* retried by nobody/),
    ]);
  });
});
