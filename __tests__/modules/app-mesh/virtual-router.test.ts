import { Testing } from 'cdktf';
import { Mesh } from '../../../modules/app-mesh/mesh';
import { VirtualNode } from '../../../modules/app-mesh/virtual-node';
import { VirtualRouter } from '../../../modules/app-mesh/virtual-router';
import { newStack, onlyResource, synthJson } from '../fixture';

Testing.setupJest();

describe('VirtualRouter', () => {
  test('listens on the given port over HTTP', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
    new VirtualRouter(stack, 'Router', { mesh, name: 'router', port: 3001 });
    expect(onlyResource(synthJson(stack), 'aws_appmesh_virtual_router').spec).toEqual({
      listener: [{ port_mapping: { port: 3001, protocol: 'http' } }],
    });
  });

  test('fromVirtualRouterName references an existing router, to which routes can be added', () => {
    const stack = newStack();
    const mesh = Mesh.fromMeshName(stack, 'Mesh', 'platform');
    const router = VirtualRouter.fromVirtualRouterName(stack, 'Router', mesh, 'orders-router');
    const target = VirtualNode.fromVirtualNodeName(stack, 'OrdersV2', mesh, 'orders-v2');
    router.addRoute('Canary', { name: 'orders-canary', weightedTargets: [{ virtualNode: target }] });
    const route = onlyResource(synthJson(stack), 'aws_appmesh_route');
    expect(route).toMatchObject({ mesh_name: 'platform', virtual_router_name: 'orders-router' });
  });

  test('rejects a port out of range', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
    expect(() => new VirtualRouter(stack, 'Router', { mesh, name: 'router', port: 70_000 })).toThrow(
      /VirtualRouter 'test\/Router'.*'port'/,
    );
  });
});
