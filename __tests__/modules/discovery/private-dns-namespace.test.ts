import { Testing } from 'cdktf';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { PrivateDnsNamespace } from '../../../modules/discovery/private-dns-namespace';
import { newStack, refOf, resolved, synthJson } from '../fixture';

Testing.setupJest();

describe('PrivateDnsNamespace', () => {
  test('a private DNS namespace in the VPC, referenced by its attributes, with the domain as written', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const namespace = new PrivateDnsNamespace(stack, 'Ns', { name: 'dev.example.internal', vpcId: 'vpc-1', description: 'd' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ServiceDiscoveryPrivateDnsNamespace, {
      name: 'dev.example.internal',
      vpc: 'vpc-1',
      description: 'd',
    });
    expect(resolved(stack, namespace.namespaceId)).toBe(refOf(namespace, 'id'));
    expect(resolved(stack, namespace.namespaceName)).toBe(refOf(namespace, 'name'));
    expect(namespace.dnsDomain).toBe('dev.example.internal');
  });

  describe('fromNamespaceAttributes', () => {
    test('references an existing namespace and creates nothing', () => {
      const stack = newStack();
      const namespace = PrivateDnsNamespace.fromNamespaceAttributes(stack, 'Ns', { namespaceId: 'ns-123', namespaceName: 'corp.internal' });
      expect(namespace).toMatchObject({ namespaceId: 'ns-123', namespaceName: 'corp.internal', dnsDomain: 'corp.internal' });
      expect(synthJson(stack).resource).toBeUndefined();
    });

    test('rejects an empty namespace id', () => {
      expect(() => PrivateDnsNamespace.fromNamespaceAttributes(newStack(), 'Ns', { namespaceId: '', namespaceName: 'x' })).toThrow(
        /PrivateDnsNamespace\.fromNamespaceAttributes 'test\/Ns': invalid prop 'namespaceId': must be a non-empty string, got '' \(string\)/,
      );
    });
  });
});
