/** CPU units and memory of a Fargate task. */
export interface TaskSize {
  /** Task CPU units (a Fargate size: 256, 512, 1024, ...). */
  readonly cpu: number;
  /** Task memory, in MiB (a size Fargate offers with `cpu`). */
  readonly memory: number;
}
