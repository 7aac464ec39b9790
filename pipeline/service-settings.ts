import type { MeshedTaskSize, ServiceTimeouts } from '@ev-pipeline/cdktf-mesh-constructs';

/** Settings of one service in one environment: the article's `ecs_services["<service>"]`. The port comes from the contract. */
export interface ServiceSettings {
  /** Timeouts of requests and of calls into the service (`app_mesh_timeout`); retries of a call must fit in them. */
  readonly timeouts: Required<ServiceTimeouts>;
  /** Tasks to run where the service does not scale (the App Mesh stack, the article's fixed count). */
  readonly desiredCount: number;
  /** Fewest and most tasks where the service scales with its load (the Service Connect stacks). */
  readonly scaling: TaskCountRange;
  /** Upper limit of running tasks during a deployment, in percent. */
  readonly deploymentMaximumPercent: number;
  /** Lower limit of healthy tasks during a deployment, in percent. */
  readonly deploymentMinimumHealthyPercent: number;
  /** CPU and memory of the task and what its sidecars reserve (`task_definition`). */
  readonly taskDefinition: MeshedTaskSize;
}

/** The fewest and the most tasks of a scaled service. */
export interface TaskCountRange {
  /** Fewest tasks (two in production: one per Availability Zone). */
  readonly minTasks: number;
  /** Most tasks; max tasks × task size must fit the environment's scaling budget. */
  readonly maxTasks: number;
}
