import { Construct, type IConstruct } from 'constructs';
import {
  AppmeshVirtualNode,
  type AppmeshVirtualNodeSpec,
  type AppmeshVirtualNodeSpecListener,
  type AppmeshVirtualNodeSpecLogging,
  type AppmeshVirtualNodeSpecServiceDiscovery,
} from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import { describeValue, InvalidPropError, requireNonEmptyString } from '../core/prop-error';
import { AccessLog } from './access-log';
import { isSameMesh, type IMesh } from './mesh';
import type { ServiceDiscovery } from './service-discovery';
import type { VirtualNodeListener } from './virtual-node-listener';
import type { IVirtualService } from './virtual-service';

/** A virtual node, created here or elsewhere: the concrete service behind a virtual service. */
export interface IVirtualNode extends IConstruct {
  /** The node's name. */
  readonly virtualNodeName: string;
  /** The mesh of the node. */
  readonly mesh: IMesh;
}

export interface VirtualNodeProps {
  /** The mesh the node belongs to. */
  readonly mesh: IMesh;
  /** Name of the virtual node. */
  readonly name: string;
  /** The listener of the node's app. */
  readonly listener: VirtualNodeListener;
  /** How Envoys find the node's own instances. */
  readonly serviceDiscovery: ServiceDiscovery;
  /** Virtual services this node calls; with a DROP_ALL mesh, the only mesh destinations it can reach. @default none */
  readonly backends?: readonly IVirtualService[];
  /** Envoy's access log. @default AccessLog.fromFilePath('/dev/stdout') */
  readonly accessLog?: AccessLog;
}

/**
 * Throws unless every entry of `backends` is a virtual service of `mesh`;
 * `prop` is the prop as the caller wrote it (`backends`, `spec.backends`).
 * @internal
 */
export function requireBackendsOf(owner: IConstruct | string, prop: string, mesh: IMesh, backends: readonly unknown[]): void {
  backends.forEach((backend, index) => requireBackendOf(owner, `${prop}[${index}]`, mesh, backend));
}

/**
 * Throws unless `backend` is a virtual service of `mesh`.
 * @internal
 */
export function requireBackendOf(owner: IConstruct | string, prop: string, mesh: IMesh, backend: unknown): void {
  const candidate = backend as Partial<IVirtualService> | undefined;
  if (typeof candidate?.virtualServiceName !== 'string' || candidate.mesh === undefined || candidate.node === undefined) {
    throw new InvalidPropError(
      owner,
      prop,
      `must be a virtual service (a VirtualService, a MeshedService's virtualService, or VirtualService.fromVirtualServiceName), got ${describeValue(backend)}`,
    );
  }
  if (!isSameMesh(candidate.mesh, mesh)) {
    throw new InvalidPropError(
      owner,
      prop,
      `virtual service '${candidate.node.path}' belongs to mesh '${candidate.mesh.node.path}', not to '${mesh.node.path}'; a node can only call services of its own mesh`,
    );
  }
}

/** A virtual node: the concrete service behind a virtual service, as its Envoy sidecars see it. */
export class VirtualNode extends Construct implements IVirtualNode {
  /** An existing virtual node of `mesh`, by name (as a route target); creates nothing. */
  public static fromVirtualNodeName(scope: Construct, id: string, mesh: IMesh, virtualNodeName: string): IVirtualNode {
    return new ImportedVirtualNode(scope, id, mesh, virtualNodeName);
  }

  /** The node's name. */
  public readonly virtualNodeName: string;
  /** The node's ARN (`APPMESH_RESOURCE_ARN` of its Envoys). */
  public readonly virtualNodeArn: string;
  /** The node's listener. */
  public readonly listener: VirtualNodeListener;
  /** The mesh of the node. */
  public readonly mesh: IMesh;
  private readonly resource: AppmeshVirtualNode;
  private readonly backendList: IVirtualService[];
  private readonly listenerSpec: AppmeshVirtualNodeSpecListener[];
  private readonly serviceDiscoverySpec: AppmeshVirtualNodeSpecServiceDiscovery;
  private readonly loggingSpec: AppmeshVirtualNodeSpecLogging;

  constructor(scope: Construct, id: string, props: VirtualNodeProps) {
    super(scope, id);
    const owner = `VirtualNode '${this.node.path}'`;
    requireBackendsOf(this, 'backends', props.mesh, props.backends ?? []);
    this.listener = props.listener;
    this.backendList = [...(props.backends ?? [])];
    this.mesh = props.mesh;
    this.listenerSpec = [props.listener.render(owner)];
    this.serviceDiscoverySpec = props.serviceDiscovery.render();
    this.loggingSpec = (props.accessLog ?? AccessLog.fromFilePath('/dev/stdout')).render();
    this.resource = new AppmeshVirtualNode(this, 'Resource', {
      name: props.name,
      meshName: props.mesh.meshName,
      spec: this.renderSpec(),
    });
    this.virtualNodeName = this.resource.name;
    this.virtualNodeArn = this.resource.arn;
  }

  /** The virtual services the node calls. */
  public get backends(): readonly IVirtualService[] {
    return this.backendList;
  }

  /** Lets the node call `backend` too (for example a service another stack adds later). */
  public addBackend(backend: IVirtualService): void {
    requireBackendOf(this, 'addBackend(backend)', this.mesh, backend);
    this.backendList.push(backend);
    this.resource.putSpec(this.renderSpec());
  }

  private renderSpec(): AppmeshVirtualNodeSpec {
    const backend = this.backendList.map((service) => ({ virtualService: { virtualServiceName: service.virtualServiceName } }));
    return {
      ...(backend.length > 0 ? { backend } : {}),
      listener: this.listenerSpec,
      serviceDiscovery: this.serviceDiscoverySpec,
      logging: this.loggingSpec,
    };
  }
}

class ImportedVirtualNode extends Construct implements IVirtualNode {
  constructor(
    scope: Construct,
    id: string,
    public readonly mesh: IMesh,
    public readonly virtualNodeName: string,
  ) {
    super(scope, id);
    requireNonEmptyString(`VirtualNode.fromVirtualNodeName '${this.node.path}'`, 'virtualNodeName', virtualNodeName);
  }
}
