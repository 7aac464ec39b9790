/**
 * Names and ports that the stack and the services must agree on.
 * No cdktf or fastify imports here.
 */

/** One service of the pipeline. */
export interface ServiceIdentity {
  /** Cloud Map service name, ECS service name and the first label of the virtual service's DNS name. */
  readonly name: string;
  /** Port the app listens on (`APP_PORT`), also the mesh listener's port. */
  readonly port: number;
  /** Path of the health check that ECS and the Dockerfile probe. */
  readonly healthCheckPath: string;
}

/** The service that receives EV telemetry from clients and forwards it. */
export const DATA_INGESTION: ServiceIdentity = Object.freeze({
  name: 'data-ingestion',
  port: 3000,
  healthCheckPath: '/health-check',
});

/** The service that aggregates EV telemetry and detects anomalies. */
export const DATA_PROCESSING: ServiceIdentity = Object.freeze({
  name: 'data-processing',
  port: 3001,
  healthCheckPath: '/health-check',
});

/**
 * Readiness path of both services: 200 while the dependencies a request needs
 * answer, 503 while one does not (the health check stays a liveness check).
 * For load-balancer and mesh health checks, not for ECS's container health check.
 */
export const READINESS_PATH = '/ready';

/** The path both services accept EV events on. */
export const EV_PATH = '/ev';

/** The URL of `path` on `service` reached at `host` (its name in the mesh, or a loopback address). */
export function serviceUrl(service: ServiceIdentity, host: string, path: string): string {
  return `http://${host}:${service.port}${path}`;
}

/** data-processing's `POST /ev` when both services run on one host: ingestion's default `DATA_PROCESSING_URL`. */
export const LOCAL_DATA_PROCESSING_URL = serviceUrl(DATA_PROCESSING, '127.0.0.1', EV_PATH);

/** UID:GID of the unprivileged `node` user in the official Node images, which the app containers run as. */
export const APP_USER = '1000:1000';

/** Values of `RETRY_MODE`: who applies the retry policy of the processing route. */
export enum RetryMode {
  /** Envoy applies it (App Mesh); the app does not retry. Set by the task definitions. */
  MESH = 'mesh',
  /** The ingestion service applies it in-process (local runs, no mesh). */
  APP = 'app',
  /** Nobody retries. */
  OFF = 'off',
}
