import { Construct } from 'constructs';
import { AppmeshVirtualNode } from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { AccessLog } from './access-log';
import type { Mesh } from './mesh';
import type { ServiceDiscovery } from './service-discovery';
import type { VirtualNodeListener } from './virtual-node-listener';
import type { VirtualService } from './virtual-service';

export interface VirtualNodeProps {
  /** The mesh the node belongs to. */
  readonly mesh: Mesh;
  /** Name of the virtual node. */
  readonly name: string;
  /** The listener of the node's app. */
  readonly listener: VirtualNodeListener;
  /** How Envoys find the node's own instances. */
  readonly serviceDiscovery: ServiceDiscovery;
  /** Virtual services this node calls; with a DROP_ALL mesh, the only mesh destinations it can reach. @default none */
  readonly backends?: readonly VirtualService[];
  /** Envoy's access log. @default AccessLog.fromFilePath('/dev/stdout') */
  readonly accessLog?: AccessLog;
}

/** A virtual node: the concrete service behind a virtual service, as its Envoy sidecars see it. */
export class VirtualNode extends Construct {
  /** The node's name. */
  public readonly virtualNodeName: string;
  /** The node's ARN (`APPMESH_RESOURCE_ARN` of its Envoys). */
  public readonly virtualNodeArn: string;
  /** The node's listener. */
  public readonly listener: VirtualNodeListener;
  /** The virtual services the node calls. */
  public readonly backends: readonly VirtualService[];
  /** The mesh of the node. */
  public readonly mesh: Mesh;

  constructor(scope: Construct, id: string, props: VirtualNodeProps) {
    super(scope, id);
    const owner = `VirtualNode '${this.node.path}'`;
    this.listener = props.listener;
    this.backends = props.backends ?? [];
    this.mesh = props.mesh;
    const node = new AppmeshVirtualNode(this, 'Resource', {
      name: props.name,
      meshName: props.mesh.meshName,
      spec: {
        backend: this.backends.length === 0 ? undefined : this.backends.map((service) => ({
          virtualService: { virtualServiceName: service.virtualServiceName },
        })),
        listener: [props.listener.render(owner)],
        serviceDiscovery: props.serviceDiscovery.render(),
        logging: (props.accessLog ?? AccessLog.fromFilePath('/dev/stdout')).render(),
      },
    });
    this.virtualNodeName = node.name;
    this.virtualNodeArn = node.arn;
  }
}
