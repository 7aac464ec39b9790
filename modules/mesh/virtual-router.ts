import { Construct } from 'constructs';
import { AppmeshVirtualRouter } from '@cdktf/provider-aws/lib/appmesh-virtual-router';
import { requirePort } from '../core/prop-error';
import type { Mesh } from './mesh';
import { ListenerProtocol } from './protocol';

export interface VirtualRouterProps {
  /** The mesh the router belongs to. */
  readonly mesh: Mesh;
  /** Name of the virtual router. */
  readonly name: string;
  /** Port the router listens on (1-65535), usually the target nodes' listener port. */
  readonly port: number;
  /** Protocol of the router's listener. @default ListenerProtocol.HTTP */
  readonly protocol?: ListenerProtocol;
}

/** A virtual router: receives a virtual service's traffic and hands it to its routes. */
export class VirtualRouter extends Construct {
  /** The router's name. */
  public readonly virtualRouterName: string;
  /** The router's ARN. */
  public readonly virtualRouterArn: string;
  /** The mesh of the router. */
  public readonly mesh: Mesh;

  constructor(scope: Construct, id: string, props: VirtualRouterProps) {
    super(scope, id);
    requirePort(this, 'port', props.port);
    this.mesh = props.mesh;
    const router = new AppmeshVirtualRouter(this, 'Resource', {
      name: props.name,
      meshName: props.mesh.meshName,
      spec: {
        listener: [{ portMapping: { port: props.port, protocol: props.protocol ?? ListenerProtocol.HTTP } }],
      },
    });
    this.virtualRouterName = router.name;
    this.virtualRouterArn = router.arn;
  }
}
