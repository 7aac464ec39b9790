import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  Cluster,
  ContainerHealthCheck,
  HttpProbeRuntime,
  Mesh,
  MeshedService,
  ServiceSecurityGroup,
  PrivateDnsNamespace,
  ServiceImage,
  VirtualService,
  type AppMeshPlatform,
} from '@ev-pipeline/cdktf-mesh-constructs';

/** One service placed into a mesh, cluster, namespace and security group that another team's stack created. */
export class InvoicesStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    const mesh = Mesh.fromMeshName(this, 'Mesh', 'platform');
    const platform: AppMeshPlatform = {
      mesh,
      namespace: PrivateDnsNamespace.fromNamespaceAttributes(this, 'Namespace', {
        namespaceId: 'ns-a1b2c3d4e5f6g7h8',
        namespaceName: 'platform.internal',
      }),
      cluster: Cluster.fromClusterArn(this, 'Cluster', 'arn:aws:ecs:eu-west-1:111122223333:cluster/platform'),
      // The platform team manages this group's rules: the service joins it and adds none.
      securityGroup: ServiceSecurityGroup.fromSecurityGroupId(this, 'Tasks', 'sg-0a1b2c3d4e5f60718'),
      subnetIds: ['subnet-0a1b2c3d4e5f60718'],
      region: 'eu-west-1',
    };

    new MeshedService(this, 'Invoices', {
      platform,
      spec: {
        name: 'invoices',
        port: 8080,
        image: ServiceImage.fromOwnRepository('0.9.0'),
        size: { cpu: 256, memory: 512 },
        backends: [VirtualService.fromVirtualServiceName(this, 'Payments', mesh, 'payments.platform.internal')],
        secrets: { DATABASE_PASSWORD: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:invoices-db-AbCdEf:password::' },
        healthCheck: ContainerHealthCheck.http({ path: '/health', runtime: HttpProbeRuntime.CURL }),
      },
      sidecarSize: { envoyCpu: 64, envoyMemory: 128, xrayCpu: 16, xrayMemory: 32 },
    });
  }
}
