import { Construct, type IConstruct } from 'constructs';
import { AppmeshVirtualService, type AppmeshVirtualServiceSpecProvider } from '@cdktf/provider-aws/lib/appmesh-virtual-service';
import { requireNonEmptyString } from '../core/prop-error';
import type { IMesh } from './mesh';
import type { IVirtualNode } from './virtual-node';
import type { IVirtualRouter } from './virtual-router';

/** A virtual service, created here or elsewhere: the name by which apps in a mesh call a service. */
export interface IVirtualService extends IConstruct {
  /** The service's name (its DNS name). */
  readonly virtualServiceName: string;
  /** The mesh of the service. */
  readonly mesh: IMesh;
}

/** What serves a virtual service's traffic. */
export class VirtualServiceProvider {
  /** A virtual router, whose routes carry retry policies, timeouts and weighted targets. */
  public static virtualRouter(router: IVirtualRouter): VirtualServiceProvider {
    return new VirtualServiceProvider(router, undefined);
  }

  /** A virtual node directly; no routes, so no retry policy or traffic splitting. */
  public static virtualNode(node: IVirtualNode): VirtualServiceProvider {
    return new VirtualServiceProvider(undefined, node);
  }

  private constructor(
    /** The router, when the provider is a router. */
    public readonly router: IVirtualRouter | undefined,
    /** The node, when the provider is a node. */
    public readonly node: IVirtualNode | undefined,
  ) {}

  /** Renders the provider block. */
  public render(): AppmeshVirtualServiceSpecProvider {
    if (this.router) return { virtualRouter: { virtualRouterName: this.router.virtualRouterName } };
    return { virtualNode: { virtualNodeName: this.node!.virtualNodeName } };
  }
}

export interface VirtualServiceProps {
  /** The mesh the service belongs to. */
  readonly mesh: IMesh;
  /** DNS name of the service, e.g. `data-processing.dev.example.internal`; apps call it by this name. */
  readonly name: string;
  /** What serves the traffic. */
  readonly provider: VirtualServiceProvider;
}

/** A virtual service: the name by which apps in the mesh call a service. */
export class VirtualService extends Construct implements IVirtualService {
  /** An existing virtual service of `mesh`, by name; creates nothing. Give it to a node as a backend. */
  public static fromVirtualServiceName(scope: Construct, id: string, mesh: IMesh, virtualServiceName: string): IVirtualService {
    return new ImportedVirtualService(scope, id, mesh, virtualServiceName);
  }

  /** The service's name (its DNS name). */
  public readonly virtualServiceName: string;
  /** The service's ARN. */
  public readonly virtualServiceArn: string;
  /** What serves the service's traffic. */
  public readonly provider: VirtualServiceProvider;
  /** The mesh of the service. */
  public readonly mesh: IMesh;

  constructor(scope: Construct, id: string, props: VirtualServiceProps) {
    super(scope, id);
    this.provider = props.provider;
    this.mesh = props.mesh;
    const service = new AppmeshVirtualService(this, 'Resource', {
      name: props.name,
      meshName: props.mesh.meshName,
      spec: { provider: props.provider.render() },
    });
    this.virtualServiceName = service.name;
    this.virtualServiceArn = service.arn;
  }
}

class ImportedVirtualService extends Construct implements IVirtualService {
  constructor(
    scope: Construct,
    id: string,
    public readonly mesh: IMesh,
    public readonly virtualServiceName: string,
  ) {
    super(scope, id);
    requireNonEmptyString(`VirtualService.fromVirtualServiceName '${this.node.path}'`, 'virtualServiceName', virtualServiceName);
  }
}
