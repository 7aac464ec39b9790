import { Duration, type MeshedTaskSize, type ScalingBudget, type ServiceTimeouts } from '@ev-pipeline/cdktf-mesh-constructs';
import { PROCESSING_CALL_TIMEOUT_MS } from '../contract/retry-policy';
import { DATA_INGESTION, DATA_PROCESSING, type ServiceIdentity } from '../contract/services';
import { DataPlane } from './data-plane';
import type { ServiceSettings, TaskCountRange } from './service-settings';

/** The environments this app knows; each synthesizes its own stack. */
export type EnvironmentName = 'dev' | 'prd';

/** One value per service of the pipeline. */
export interface PipelineServices<T> {
  /** data-ingestion's. */
  readonly ingestion: T;
  /** data-processing's. */
  readonly processing: T;
}

/** The pipeline's services, by their role. */
export const PIPELINE_SERVICES: PipelineServices<ServiceIdentity> = Object.freeze({
  ingestion: DATA_INGESTION,
  processing: DATA_PROCESSING,
});

/** The typed configuration of one environment (the article's variables that are not account-specific). */
export interface EnvironmentConfig {
  /** Environment name: the `<env>` of every resource name and of `<env>.<internal domain>`. */
  readonly env: EnvironmentName;
  /** The data planes the environment runs on, one stack each (see `stackIdOf`). */
  readonly dataPlanes: readonly DataPlane[];
  /** Settings of each of the pipeline's services. */
  readonly services: PipelineServices<ServiceSettings>;
  /** Days to keep the services' logs. */
  readonly logRetentionDays: number;
  /** Allow ECS Exec into the tasks (the article reaches the services through Session Manager). */
  readonly enableExecuteCommand: boolean;
  /** The shared-state cache (ElastiCache for Valkey) of breaker state and idempotency keys; none: each process keeps its own. */
  readonly sharedStateCache?: { readonly nodeType: string; readonly nodeCount: number };
  /** Failure rate of data-processing above which the alarm fires, in percent. */
  readonly failureRateAlarmPercent: number;
  /** Whether the services honour the fault switches (`FAULT_INJECTION=enabled`: the article's `x-503` experiment); never in production. */
  readonly faultInjection: boolean;
  /** What all tasks of one scaled service may use at most: max tasks × task size must fit. */
  readonly scalingBudget: ScalingBudget;
  /** The front door's settings (Service Connect stacks). */
  readonly frontDoor: FrontDoorSettings;
}

/** The front door's settings of one environment. */
export interface FrontDoorSettings {
  /** Whether the load balancer refuses deletion (production). */
  readonly deletionProtection: boolean;
  /** Requests one client IP may send per 5 minutes before WAF blocks it. */
  readonly rateLimitPer5Minutes: number;
}

/** Headroom of the route and listener timeouts over the retry schedule, for the hops through Envoy. */
const ENVOY_HOPS_HEADROOM_SECONDS = 2;

/**
 * Per-request timeout of the data-processing route and of the listeners on
 * its call path, derived from the retry policy: the contract's
 * `PROCESSING_CALL_TIMEOUT_MS` (13 attempts × 5 s plus Envoy's worst-case
 * back-off, 67.5 s, rounded up: 68 s, the deadline ingestion applies too)
 * plus 2 s for the hops through the Envoys: 70 s. App Mesh's default of 15 s
 * would cut the retries after 2 attempts. See docs/infrastructure.md,
 * "Retry budget".
 */
const PIPELINE_TIMEOUT = Duration.seconds(PROCESSING_CALL_TIMEOUT_MS / 1000 + ENVOY_HOPS_HEADROOM_SECONDS);

const SMALL_TASK: MeshedTaskSize = { cpu: 512, memory: 1024, envoyCpu: 128, envoyMemory: 256, xrayCpu: 32, xrayMemory: 64 };
const LARGE_TASK: MeshedTaskSize = { cpu: 1024, memory: 2048, envoyCpu: 256, envoyMemory: 512, xrayCpu: 32, xrayMemory: 64 };

/** Timeouts of requests and calls into each service: both the pipeline timeout. */
const PIPELINE_TIMEOUTS: Required<ServiceTimeouts> = { request: PIPELINE_TIMEOUT, call: PIPELINE_TIMEOUT };

/** A service's settings: the pipeline's timeouts, rolling deployments that keep every task until its replacement is healthy. */
function settings(taskDefinition: MeshedTaskSize, desiredCount: number, scaling: TaskCountRange): ServiceSettings {
  return {
    timeouts: PIPELINE_TIMEOUTS,
    desiredCount,
    scaling,
    deploymentMaximumPercent: 200,
    deploymentMinimumHealthyPercent: 100,
    taskDefinition,
  };
}

export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    env: 'dev',
    // The article's App Mesh stack, and the Service Connect stack that deploys today.
    dataPlanes: [DataPlane.APP_MESH, DataPlane.SERVICE_CONNECT],
    logRetentionDays: 30,
    enableExecuteCommand: false,
    sharedStateCache: { nodeType: 'cache.t4g.micro', nodeCount: 2 },
    failureRateAlarmPercent: 5,
    faultInjection: true,
    scalingBudget: { maxVcpu: 4, maxMemoryGiB: 8 },
    frontDoor: { deletionProtection: false, rateLimitPer5Minutes: 2_000 },
    services: {
      ingestion: settings(SMALL_TASK, 1, { minTasks: 1, maxTasks: 4 }),
      processing: settings(SMALL_TASK, 1, { minTasks: 1, maxTasks: 4 }),
    },
  },
  prd: {
    env: 'prd',
    // App Mesh reached end of support on 2026-09-30: production runs on Service Connect.
    dataPlanes: [DataPlane.SERVICE_CONNECT],
    logRetentionDays: 365,
    enableExecuteCommand: false,
    sharedStateCache: { nodeType: 'cache.t4g.small', nodeCount: 2 },
    failureRateAlarmPercent: 5,
    faultInjection: false,
    scalingBudget: { maxVcpu: 64, maxMemoryGiB: 128 },
    frontDoor: { deletionProtection: true, rateLimitPer5Minutes: 2_000 },
    services: {
      ingestion: settings(LARGE_TASK, 2, { minTasks: 2, maxTasks: 50 }),
      processing: settings(LARGE_TASK, 3, { minTasks: 2, maxTasks: 50 }),
    },
  },
};

/** The configuration of `name`; throws naming the known environments otherwise. */
export function environmentConfig(name: string): EnvironmentConfig {
  if (!(name in ENVIRONMENTS)) {
    throw new Error(`config: unknown environment '${name}'; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
  }
  return ENVIRONMENTS[name as EnvironmentName];
}

/** The names of the pipeline's services, as the contract names them. */
export const PIPELINE_SERVICE_NAMES: readonly string[] = Object.values(PIPELINE_SERVICES).map((service: ServiceIdentity) => service.name);

/** The settings of service `serviceName` in `config`; throws naming the service otherwise. */
export function serviceSettings(config: EnvironmentConfig, serviceName: string): ServiceSettings {
  const role = (Object.keys(PIPELINE_SERVICES) as (keyof PipelineServices<unknown>)[]).find(
    (key) => PIPELINE_SERVICES[key].name === serviceName,
  );
  if (role === undefined) throw new Error(`config '${config.env}': no settings for service '${serviceName}'`);
  return config.services[role];
}
