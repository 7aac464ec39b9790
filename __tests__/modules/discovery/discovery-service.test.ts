import { Testing } from 'cdktf';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { DiscoveryService } from '../../../modules/discovery/discovery-service';
import { PrivateDnsNamespace } from '../../../modules/discovery/private-dns-namespace';
import { newStack, onlyResource, refOf, synthJson } from '../fixture';

Testing.setupJest();

describe('DiscoveryService', () => {
  test('an A/MULTIVALUE service with TTL 10, failure threshold 1, created before destroyed', () => {
    // GIVEN
    const stack = newStack();
    const namespace = new PrivateDnsNamespace(stack, 'Ns', { name: 'dev.example.internal', vpcId: 'vpc-1' });
    // WHEN
    new DiscoveryService(stack, 'Svc', { namespace, name: 'data-processing' });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ServiceDiscoveryService, {
      name: 'data-processing',
      dns_config: { namespace_id: refOf(namespace, 'id'), dns_records: [{ ttl: 10, type: 'A' }], routing_policy: 'MULTIVALUE' },
      health_check_custom_config: { failure_threshold: 1 },
      lifecycle: { create_before_destroy: true },
    });
  });

  test('registers in an imported namespace by its id', () => {
    const stack = newStack();
    const namespace = PrivateDnsNamespace.fromNamespaceAttributes(stack, 'Ns', { namespaceId: 'ns-123', namespaceName: 'corp.internal' });
    new DiscoveryService(stack, 'Svc', { namespace, name: 'orders' });
    expect(onlyResource(synthJson(stack), 'aws_service_discovery_service').dns_config.namespace_id).toBe('ns-123');
  });

  test.each([
    [{ failureThreshold: 11 }, /'failureThreshold': must be an integer from 1 to 10, got 11/],
    [{ dnsTtlSeconds: -1 }, /'dnsTtlSeconds'/],
  ])('rejects %p', (override, message) => {
    const stack = newStack();
    const namespace = new PrivateDnsNamespace(stack, 'Ns', { name: 'n', vpcId: 'vpc-1' });
    expect(() => new DiscoveryService(stack, 'Svc', { namespace, name: 's', ...override })).toThrow(
      new RegExp(`DiscoveryService 'test/Svc'.*${message.source}`),
    );
  });
});
