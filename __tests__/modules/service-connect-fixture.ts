import type { TerraformStack } from 'cdktf';
import { Duration } from '../../modules/core/duration';
import { Cluster } from '../../modules/ecs/cluster';
import { ContainerHealthCheck, HttpProbeRuntime } from '../../modules/ecs/container-health-check';
import { ServiceSecurityGroup } from '../../modules/network/service-security-group';
import { ServiceImage } from '../../modules/service/service-image';
import type { ServiceSpec } from '../../modules/service/service-spec';
import { HttpNamespace } from '../../modules/service-connect/http-namespace';
import type { ServiceConnectPlatform } from '../../modules/service-connect/service-connect-platform';
import type { IServiceConnectServer } from '../../modules/service-connect/service-connect-server';

/** A Service Connect platform (namespace, cluster with its defaults, tasks' group) in `stack`. */
export function serviceConnectPlatformIn(stack: TerraformStack): ServiceConnectPlatform {
  const namespace = new HttpNamespace(stack, 'Namespace', { name: 'dev-ev-sc' });
  return {
    namespace,
    cluster: new Cluster(stack, 'Cluster', { name: 'cluster', serviceConnectNamespaceArn: namespace.namespaceArn }),
    securityGroup: new ServiceSecurityGroup(stack, 'Tasks', { name: 'tasks', vpcId: 'vpc-1' }),
    subnetIds: ['subnet-1'],
    region: 'ap-northeast-1',
    namePrefix: 'dev-ev',
  };
}

/** The article's retry policy: gateway and connection errors, 12 retries, 5 s each. */
export const ARTICLE_POLICY = Object.freeze({
  httpRetryEvents: ['gateway-error'] as const,
  tcpRetryEvents: ['connection-error'] as const,
  maxRetries: 12,
  perRetryTimeoutMs: 5_000,
});

/** A spec named `name` on `port`, 512 CPU units / 1 GiB, with a Node health check; `overrides` win. */
export function spec(
  name: string,
  port: number,
  overrides: Partial<ServiceSpec<IServiceConnectServer>> = {},
): ServiceSpec<IServiceConnectServer> {
  return {
    name,
    port,
    image: ServiceImage.fromOwnRepository('1.0.0'),
    size: { cpu: 512, memory: 1024 },
    healthCheck: ContainerHealthCheck.http({ path: '/health-check', runtime: HttpProbeRuntime.NODE }),
    ...overrides,
  };
}

/** Timeouts of `seconds` on requests and calls into a service. */
/** Timeouts of  on requests and calls into a service. */
export function timeouts(seconds: number) {
  return { request: Duration.seconds(seconds), call: Duration.seconds(seconds) };
}
