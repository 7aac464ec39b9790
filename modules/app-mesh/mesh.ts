import { Construct, type IConstruct } from 'constructs';
import { AppmeshMesh } from '@cdktf/provider-aws/lib/appmesh-mesh';
import { requireNonEmptyString } from '../core/prop-error';

/** What the mesh's Envoys do with traffic to destinations outside the mesh; the values are the API strings. */
export enum MeshEgressFilter {
  /** Only traffic to virtual services of the mesh (and to egress-ignored IPs/ports) leaves a task. */
  DROP_ALL = 'DROP_ALL',
  /** Traffic to any destination is allowed. */
  ALLOW_ALL = 'ALLOW_ALL',
}

/** A service mesh, created here or elsewhere; what the mesh's resources reference. */
export interface IMesh extends IConstruct {
  /** The mesh's name, as other App Mesh resources reference it (`mesh_name`). */
  readonly meshName: string;
  /** The egress filter in force, when known (undefined for a mesh imported by name only). */
  readonly egressFilter: MeshEgressFilter | undefined;
}

export interface MeshAttributes {
  /** Name of the existing mesh. */
  readonly meshName: string;
  /** Its egress filter, if you know it: lets services check they can reach what they call. @default unknown (treated as DROP_ALL) */
  readonly egressFilter?: MeshEgressFilter;
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
export class Mesh extends Construct implements IMesh {
  /** An existing mesh, by name; creates nothing. */
  public static fromMeshName(scope: Construct, id: string, meshName: string): IMesh {
    return Mesh.fromMeshAttributes(scope, id, { meshName });
  }

  /** An existing mesh, by name and (optionally) its egress filter; creates nothing. */
  public static fromMeshAttributes(scope: Construct, id: string, attributes: MeshAttributes): IMesh {
    return new ImportedMesh(scope, id, attributes);
  }

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
      ...(props.tags ? { tags: { ...props.tags } } : {}),
    });
    // The `id` attribute of `aws_appmesh_mesh` is the mesh name.
    this.meshName = mesh.id;
    this.meshArn = mesh.arn;
    CONFIGURED_NAMES.set(this, props.name);
  }
}

/** The names meshes were created with, to tell an imported mesh of the same name from another mesh. */
const CONFIGURED_NAMES = new WeakMap<IMesh, string>();

/**
 * Whether `a` and `b` are the same mesh: the same object, or the same name (a mesh imported by the name of one created here).
 * @internal
 */
export function isSameMesh(a: IMesh, b: IMesh): boolean {
  if (a === b) return true;
  const nameOf = (mesh: IMesh) => CONFIGURED_NAMES.get(mesh) ?? mesh.meshName;
  return nameOf(a) === nameOf(b);
}

class ImportedMesh extends Construct implements IMesh {
  public readonly meshName: string;
  public readonly egressFilter: MeshEgressFilter | undefined;

  constructor(scope: Construct, id: string, attributes: MeshAttributes) {
    super(scope, id);
    requireNonEmptyString(`Mesh.fromMeshAttributes '${this.node.path}'`, 'meshName', attributes.meshName);
    this.meshName = attributes.meshName;
    this.egressFilter = attributes.egressFilter;
  }
}
