import assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { ShopMeshStack } from './shop-mesh';

/** The part of a synthesized `aws_appmesh_route` this test reads. */
interface SynthesizedRoute {
  readonly name: string;
  readonly spec: { readonly http_route: { readonly action: { readonly weighted_target: readonly { readonly weight: number }[] } } };
}

/** Synthesizes the shop in memory, validations included (the retry budget), and checks the canary's split. */
export function testCanarySplit(): void {
  const stack = new ShopMeshStack(Testing.app(), 'shop');
  const json = JSON.parse(Testing.synth(stack, true));
  const routes = Object.values(json.resource.aws_appmesh_route as Record<string, SynthesizedRoute>);
  const orders = routes.find((route) => route.name === 'orders-service');
  assert.deepEqual(
    orders?.spec.http_route.action.weighted_target.map((target) => target.weight),
    [90, 10],
  );
}
