import { Construct } from 'constructs';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { requireIntegerInRange } from '../core/prop-error';
import type { INamespace } from './private-dns-namespace';

export interface DiscoveryServiceProps {
  /** The namespace the service registers in. */
  readonly namespace: INamespace;
  /** Name of the Cloud Map service (`data-processing`); its DNS name is `<name>.<namespace>`. */
  readonly name: string;
  /** TTL of the A records, in seconds. @default 10 */
  readonly dnsTtlSeconds?: number;
  /** Health-check failures (reported by ECS) before an instance is deregistered. @default 1 */
  readonly failureThreshold?: number;
}

/**
 * A Cloud Map service: ECS registers each task's IP as an A record (routing
 * MULTIVALUE) and reports its health; App Mesh discovers the node's
 * endpoints here. Created before it is destroyed, as ECS services point at it.
 */
export class DiscoveryService extends Construct {
  /** The Cloud Map service's name (App Mesh `aws_cloud_map.service_name`). */
  public readonly serviceName: string;
  /** The Cloud Map service's ARN (the ECS service's registry). */
  public readonly serviceArn: string;
  /** The Cloud Map service's ID. */
  public readonly serviceId: string;

  constructor(scope: Construct, id: string, props: DiscoveryServiceProps) {
    super(scope, id);
    const ttl = props.dnsTtlSeconds ?? 10;
    const failureThreshold = props.failureThreshold ?? 1;
    requireIntegerInRange(this, 'dnsTtlSeconds', ttl, 0, 2_147_483_647);
    requireIntegerInRange(this, 'failureThreshold', failureThreshold, 1, 10);
    const service = new ServiceDiscoveryService(this, 'Resource', {
      name: props.name,
      dnsConfig: {
        namespaceId: props.namespace.namespaceId,
        dnsRecords: [{ ttl, type: 'A' }],
        routingPolicy: 'MULTIVALUE',
      },
      healthCheckCustomConfig: { failureThreshold },
      lifecycle: { createBeforeDestroy: true },
    });
    this.serviceName = service.name;
    this.serviceArn = service.arn;
    this.serviceId = service.id;
  }
}
