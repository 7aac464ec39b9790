import { Construct, type IConstruct } from 'constructs';
import { AppmeshVirtualRouter } from '@cdktf/provider-aws/lib/appmesh-virtual-router';
import { requireNonEmptyString, requirePort } from '../core/prop-error';
import type { IMesh } from './mesh';
import { ListenerProtocol } from './protocol';
import { Route, type RouteOptions } from './route';

/** A virtual router, created here or elsewhere: receives a virtual service's traffic and hands it to its routes. */
export interface IVirtualRouter extends IConstruct {
  /** The router's name. */
  readonly virtualRouterName: string;
  /** The mesh of the router. */
  readonly mesh: IMesh;
  /** Adds an HTTP route to the router, in `scope` (default: the router). */
  addRoute(id: string, options: RouteOptions, scope?: Construct): Route;
}

export interface VirtualRouterProps {
  /** The mesh the router belongs to. */
  readonly mesh: IMesh;
  /** Name of the virtual router. */
  readonly name: string;
  /** Port the router listens on (1-65535), usually the target nodes' listener port. */
  readonly port: number;
  /** Protocol of the router's listener. @default ListenerProtocol.HTTP */
  readonly protocol?: ListenerProtocol;
}

abstract class VirtualRouterBase extends Construct implements IVirtualRouter {
  public abstract readonly virtualRouterName: string;
  public abstract readonly mesh: IMesh;

  public addRoute(id: string, options: RouteOptions, scope: Construct = this): Route {
    return new Route(scope, id, { ...options, router: this });
  }
}

/** A virtual router: receives a virtual service's traffic and hands it to its routes. */
export class VirtualRouter extends VirtualRouterBase {
  /** An existing virtual router of `mesh`, by name; creates nothing. Add routes to it with `addRoute`. */
  public static fromVirtualRouterName(scope: Construct, id: string, mesh: IMesh, virtualRouterName: string): IVirtualRouter {
    return new ImportedVirtualRouter(scope, id, mesh, virtualRouterName);
  }

  /** The router's name. */
  public readonly virtualRouterName: string;
  /** The router's ARN. */
  public readonly virtualRouterArn: string;
  /** The mesh of the router. */
  public readonly mesh: IMesh;

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

class ImportedVirtualRouter extends VirtualRouterBase {
  constructor(
    scope: Construct,
    id: string,
    public readonly mesh: IMesh,
    public readonly virtualRouterName: string,
  ) {
    super(scope, id);
    requireNonEmptyString(`VirtualRouter.fromVirtualRouterName '${this.node.path}'`, 'virtualRouterName', virtualRouterName);
  }
}
