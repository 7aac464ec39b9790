import type { MeshedTaskSize, ServiceTimeouts } from '@ev-pipeline/cdktf-mesh-constructs';

/** Settings of one service in one environment: the article's `ecs_services["<service>"]`. The port comes from the contract. */
export interface ServiceSettings {
  /** Per-request timeouts of the service's listener and of the route into it (`app_mesh_timeout`); route retries must fit in them. */
  readonly timeouts: Required<ServiceTimeouts>;
  /** Tasks to start with. */
  readonly desiredCount: number;
  /** Upper limit of running tasks during a deployment, in percent. */
  readonly deploymentMaximumPercent: number;
  /** Lower limit of healthy tasks during a deployment, in percent. */
  readonly deploymentMinimumHealthyPercent: number;
  /** CPU and memory of the task and what its sidecars reserve (`task_definition`). */
  readonly taskDefinition: MeshedTaskSize;
}
