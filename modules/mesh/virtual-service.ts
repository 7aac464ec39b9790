import { Construct } from 'constructs';
import {
  AppmeshVirtualService,
  type AppmeshVirtualServiceSpecProvider,
} from '@cdktf/provider-aws/lib/appmesh-virtual-service';
import type { Mesh } from './mesh';
import type { VirtualNode } from './virtual-node';
import type { VirtualRouter } from './virtual-router';

/** What serves a virtual service's traffic. */
export class VirtualServiceProvider {
  /** A virtual router, whose routes carry retry policies, timeouts and weighted targets. */
  public static virtualRouter(router: VirtualRouter): VirtualServiceProvider {
    return new VirtualServiceProvider(router, undefined);
  }

  /** A virtual node directly; no routes, so no retry policy or traffic splitting. */
  public static virtualNode(node: VirtualNode): VirtualServiceProvider {
    return new VirtualServiceProvider(undefined, node);
  }

  private constructor(
    /** The router, when the provider is a router. */
    public readonly router: VirtualRouter | undefined,
    /** The node, when the provider is a node. */
    public readonly node: VirtualNode | undefined,
  ) {}

  /** Renders the provider block. */
  public render(): AppmeshVirtualServiceSpecProvider {
    return this.router
      ? { virtualRouter: { virtualRouterName: this.router.virtualRouterName } }
      : { virtualNode: { virtualNodeName: this.node!.virtualNodeName } };
  }
}

export interface VirtualServiceProps {
  /** The mesh the service belongs to. */
  readonly mesh: Mesh;
  /** DNS name of the service, e.g. `data-processing.dev.example.internal`; apps call it by this name. */
  readonly name: string;
  /** What serves the traffic. */
  readonly provider: VirtualServiceProvider;
}

/** A virtual service: the name by which apps in the mesh call a service. */
export class VirtualService extends Construct {
  /** The service's name (its DNS name). */
  public readonly virtualServiceName: string;
  /** The service's ARN. */
  public readonly virtualServiceArn: string;
  /** What serves the service's traffic. */
  public readonly provider: VirtualServiceProvider;

  constructor(scope: Construct, id: string, props: VirtualServiceProps) {
    super(scope, id);
    this.provider = props.provider;
    const service = new AppmeshVirtualService(this, 'Resource', {
      name: props.name,
      meshName: props.mesh.meshName,
      spec: { provider: props.provider.render() },
    });
    this.virtualServiceName = service.name;
    this.virtualServiceArn = service.arn;
  }
}
