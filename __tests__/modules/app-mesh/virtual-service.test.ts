import { Mesh } from '../../../modules/app-mesh/mesh';
import { ServiceDiscovery } from '../../../modules/app-mesh/service-discovery';
import { VirtualNode } from '../../../modules/app-mesh/virtual-node';
import { VirtualNodeListener } from '../../../modules/app-mesh/virtual-node-listener';
import { VirtualRouter } from '../../../modules/app-mesh/virtual-router';
import { VirtualService, VirtualServiceProvider } from '../../../modules/app-mesh/virtual-service';
import { newStack, refOf, resources, synthJson } from '../fixture';

describe('VirtualService', () => {
  test('is provided by a router or by a node', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
    const router = new VirtualRouter(stack, 'Router', { mesh, name: 'router', port: 3001 });
    const target = new VirtualNode(stack, 'Node', {
      mesh,
      name: 'node',
      listener: VirtualNodeListener.http({ port: 3001 }),
      serviceDiscovery: ServiceDiscovery.cloudMap('ns', 'svc'),
    });
    const byRouterService = new VirtualService(stack, 'ByRouter', {
      mesh,
      name: 'a.dev.internal',
      provider: VirtualServiceProvider.virtualRouter(router),
    });
    new VirtualService(stack, 'ByNode', { mesh, name: 'b.dev.internal', provider: VirtualServiceProvider.virtualNode(target) });
    const services = resources(synthJson(stack), 'aws_appmesh_virtual_service');
    const byRouter = services.find((s) => s.name === 'a.dev.internal');
    const byNode = services.find((s) => s.name === 'b.dev.internal');
    expect(byRouterService.provider.router).toBe(router);
    expect(byRouter.spec.provider).toEqual({ virtual_router: { virtual_router_name: refOf(router, 'name') } });
    expect(byNode.spec.provider).toEqual({ virtual_node: { virtual_node_name: refOf(target, 'name') } });
  });

  test('fromVirtualServiceName references an existing service of a mesh and creates nothing', () => {
    const stack = newStack();
    const mesh = Mesh.fromMeshName(stack, 'Mesh', 'platform');
    const service = VirtualService.fromVirtualServiceName(stack, 'Payments', mesh, 'payments.corp.internal');
    expect(service).toMatchObject({ virtualServiceName: 'payments.corp.internal', mesh });
    expect(synthJson(stack).resource).toBeUndefined();
    expect(() => VirtualService.fromVirtualServiceName(stack, 'Bad', mesh, '')).toThrow(
      /VirtualService\.fromVirtualServiceName 'test\/Bad': invalid prop 'virtualServiceName'/,
    );
  });
});
