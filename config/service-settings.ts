import type { Duration } from '../modules/core/duration';
import type { MeshedTaskSize } from '../modules/ecs/task-size';

/** Settings of one service in one environment: the article's `ecs_services["<service>"]`. */
export interface ServiceSettings {
  /** Port the app listens on (from the contract). */
  readonly appPort: number;
  /** Per-request timeout of the service's listener and route (`app_mesh_timeout`); route retries must fit in it. */
  readonly meshTimeout: Duration;
  /** Tasks to start with. */
  readonly desiredCount: number;
  /** Upper limit of running tasks during a deployment, in percent. */
  readonly deploymentMaximumPercent: number;
  /** Lower limit of healthy tasks during a deployment, in percent. */
  readonly deploymentMinimumHealthyPercent: number;
  /** CPU and memory of the task and its sidecars (`task_definition`). */
  readonly taskDefinition: MeshedTaskSize;
}
