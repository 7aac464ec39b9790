import { Duration, type MeshedTaskSize } from '@ev-pipeline/cdktf-mesh-constructs';
import { PROCESSING_CALL_TIMEOUT_MS } from '../contract/retry-policy';
import { DATA_INGESTION, DATA_PROCESSING } from '../contract/services';
import { DataPlane } from './data-plane';
import type { ServiceSettings } from './service-settings';

/** The environments this app knows; each synthesizes its own stack. */
export type EnvironmentName = 'dev' | 'prd';

/** The typed configuration of one environment (the article's variables that are not account-specific). */
export interface EnvironmentConfig {
  /** Environment name: the `<env>` of every resource name and of `<env>.<internal domain>`. */
  readonly env: EnvironmentName;
  /** The data planes the environment runs on, one stack each (see `stackIdOf`). */
  readonly dataPlanes: readonly DataPlane[];
  /** Settings per service, keyed by the contract's service name. */
  readonly services: Readonly<Record<string, ServiceSettings>>;
  /** Days to keep the services' logs. */
  readonly logRetentionDays: number;
  /** Allow ECS Exec into the tasks (the article reaches the services through Session Manager). */
  readonly enableExecuteCommand: boolean;
  /** The shared-state cache (ElastiCache for Valkey) of breaker state and idempotency keys; none: each process keeps its own. */
  readonly sharedStateCache?: { readonly nodeType: string; readonly nodeCount: number };
  /** Failure rate of data-processing above which the alarm fires, in percent. */
  readonly failureRateAlarmPercent: number;
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

export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    env: 'dev',
    // The article's App Mesh stack, and the Service Connect stack that deploys today.
    dataPlanes: [DataPlane.APP_MESH, DataPlane.SERVICE_CONNECT],
    logRetentionDays: 30,
    enableExecuteCommand: false,
    sharedStateCache: { nodeType: 'cache.t4g.micro', nodeCount: 2 },
    failureRateAlarmPercent: 5,
    services: {
      [DATA_INGESTION.name]: {
        timeouts: { listener: PIPELINE_TIMEOUT, route: PIPELINE_TIMEOUT },
        desiredCount: 1,
        deploymentMaximumPercent: 200,
        deploymentMinimumHealthyPercent: 100,
        taskDefinition: SMALL_TASK,
      },
      [DATA_PROCESSING.name]: {
        timeouts: { listener: PIPELINE_TIMEOUT, route: PIPELINE_TIMEOUT },
        desiredCount: 1,
        deploymentMaximumPercent: 200,
        deploymentMinimumHealthyPercent: 100,
        taskDefinition: SMALL_TASK,
      },
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
    services: {
      [DATA_INGESTION.name]: {
        timeouts: { listener: PIPELINE_TIMEOUT, route: PIPELINE_TIMEOUT },
        desiredCount: 2,
        deploymentMaximumPercent: 200,
        deploymentMinimumHealthyPercent: 100,
        taskDefinition: LARGE_TASK,
      },
      [DATA_PROCESSING.name]: {
        timeouts: { listener: PIPELINE_TIMEOUT, route: PIPELINE_TIMEOUT },
        desiredCount: 3,
        deploymentMaximumPercent: 200,
        deploymentMinimumHealthyPercent: 100,
        taskDefinition: LARGE_TASK,
      },
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

/** The settings of service `serviceName` in `config`; throws naming the service otherwise. */
export function serviceSettings(config: EnvironmentConfig, serviceName: string): ServiceSettings {
  const settings = config.services[serviceName];
  if (!settings) throw new Error(`config '${config.env}': no settings for service '${serviceName}'`);
  return settings;
}
