import { Construct } from 'constructs';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';

export interface PrivateDnsNamespaceProps {
  /** DNS name of the namespace, e.g. `dev.example.internal`. */
  readonly name: string;
  /** ID of the VPC the namespace resolves in. */
  readonly vpcId: string;
  /** Description of the namespace. @default none */
  readonly description?: string;
}

/** A Cloud Map private DNS namespace (a Route 53 private hosted zone) in which the services register. */
export class PrivateDnsNamespace extends Construct {
  /** The namespace's ID. */
  public readonly namespaceId: string;
  /** The namespace's name, as App Mesh service discovery references it. */
  public readonly namespaceName: string;
  /** The namespace's ARN. */
  public readonly namespaceArn: string;

  constructor(scope: Construct, id: string, props: PrivateDnsNamespaceProps) {
    super(scope, id);
    const namespace = new ServiceDiscoveryPrivateDnsNamespace(this, 'Resource', {
      name: props.name,
      vpc: props.vpcId,
      description: props.description,
    });
    this.namespaceId = namespace.id;
    this.namespaceName = namespace.name;
    this.namespaceArn = namespace.arn;
  }
}
