import { Testing } from 'cdktf';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { ServiceDiscoveryHttpNamespace } from '@cdktf/provider-aws/lib/service-discovery-http-namespace';
import { Cluster } from '../../../modules/ecs/cluster';
import { HttpNamespace } from '../../../modules/service-connect/http-namespace';
import { newStack, refOf, resolved, synthJson } from '../fixture';

Testing.setupJest();

describe('HttpNamespace', () => {
  test('a Cloud Map HTTP namespace, which a cluster takes as its Service Connect default', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const namespace = new HttpNamespace(stack, 'Namespace', { name: 'dev-ev-sc', description: 'services of dev' });
    new Cluster(stack, 'Cluster', { name: 'c', serviceConnectNamespaceArn: namespace.namespaceArn });
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ServiceDiscoveryHttpNamespace, { name: 'dev-ev-sc', description: 'services of dev' });
    expect(synth).toHaveResourceWithProperties(EcsCluster, { service_connect_defaults: { namespace: refOf(namespace, 'arn') } });
    expect(resolved(stack, namespace.namespaceArn)).toBe(refOf(namespace, 'arn'));
  });

  test('a cluster without it has no Service Connect defaults', () => {
    const stack = newStack();
    new Cluster(stack, 'Cluster', { name: 'c' });
    expect(Object.values(synthJson(stack).resource.aws_ecs_cluster)[0]).not.toHaveProperty('service_connect_defaults');
  });

  describe('fromNamespaceAttributes', () => {
    test('references an existing namespace and creates nothing', () => {
      const stack = newStack();
      const namespace = HttpNamespace.fromNamespaceAttributes(stack, 'Namespace', {
        namespaceArn: 'arn:aws:servicediscovery:eu-west-1:111122223333:namespace/ns-a1b2c3d4e5f6g7h8',
        namespaceName: 'platform',
      });
      expect(namespace.namespaceName).toBe('platform');
      expect(synthJson(stack).resource).toBeUndefined();
    });

    test('rejects what is not a namespace ARN', () => {
      expect(() =>
        HttpNamespace.fromNamespaceAttributes(newStack(), 'Namespace', { namespaceArn: 'ns-123', namespaceName: 'platform' }),
      ).toThrow(
        /HttpNamespace\.fromNamespaceAttributes 'test\/Namespace': invalid prop 'namespaceArn': must look like arn:aws:servicediscovery:<region>:<account>:namespace\/ns-<id>, got 'ns-123' \(string\)/,
      );
    });
  });
});
