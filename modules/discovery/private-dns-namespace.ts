import { Construct, type IConstruct } from 'constructs';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { requireNonEmptyString } from '../core/prop-error';

/** A Cloud Map namespace, created here or elsewhere, in which services register. */
export interface INamespace extends IConstruct {
  /** The namespace's ID (`ns-…`), as Cloud Map services reference it. */
  readonly namespaceId: string;
  /** The namespace's name, as App Mesh service discovery references it (for a namespace created here, its resource's attribute). */
  readonly namespaceName: string;
  /** The namespace's DNS domain as this app wrote it (`dev.example.internal`); services are `<name>.<dnsDomain>`. */
  readonly dnsDomain: string;
}

export interface NamespaceAttributes {
  /** ID of the existing namespace (`ns-…`). */
  readonly namespaceId: string;
  /** Name of the existing namespace, its DNS domain. */
  readonly namespaceName: string;
}

export interface PrivateDnsNamespaceProps {
  /** DNS name of the namespace, e.g. `dev.example.internal`. */
  readonly name: string;
  /** ID of the VPC the namespace resolves in. */
  readonly vpcId: string;
  /** Description of the namespace. @default none */
  readonly description?: string;
}

/** A Cloud Map private DNS namespace (a Route 53 private hosted zone) in which the services register. */
export class PrivateDnsNamespace extends Construct implements INamespace {
  /** An existing namespace, by its ID and name; creates nothing. */
  public static fromNamespaceAttributes(scope: Construct, id: string, attributes: NamespaceAttributes): INamespace {
    return new ImportedNamespace(scope, id, attributes);
  }

  /** The namespace's ID. */
  public readonly namespaceId: string;
  /** The namespace's name, as App Mesh service discovery references it. */
  public readonly namespaceName: string;
  /** The namespace's DNS domain, the name it was created with. */
  public readonly dnsDomain: string;
  /** The namespace's ARN. */
  public readonly namespaceArn: string;

  constructor(scope: Construct, id: string, props: PrivateDnsNamespaceProps) {
    super(scope, id);
    const namespace = new ServiceDiscoveryPrivateDnsNamespace(this, 'Resource', {
      name: props.name,
      vpc: props.vpcId,
      ...(props.description !== undefined ? { description: props.description } : {}),
    });
    this.namespaceId = namespace.id;
    this.namespaceName = namespace.name;
    this.dnsDomain = props.name;
    this.namespaceArn = namespace.arn;
  }
}

class ImportedNamespace extends Construct implements INamespace {
  public readonly namespaceId: string;
  public readonly namespaceName: string;
  public readonly dnsDomain: string;

  constructor(scope: Construct, id: string, attributes: NamespaceAttributes) {
    super(scope, id);
    const owner = `PrivateDnsNamespace.fromNamespaceAttributes '${this.node.path}'`;
    requireNonEmptyString(owner, 'namespaceId', attributes.namespaceId);
    requireNonEmptyString(owner, 'namespaceName', attributes.namespaceName);
    this.namespaceId = attributes.namespaceId;
    this.namespaceName = attributes.namespaceName;
    this.dnsDomain = attributes.namespaceName;
  }
}
