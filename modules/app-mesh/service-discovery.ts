import type { AppmeshVirtualNodeSpecServiceDiscovery } from '@cdktf/provider-aws/lib/appmesh-virtual-node';

/** Where a virtual node's Envoys find the instances of the node's own service. */
export class ServiceDiscovery {
  /**
   * AWS Cloud Map: the node's instances are those registered in `serviceName`
   * of `namespaceName`. `serviceName` is the Cloud Map service's own name
   * (`data-processing`), not the virtual service's DNS name.
   */
  public static cloudMap(namespaceName: string, serviceName: string): ServiceDiscovery {
    return new ServiceDiscovery({ awsCloudMap: { namespaceName, serviceName } });
  }

  private constructor(private readonly rendered: AppmeshVirtualNodeSpecServiceDiscovery) {}

  /** Renders the provider block. */
  public render(): AppmeshVirtualNodeSpecServiceDiscovery {
    return this.rendered;
  }
}
