import type { Duration } from '../core/duration';
import type { AppSecret } from '../ecs/app-secret';
import type { ContainerHealthCheck } from '../ecs/container-health-check';
import type { TaskSize } from '../ecs/task-size';
import type { ServiceScalingSpec } from '../scaling/service-scaling-spec';
import type { RetryPolicySpec } from '../retry/retry-policy';
import type { ServiceImage } from './service-image';

/** The timeouts of requests into a service. */
export interface ServiceTimeouts {
  /**
   * The longest the service may take to answer one request (each attempt
   * of a caller is one request). A caller's own inbound requests wait for
   * the retries of its calls, so a caller's request timeout must cover them.
   * App Mesh renders it on the virtual node's listener; Service Connect on
   * the service's proxy.
   * @default 15 seconds
   */
  readonly request?: Duration;
  /**
   * The longest one call into the service may take, all its attempts and
   * back-off included. App Mesh renders it on the route into the service;
   * Service Connect, which has no route, bounds each request by the smaller
   * of `request` and `call`.
   * @default 15 seconds
   */
  readonly call?: Duration;
}

/**
 * What a service is, independent of the data plane that connects it: name,
 * port, image, size, environment, secrets, the services it calls, its
 * timeouts, the retry policy of calls into it, and its health check. A data
 * plane renders it: `MeshedService` into App Mesh and ECS,
 * `ServiceConnectService` into ECS Service Connect. `TBackend` is how the
 * data plane refers to a called service.
 */
export interface ServiceSpec<TBackend> {
  /** Name of the service: ECS service, discovery name, first label of its DNS name (lower-case letters, digits, hyphens; 1-63). */
  readonly name: string;
  /** Port the app listens on (1-65535). */
  readonly port: number;
  /** The app's image. */
  readonly image: ServiceImage;
  /** CPU units and memory of the whole task (a Fargate size); the data plane's sidecars take their part of it. */
  readonly size: TaskSize;
  /**
   * The least CPU units and memory the app container needs; the task's
   * size less the data plane's sidecars must leave at least this.
   * @default DEFAULT_MINIMUM_APP_SIZE (128 CPU units, 128 MiB)
   */
  readonly minimumAppSize?: TaskSize;
  /** Environment of the app, exactly as given; no secrets. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secrets of the app: environment variable name → the secret's `valueFrom`
   * ARN (Secrets Manager or SSM Parameter Store) or an {@link AppSecret}. ECS
   * reads them at start; the execution role may read exactly these.
   * @default none
   */
  readonly secrets?: Readonly<Record<string, string | AppSecret>>;
  /** The services this one calls (created here or imported), as the data plane refers to them. @default none */
  readonly backends?: readonly TBackend[];
  /** Timeouts of requests into the service. @default 15 s each */
  readonly timeouts?: ServiceTimeouts;
  /** Retry policy of calls into the service (any object of this shape, e.g. one the callers also apply in-process). @default no retries */
  readonly retryPolicy?: RetryPolicySpec;
  /** Health check ECS runs in the app container. @default none (a running container counts as healthy) */
  readonly healthCheck?: ContainerHealthCheck;
  /** UID (or UID:GID) the app runs as. @default the image's USER */
  readonly user?: string;
  /**
   * Autoscaling of the service's task count: min/max tasks, target-tracking
   * policies and the budget max tasks × task size must fit. The service
   * starts with `minTasks` and leaves its desired count to the scaler.
   * @default a fixed task count (the composite's desiredCount)
   */
  readonly scaling?: ServiceScalingSpec;
}

/** The least an app container gets when `minimumAppSize` is not given: 128 CPU units and 128 MiB. */
export const DEFAULT_MINIMUM_APP_SIZE: TaskSize = Object.freeze({ cpu: 128, memory: 128 });

/** One version of a service, with its share of the traffic: a canary is two versions. */
export interface ServiceVersion {
  /** Name of the version (lower-case letters, digits, hyphens; 1-20), part of its resources' names. */
  readonly name: string;
  /** Relative share of the traffic (0-100); the weights of all versions must not sum to 0. */
  readonly weight: number;
  /** Image of this version. @default the spec's image */
  readonly image?: ServiceImage;
  /** Tasks of this version to start with. @default the service's desiredCount */
  readonly desiredCount?: number;
}
