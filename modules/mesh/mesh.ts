import { Construct } from 'constructs';
import { AppmeshMesh } from '@cdktf/provider-aws/lib/appmesh-mesh';

/** What the mesh's Envoys do with traffic to destinations outside the mesh; the values are the API strings. */
export enum MeshEgressFilter {
  /** Only traffic to virtual services of the mesh (and to egress-ignored IPs/ports) leaves a task. */
  DROP_ALL = 'DROP_ALL',
  /** Traffic to any destination is allowed. */
  ALLOW_ALL = 'ALLOW_ALL',
}

export interface MeshProps {
  /** Name of the mesh. */
  readonly name: string;
  /** Egress filter of the mesh. @default MeshEgressFilter.DROP_ALL */
  readonly egressFilter?: MeshEgressFilter;
  /** Tags of the mesh. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An App Mesh service mesh: the boundary of the virtual services, nodes and routers in it. */
export class Mesh extends Construct {
  /** The mesh's name, as other App Mesh resources reference it (`mesh_name`). */
  public readonly meshName: string;
  /** The mesh's ARN. */
  public readonly meshArn: string;
  /** The egress filter in force. */
  public readonly egressFilter: MeshEgressFilter;

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id);
    this.egressFilter = props.egressFilter ?? MeshEgressFilter.DROP_ALL;
    const mesh = new AppmeshMesh(this, 'Resource', {
      name: props.name,
      spec: { egressFilter: { type: this.egressFilter } },
      tags: props.tags ? { ...props.tags } : undefined,
    });
    // The article references `aws_appmesh_mesh.app-mesh.id`, which is the mesh name.
    this.meshName = mesh.id;
    this.meshArn = mesh.arn;
  }
}
