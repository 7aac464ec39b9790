import type { TaskSize } from '../ecs/task-size';

/** What the App Mesh sidecars of a task reserve; the app gets the rest of the task. */
export interface SidecarSize {
  /** CPU units reserved for the Envoy sidecar. */
  readonly envoyCpu: number;
  /** Hard memory limit of the Envoy sidecar, in MiB. */
  readonly envoyMemory: number;
  /** CPU units reserved for the X-Ray daemon. */
  readonly xrayCpu: number;
  /** Memory reservation (soft limit) of the X-Ray daemon, in MiB. */
  readonly xrayMemory: number;
}

/** The sidecar sizes used when none are given: Envoy 128 CPU units / 256 MiB, X-Ray 32 / 64 MiB. */
export const DEFAULT_SIDECAR_SIZE: SidecarSize = Object.freeze({ envoyCpu: 128, envoyMemory: 256, xrayCpu: 32, xrayMemory: 64 });

/** CPU units and memory of a meshed task and of its sidecars. */
export interface MeshedTaskSize extends TaskSize, SidecarSize {}
