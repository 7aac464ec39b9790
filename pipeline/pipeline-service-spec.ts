import { ContainerHealthCheck, HttpProbeRuntime, ServiceImage, type ServiceSpec } from '@ev-pipeline/cdktf-mesh-constructs';
import { APP_USER, type RetryMode, type ServiceIdentity } from '../contract/services';
import { serviceSettings, type EnvironmentConfig } from './environments';
import { EnvVar } from '../contract/environment-variables';

/** What a pipeline service's spec takes beyond its identity and the environment's settings. */
export interface PipelineServiceSpecParts<TBackend> {
  /** The app's environment, besides its port and retry mode. */
  readonly environment: Readonly<Record<string, string>>;
  /** Its secrets, as ECS reads them at task start. @default none */
  readonly secrets?: ServiceSpec<TBackend>['secrets'];
  /** The services it calls. @default none */
  readonly backends?: readonly TBackend[];
  /** The retry policy of calls into it. @default none */
  readonly retryPolicy?: ServiceSpec<TBackend>['retryPolicy'];
  /** How it scales with its load. @default a fixed task count */
  readonly scaling?: ServiceSpec<TBackend>['scaling'];
  /** Timeouts of requests into it. @default the environment's (`services[<name>].timeouts`) */
  readonly timeouts?: ServiceSpec<TBackend>['timeouts'];
}

/**
 * The spec of one of the pipeline's services, for either data plane: its
 * identity from the contract, its size and timeouts from the environment,
 * the app image tagged `var.app_version`, and the environment every app
 * needs (its port, and `RETRY_MODE`: who applies the retry policy).
 */
export function pipelineServiceSpec<TBackend>(
  identity: ServiceIdentity,
  config: EnvironmentConfig,
  appVersion: string,
  retryMode: RetryMode,
  parts: PipelineServiceSpecParts<TBackend>,
): ServiceSpec<TBackend> {
  const settings = serviceSettings(config, identity.name);
  return {
    name: identity.name,
    port: identity.port,
    image: ServiceImage.fromOwnRepository(appVersion),
    size: { cpu: settings.taskDefinition.cpu, memory: settings.taskDefinition.memory },
    environment: {
      ...parts.environment,
      [EnvVar.APP_PORT]: String(identity.port),
      [EnvVar.RETRY_MODE]: retryMode,
      // The article's x-503 experiment: dev only, never production.
      ...(config.faultInjection ? { [EnvVar.FAULT_INJECTION]: 'enabled' } : {}),
    },
    ...(parts.secrets ? { secrets: parts.secrets } : {}),
    ...(parts.backends ? { backends: parts.backends } : {}),
    ...(parts.scaling ? { scaling: parts.scaling } : {}),
    timeouts: parts.timeouts ?? settings.timeouts,
    ...(parts.retryPolicy ? { retryPolicy: parts.retryPolicy } : {}),
    // The Node slim images have no curl: Node's fetch probes the health check.
    healthCheck: ContainerHealthCheck.http({ path: identity.healthCheckPath, runtime: HttpProbeRuntime.NODE }),
    user: APP_USER,
  };
}
