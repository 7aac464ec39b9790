import { Construct, type IConstruct } from 'constructs';
import { Token } from 'cdktf';
import { ServiceDiscoveryHttpNamespace } from '@cdktf/provider-aws/lib/service-discovery-http-namespace';
import { InvalidPropError, requireNonEmptyString } from '../core/prop-error';

/**
 * A Cloud Map HTTP namespace, created here or elsewhere, in which ECS
 * Service Connect registers its endpoints. Service Connect needs no DNS:
 * the proxy resolves client aliases from the namespace through the ECS
 * control plane, so an HTTP namespace is enough.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html
 */
export interface IHttpNamespace extends IConstruct {
  /** The namespace's ARN, as `service_connect_configuration.namespace` and `service_connect_defaults.namespace` take it. */
  readonly namespaceArn: string;
  /** The namespace's name. */
  readonly namespaceName: string;
}

export interface HttpNamespaceProps {
  /** Name of the namespace (unique among the account's Cloud Map namespaces in the region). */
  readonly name: string;
  /** Description of the namespace. @default none */
  readonly description?: string;
}

export interface HttpNamespaceAttributes {
  /** ARN of the existing namespace (`arn:<partition>:servicediscovery:<region>:<account>:namespace/ns-…`). */
  readonly namespaceArn: string;
  /** Name of the existing namespace. */
  readonly namespaceName: string;
}

/**
 * A Cloud Map HTTP namespace (`aws_service_discovery_http_namespace`) of its
 * own for Service Connect. Not the private DNS namespace of an App Mesh
 * stack: both data planes register their services under the same names, and
 * Cloud Map would reject the second registration of a name in one namespace.
 */
export class HttpNamespace extends Construct implements IHttpNamespace {
  /** An existing HTTP namespace, by ARN and name; creates nothing. */
  public static fromNamespaceAttributes(scope: Construct, id: string, attributes: HttpNamespaceAttributes): IHttpNamespace {
    return new ImportedHttpNamespace(scope, id, attributes);
  }

  /** The namespace's ARN. */
  public readonly namespaceArn: string;
  /** The namespace's name. */
  public readonly namespaceName: string;
  /** The namespace's ID (`ns-…`). */
  public readonly namespaceId: string;

  constructor(scope: Construct, id: string, props: HttpNamespaceProps) {
    super(scope, id);
    requireNonEmptyString(this, 'name', props.name);
    const namespace = new ServiceDiscoveryHttpNamespace(this, 'Resource', {
      name: props.name,
      ...(props.description !== undefined ? { description: props.description } : {}),
    });
    this.namespaceArn = namespace.arn;
    this.namespaceName = namespace.name;
    this.namespaceId = namespace.id;
  }
}

const NAMESPACE_ARN = /^arn:[^:]+:servicediscovery:[^:]*:[^:]*:namespace\/ns-[0-9a-z]+$/;

class ImportedHttpNamespace extends Construct implements IHttpNamespace {
  public readonly namespaceArn: string;
  public readonly namespaceName: string;

  constructor(scope: Construct, id: string, attributes: HttpNamespaceAttributes) {
    super(scope, id);
    const owner = `HttpNamespace.fromNamespaceAttributes '${this.node.path}'`;
    requireNonEmptyString(owner, 'namespaceArn', attributes.namespaceArn);
    requireNonEmptyString(owner, 'namespaceName', attributes.namespaceName);
    if (!Token.isUnresolved(attributes.namespaceArn) && !NAMESPACE_ARN.test(attributes.namespaceArn)) {
      throw new InvalidPropError(
        owner,
        'namespaceArn',
        `must look like arn:aws:servicediscovery:<region>:<account>:namespace/ns-<id>, got '${attributes.namespaceArn}' (string)`,
      );
    }
    this.namespaceArn = attributes.namespaceArn;
    this.namespaceName = attributes.namespaceName;
  }
}
