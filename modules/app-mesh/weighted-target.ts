import type { IVirtualNode } from './virtual-node';

/** A virtual node that receives a share of a route's traffic. */
export interface WeightedTarget {
  /** The node. */
  readonly virtualNode: IVirtualNode;
  /** Relative weight of the node (App Mesh: 0-100); all weights of a route must not sum to 0. @default 1 */
  readonly weight?: number;
}
