import type { Duration } from '../core/duration';
import type { AppSecret } from '../ecs/app-secret';
import type { ContainerHealthCheck } from '../ecs/container-health-check';
import type { TaskSize } from '../ecs/task-size';
import type { RetryPolicySpec } from '../retry/retry-policy';
import type { IVirtualService } from '../app-mesh/virtual-service';
import type { ServiceImage } from './service-image';

/** The timeouts of a service's requests. */
export interface ServiceTimeouts {
  /**
   * Per-request timeout of requests into the service (its listener). A
   * caller's own inbound request waits for the retries of its calls, so a
   * caller's listener timeout must cover them.
   * @default 15 seconds (App Mesh)
   */
  readonly listener?: Duration;
  /**
   * Per-request timeout of the route into the service: all retries of one
   * call, back-off included, must fit in it.
   * @default 15 seconds (App Mesh)
   */
  readonly route?: Duration;
}

/**
 * What a service is, independent of the data plane that connects it: name,
 * port, image, size, environment, secrets, the services it calls, its
 * timeouts, the retry policy of calls into it, and its health check. A
 * data plane renders it: {@link MeshedService} into App Mesh and ECS,
 * `ServiceConnectService` into ECS Service Connect. `TBackend` is how the
 * data plane refers to a called service (a virtual service, a Service
 * Connect server).
 */
export interface ServiceSpec<TBackend = IVirtualService> {
  /** Name of the service: ECS service, Cloud Map service, first label of its DNS name (lower-case letters, digits, hyphens; 1-63). */
  readonly name: string;
  /** Port the app listens on (1-65535). */
  readonly port: number;
  /** The app's image. */
  readonly image: ServiceImage;
  /** CPU units and memory of the whole task. */
  readonly size: TaskSize;
  /** Environment of the app, exactly as given; no secrets. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secrets of the app: environment variable name → the secret's `valueFrom`
   * ARN (Secrets Manager or SSM Parameter Store) or an {@link AppSecret}. ECS
   * reads them at start; the execution role may read exactly these.
   * @default none
   */
  readonly secrets?: Readonly<Record<string, string | AppSecret>>;
  /** The services this one calls (created here or imported): virtual services under App Mesh, servers under Service Connect. @default none */
  readonly backends?: readonly TBackend[];
  /** Timeouts of requests into the service. @default App Mesh's: 15 s per request on the listener and on the route */
  readonly timeouts?: ServiceTimeouts;
  /** Retry policy of calls into the service (any object of this shape, e.g. one the callers also apply in-process). @default no retries */
  readonly retryPolicy?: RetryPolicySpec;
  /** Health check ECS runs in the app container. @default none (a running container counts as healthy) */
  readonly healthCheck?: ContainerHealthCheck;
  /** UID (or UID:GID) the app runs as. @default the image's USER */
  readonly user?: string;
}

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
