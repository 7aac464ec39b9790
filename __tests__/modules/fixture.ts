import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformOutput, TerraformStack, type TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Duration } from '../../modules/core/duration';
import { Mesh, type IMesh } from '../../modules/app-mesh/mesh';
import { ServiceDiscovery } from '../../modules/app-mesh/service-discovery';
import { VirtualNode } from '../../modules/app-mesh/virtual-node';
import { VirtualNodeListener } from '../../modules/app-mesh/virtual-node-listener';
import { VirtualRouter } from '../../modules/app-mesh/virtual-router';

/** A fresh stack with an AWS provider in a test app. */
export function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'ap-northeast-1' });
  return stack;
}

/** The synthesized Terraform JSON of `stack`, parsed. */
export function synthJson(stack: TerraformStack, runValidations = false): any {
  return JSON.parse(Testing.synth(stack, runValidations));
}

/** The only resource of `type` in `json` (fails the test when there is not exactly one). */
export function onlyResource(json: any, type: string): any {
  const resources = Object.values(json.resource?.[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0];
}

/** The resources of `type` in `json`. */
export function resources(json: any, type: string): any[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** A virtual node with an HTTP listener on `port` and the given per-request timeout. */
export function node(scope: Construct, id: string, mesh: IMesh, port: number, perRequest?: Duration): VirtualNode {
  return new VirtualNode(scope, id, {
    mesh,
    name: id,
    listener: VirtualNodeListener.http({ port, ...(perRequest ? { timeout: { perRequest } } : {}) }),
    serviceDiscovery: ServiceDiscovery.cloudMap('dev.example.internal', id),
  });
}

/** A mesh, a router on `port` and a node on `port` in a fresh stack. */
export function meshWithRouter(port = 3001) {
  const stack = newStack();
  const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
  const router = new VirtualRouter(stack, 'Router', { mesh, name: 'router', port });
  const target = node(stack, 'Target', mesh, port);
  return { stack, mesh, router, target };
}

/** The Terraform reference `${<type>.<logical id>.<attribute>}` of the `Resource` child of `construct`. */
export function refOf(construct: Construct, attribute: string): string {
  const resource = construct.node.findChild('Resource') as TerraformResource;
  const stack = TerraformStack.of(construct);
  return `\${${resource.terraformResourceType}.${stack.getLogicalId(resource)}.${attribute}}`;
}

/** `value` (a string that may hold tokens) as Terraform sees it, e.g. `${aws_ecs_cluster.Cluster_1234ABCD.id}`. */
export function resolved(stack: TerraformStack, value: string): string {
  const id = `resolved_${stack.node.children.length}`;
  new TerraformOutput(stack, id, { value });
  const json = synthJson(stack);
  stack.node.tryRemoveChild(id);
  return json.output[id].value;
}
