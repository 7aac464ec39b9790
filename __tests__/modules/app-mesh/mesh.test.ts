import { Testing } from 'cdktf';
import { AppmeshMesh } from '@cdktf/provider-aws/lib/appmesh-mesh';
import { AppmeshVirtualRouter } from '@cdktf/provider-aws/lib/appmesh-virtual-router';
import { Mesh, MeshEgressFilter } from '../../../modules/app-mesh/mesh';
import { VirtualRouter } from '../../../modules/app-mesh/virtual-router';
import { newStack, refOf } from '../fixture';

Testing.setupJest();

describe('Mesh', () => {
  test('drops egress to destinations outside the mesh by default', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new Mesh(stack, 'Mesh', { name: 'dev-ev-app-mesh' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AppmeshMesh, {
      name: 'dev-ev-app-mesh',
      spec: { egress_filter: { type: 'DROP_ALL' } },
    });
  });

  test('allows all egress when asked', () => {
    const stack = newStack();
    new Mesh(stack, 'Mesh', { name: 'open', egressFilter: MeshEgressFilter.ALLOW_ALL });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AppmeshMesh, { spec: { egress_filter: { type: 'ALLOW_ALL' } } });
  });

  test('is referenced by its id (the mesh name) from the resources in it', () => {
    const stack = newStack();
    const mesh = new Mesh(stack, 'Mesh', { name: 'm' });
    new VirtualRouter(stack, 'Router', { mesh, name: 'r', port: 3000 });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(AppmeshVirtualRouter, { mesh_name: refOf(mesh, 'id') });
  });

  describe('fromMeshName / fromMeshAttributes', () => {
    test('references an existing mesh by name, creates nothing, and its egress filter is unknown', () => {
      const stack = newStack();
      const mesh = Mesh.fromMeshName(stack, 'Mesh', 'platform-mesh');
      expect(mesh).toMatchObject({ meshName: 'platform-mesh', egressFilter: undefined });
      new VirtualRouter(stack, 'Router', { mesh, name: 'r', port: 3000 });
      expect(Testing.synth(stack)).toHaveResourceWithProperties(AppmeshVirtualRouter, { mesh_name: 'platform-mesh' });
      expect(Testing.synth(stack)).not.toContain('aws_appmesh_mesh');
    });

    test('takes the egress filter when the caller knows it', () => {
      const mesh = Mesh.fromMeshAttributes(newStack(), 'Mesh', { meshName: 'm', egressFilter: MeshEgressFilter.ALLOW_ALL });
      expect(mesh.egressFilter).toBe(MeshEgressFilter.ALLOW_ALL);
    });

    test('rejects an empty name', () => {
      expect(() => Mesh.fromMeshName(newStack(), 'Mesh', '')).toThrow(
        /Mesh\.fromMeshAttributes 'test\/Mesh': invalid prop 'meshName': must be a non-empty string, got '' \(string\)/,
      );
    });
  });
});
