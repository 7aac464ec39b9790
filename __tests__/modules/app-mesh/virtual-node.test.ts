import { Testing } from 'cdktf';
import { AppmeshVirtualNode } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { Duration } from '../../../modules/core/duration';
import { HealthCheck } from '../../../modules/app-mesh/health-check';
import { Mesh } from '../../../modules/app-mesh/mesh';
import { ServiceDiscovery } from '../../../modules/app-mesh/service-discovery';
import { VirtualNode } from '../../../modules/app-mesh/virtual-node';
import { VirtualNodeListener } from '../../../modules/app-mesh/virtual-node-listener';
import { VirtualRouter } from '../../../modules/app-mesh/virtual-router';
import { VirtualService, VirtualServiceProvider } from '../../../modules/app-mesh/virtual-service';
import { newStack, onlyResource, refOf, resources, synthJson } from '../fixture';

Testing.setupJest();

function nodeWith(listener: VirtualNodeListener) {
  const stack = newStack();
  const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
  new VirtualNode(stack, 'Node', {
    mesh,
    name: 'node',
    listener,
    serviceDiscovery: ServiceDiscovery.cloudMap('dev.example.internal', 'data-processing'),
  });
  return stack;
}

describe('VirtualNode', () => {
  test('renders listener, per-request timeout, its own Cloud Map service and the stdout access log', () => {
    // GIVEN / WHEN
    const stack = nodeWith(VirtualNodeListener.http({ port: 3001, timeout: { perRequest: Duration.seconds(70) } }));
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AppmeshVirtualNode, {
      name: 'node',
      spec: {
        listener: [
          {
            port_mapping: { port: 3001, protocol: 'http' },
            timeout: { http: { per_request: { unit: 's', value: 70 } } },
          },
        ],
        service_discovery: { aws_cloud_map: { namespace_name: 'dev.example.internal', service_name: 'data-processing' } },
        logging: { access_log: { file: { path: '/dev/stdout' } } },
      },
    });
  });

  test('renders health check, outlier detection and connection pool', () => {
    const stack = nodeWith(
      VirtualNodeListener.http({
        port: 3001,
        healthCheck: HealthCheck.http({ path: '/health-check' }),
        outlierDetection: {
          maxServerErrors: 5,
          interval: Duration.seconds(10),
          baseEjectionDuration: Duration.seconds(30),
          maxEjectionPercent: 50,
        },
        connectionPool: { maxConnections: 100, maxPendingRequests: 50 },
      }),
    );
    const listener = onlyResource(synthJson(stack), 'aws_appmesh_virtual_node').spec.listener[0];
    expect(listener.health_check).toEqual({
      protocol: 'http',
      path: '/health-check',
      interval_millis: 5000,
      timeout_millis: 2000,
      healthy_threshold: 2,
      unhealthy_threshold: 2,
    });
    expect(listener.outlier_detection).toEqual({
      max_server_errors: 5,
      max_ejection_percent: 50,
      interval: { unit: 's', value: 10 },
      base_ejection_duration: { unit: 's', value: 30 },
    });
    expect(listener.connection_pool).toEqual({ http: [{ max_connections: 100, max_pending_requests: 50 }] });
  });

  test('names its backends by virtual service name', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
    const router = new VirtualRouter(stack, 'Router', { mesh, name: 'router', port: 3001 });
    const service = new VirtualService(stack, 'Processing', {
      mesh,
      name: 'data-processing.dev.example.internal',
      provider: VirtualServiceProvider.virtualRouter(router),
    });
    new VirtualNode(stack, 'Ingestion', {
      mesh,
      name: 'ingestion',
      listener: VirtualNodeListener.http({ port: 3000 }),
      serviceDiscovery: ServiceDiscovery.cloudMap('dev.example.internal', 'data-ingestion'),
      backends: [service],
    });
    const json = synthJson(stack);
    const ingestion = resources(json, 'aws_appmesh_virtual_node')[0];
    expect(ingestion.spec.backend).toEqual([{ virtual_service: { virtual_service_name: refOf(service, 'name') } }]);
    expect(ingestion.spec.service_discovery.aws_cloud_map.service_name).toBe('data-ingestion');
  });

  test('adds a backend later (addBackend), of its own mesh only', () => {
    // GIVEN a node with no backends and a virtual service imported by name
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
    const node = new VirtualNode(stack, 'Node', {
      mesh,
      name: 'node',
      listener: VirtualNodeListener.http({ port: 3001 }),
      serviceDiscovery: ServiceDiscovery.cloudMap('ns', 'svc'),
    });
    // WHEN
    node.addBackend(VirtualService.fromVirtualServiceName(stack, 'Payments', mesh, 'payments.corp.internal'));
    // THEN
    expect(onlyResource(synthJson(stack), 'aws_appmesh_virtual_node').spec.backend).toEqual([
      { virtual_service: { virtual_service_name: 'payments.corp.internal' } },
    ]);
    const otherMesh = Mesh.fromMeshName(stack, 'Other', 'other-mesh');
    expect(() => node.addBackend(VirtualService.fromVirtualServiceName(stack, 'Elsewhere', otherMesh, 'x.other.internal'))).toThrow(
      /VirtualNode 'test\/Node': invalid prop 'addBackend\(backend\)': virtual service 'test\/Elsewhere' belongs to mesh 'test\/Other', not to 'test\/Mesh'/,
    );
  });

  test('a backend in a mesh imported by the name of the mesh created here is in the same mesh', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'shared' });
    const sameByName = Mesh.fromMeshName(stack, 'SameByName', 'shared');
    expect(
      () =>
        new VirtualNode(stack, 'Node', {
          mesh,
          name: 'node',
          listener: VirtualNodeListener.http({ port: 3001 }),
          serviceDiscovery: ServiceDiscovery.cloudMap('ns', 'svc'),
          backends: [VirtualService.fromVirtualServiceName(stack, 'Svc', sameByName, 'svc.internal')],
        }),
    ).not.toThrow();
  });

  test('rejects an undefined backend (a misspelt reference), naming its index', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'mesh' });
    expect(
      () =>
        new VirtualNode(stack, 'Node', {
          mesh,
          name: 'node',
          listener: VirtualNodeListener.http({ port: 3001 }),
          serviceDiscovery: ServiceDiscovery.cloudMap('ns', 'svc'),
          backends: [undefined as unknown as VirtualService],
        }),
    ).toThrow(/VirtualNode 'test\/Node': invalid prop 'backends\[0\]': must be a virtual service .*, got undefined/);
  });

  test('fromVirtualNodeName references an existing node and creates nothing', () => {
    const stack = newStack();
    const mesh = Mesh.fromMeshName(stack, 'Mesh', 'platform');
    expect(VirtualNode.fromVirtualNodeName(stack, 'Node', mesh, 'orders-v1')).toMatchObject({ virtualNodeName: 'orders-v1', mesh });
    expect(synthJson(stack).resource).toBeUndefined();
  });

  test.each([0, 65_536, 3000.5])('rejects listener port %p', (port) => {
    expect(() => nodeWith(VirtualNodeListener.http({ port }))).toThrow(
      new RegExp(`VirtualNode 'test/Node': invalid prop 'listener\\.port': must be an integer from 1 to 65535, got ${port}`),
    );
  });

  test('rejects a health check interval below App Mesh minimum', () => {
    expect(() =>
      nodeWith(VirtualNodeListener.http({ port: 3001, healthCheck: HealthCheck.http({ interval: Duration.seconds(1) }) })),
    ).toThrow(/VirtualNode.*'healthCheck\.interval \(ms\)'/);
  });

  test('rejects an outlier detection ejecting over 100 %', () => {
    expect(() =>
      nodeWith(
        VirtualNodeListener.http({
          port: 3001,
          outlierDetection: {
            maxServerErrors: 5,
            interval: Duration.seconds(10),
            baseEjectionDuration: Duration.seconds(30),
            maxEjectionPercent: 150,
          },
        }),
      ),
    ).toThrow(/VirtualNode.*'outlierDetection\.maxEjectionPercent'/);
  });

  test('rejects a connection pool of 0 connections', () => {
    expect(() => nodeWith(VirtualNodeListener.http({ port: 3001, connectionPool: { maxConnections: 0 } }))).toThrow(
      /VirtualNode.*'connectionPool\.maxConnections'/,
    );
  });
});
