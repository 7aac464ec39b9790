import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  Cluster,
  ContainerHealthCheck,
  Duration,
  HttpNamespace,
  HttpProbeRuntime,
  HttpRetryEvent,
  ServiceSecurityGroup,
  ServiceConnectService,
  ServiceImage,
  TcpRetryEvent,
  type ServiceConnectPlatform,
} from '@ev-pipeline/cdktf-mesh-constructs';

/** The shop's services on ECS Service Connect: web (a client only) → orders → payments, retried by the orders app. */
export class ShopServiceConnectStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'eu-west-1' });
    const vpcId = 'vpc-0a1b2c3d4e5f60718';
    const namespace = new HttpNamespace(this, 'Namespace', { name: 'shop' });
    const platform: ServiceConnectPlatform = {
      namespace,
      cluster: new Cluster(this, 'Cluster', { name: 'shop', serviceConnectNamespaceArn: namespace.namespaceArn }),
      securityGroup: new ServiceSecurityGroup(this, 'Tasks', { name: 'shop-tasks', vpcId }),
      subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
      region: 'eu-west-1',
    };
    const size = { cpu: 512, memory: 1024 };
    const healthCheck = ContainerHealthCheck.http({ path: '/health', runtime: HttpProbeRuntime.CURL });

    // Its callers retry gateway and connection errors twice, 2 s per attempt; its proxy allows one attempt (3 s).
    const payments = new ServiceConnectService(this, 'Payments', {
      platform,
      spec: {
        name: 'payments',
        port: 8080,
        image: ServiceImage.fromOwnRepository('2.0.1'),
        size,
        timeouts: { request: Duration.seconds(3), call: Duration.seconds(3) },
        retryPolicy: {
          httpRetryEvents: [HttpRetryEvent.GATEWAY_ERROR],
          tcpRetryEvents: [TcpRetryEvent.CONNECTION_ERROR],
          maxRetries: 2,
          perRetryTimeoutMs: 2_000,
        },
        healthCheck,
      },
    });
    // The orders app applies that policy itself, within 8 s per call; its own callers wait up to 10 s.
    const orders = new ServiceConnectService(this, 'Orders', {
      platform,
      spec: {
        name: 'orders',
        port: 8080,
        image: ServiceImage.fromOwnRepository('1.4.0'),
        size,
        timeouts: { request: Duration.seconds(10), call: Duration.seconds(10) },
        backends: [payments],
        environment: { PAYMENTS_URL: payments.urlOf('/payments') },
        healthCheck,
      },
      inProcessRetries: { deadline: Duration.seconds(8) },
    });
    new ServiceConnectService(this, 'Web', {
      platform,
      clientOnly: true,
      spec: {
        name: 'web',
        port: 8080,
        image: ServiceImage.fromOwnRepository('3.0.0'),
        size,
        backends: [orders],
        environment: { ORDERS_URL: orders.urlOf('/orders') },
        healthCheck,
      },
    });
  }
}
