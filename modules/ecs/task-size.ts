/** CPU units and memory of a meshed task and of its sidecars (the article's `ecs_services[*].task_definition`). */
export interface MeshedTaskSize {
  /** Task CPU units (a Fargate size: 256, 512, 1024, ...). */
  readonly cpu: number;
  /** Task memory, in MiB (a size Fargate offers with `cpu`). */
  readonly memory: number;
  /** CPU units reserved for the Envoy sidecar. */
  readonly envoyCpu: number;
  /** Hard memory limit of the Envoy sidecar, in MiB. */
  readonly envoyMemory: number;
  /** CPU units reserved for the X-Ray daemon. */
  readonly xrayCpu: number;
  /** Memory reservation (soft limit) of the X-Ray daemon, in MiB. */
  readonly xrayMemory: number;
}
