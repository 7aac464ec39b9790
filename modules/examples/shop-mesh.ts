import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  Cluster,
  Duration,
  Mesh,
  MeshedService,
  ServiceSecurityGroup,
  PrivateDnsNamespace,
  ServiceImage,
  type AppMeshPlatform,
} from '@ev-pipeline/cdktf-mesh-constructs';

/** A mesh of three services, web → orders → payments, with a 90/10 canary of orders and retries of calls into it. */
export class ShopMeshStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    const vpcId = 'vpc-0a1b2c3d4e5f60718';
    const platform: AppMeshPlatform = {
      mesh: new Mesh(this, 'Mesh', { name: 'shop' }),
      namespace: new PrivateDnsNamespace(this, 'Namespace', { name: 'shop.internal', vpcId }),
      cluster: new Cluster(this, 'Cluster', { name: 'shop' }),
      securityGroup: new ServiceSecurityGroup(this, 'Tasks', { name: 'shop-tasks', vpcId }),
      subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
      region: 'eu-west-1',
    };
    const size = { cpu: 512, memory: 1024 };
    const timeouts = { request: Duration.seconds(10), call: Duration.seconds(10) };

    const payments = new MeshedService(this, 'Payments', {
      platform,
      spec: { name: 'payments', port: 8080, image: ServiceImage.fromOwnRepository('2.0.1'), size, timeouts },
    });
    const orders = new MeshedService(this, 'Orders', {
      platform,
      spec: {
        name: 'orders',
        port: 8080,
        image: ServiceImage.fromOwnRepository('1.4.0'),
        size,
        timeouts,
        backends: [payments.virtualService],
        retryPolicy: { httpRetryEvents: ['gateway-error'], tcpRetryEvents: ['connection-error'], maxRetries: 2, perRetryTimeoutMs: 2_000 },
      },
      versions: [
        { name: 'v1', weight: 90 },
        { name: 'v2', weight: 10, image: ServiceImage.fromOwnRepository('1.5.0') },
      ],
    });
    new MeshedService(this, 'Web', {
      platform,
      spec: { name: 'web', port: 8080, image: ServiceImage.fromOwnRepository('3.1.0'), size, timeouts, backends: [orders.virtualService] },
    });
  }
}
