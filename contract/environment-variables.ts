/**
 * Names of the environment variables the stacks set and the services read:
 * written once here, so a rename on one side cannot silently miss the other.
 * Variables only one side knows (a service's tuning knobs, the OpenTelemetry
 * SDK's own) stay with their reader.
 */
export const EnvVar = Object.freeze({
  /** Port the service listens on. */
  APP_PORT: 'APP_PORT',
  /** Interface the service listens on. */
  APP_HOST: 'APP_HOST',
  /** Who retries calls to processing: `mesh`, `app` or `off` (see `RetryMode`). */
  RETRY_MODE: 'RETRY_MODE',
  /** URL of processing's `POST /ev`, as ingestion calls it. */
  DATA_PROCESSING_URL: 'DATA_PROCESSING_URL',
  /** Timeout of one attempt at processing, in milliseconds. */
  PROCESSING_TIMEOUT_MS: 'PROCESSING_TIMEOUT_MS',
  /** Deadline of all attempts of one call to processing, in milliseconds. */
  RETRY_OVERALL_TIMEOUT_MS: 'RETRY_OVERALL_TIMEOUT_MS',
  /** First back-off interval between attempts, in milliseconds. */
  RETRY_BACKOFF_BASE_MS: 'RETRY_BACKOFF_BASE_MS',
  /** Largest back-off interval between attempts, in milliseconds. */
  RETRY_BACKOFF_MAX_MS: 'RETRY_BACKOFF_MAX_MS',
  /** Region of the AWS APIs the services call (SQS, CloudWatch via EMF). */
  AWS_REGION: 'AWS_REGION',
  /** URL of the SQS retry queue; unset: the embedded queue. */
  RETRY_QUEUE_URL: 'RETRY_QUEUE_URL',
  /** URL of the shared-state cache; unset: in-memory state. */
  REDIS_URL: 'REDIS_URL',
  /** The cache user's name. */
  REDIS_USERNAME: 'REDIS_USERNAME',
  /** The cache user's password. */
  REDIS_PASSWORD: 'REDIS_PASSWORD',
  /** Replicas that must acknowledge an idempotency record before it counts. */
  REDIS_REPLICA_ACKS: 'REDIS_REPLICA_ACKS',
  /** Where the OpenTelemetry exporter sends spans. */
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  /** How ingestion identifies the vehicle: `none` or `alb-mtls` (see `VehicleAuth`). */
  VEHICLE_AUTH: 'VEHICLE_AUTH',
  /**
   * `enabled` turns on the fault switches (processing's `x-503` header and
   * `FAULT_503_RATE`; ingestion forwards `x-503` only then); `disabled` or
   * unset leaves them off. Dev environments and local runs only, never prd.
   */
  FAULT_INJECTION: 'FAULT_INJECTION',
  /** Ingestion's answer deadline, in milliseconds: below the front door's idle timeout (see `ANSWER_DEADLINE_MS` in contract/retry-policy.ts). */
  ANSWER_DEADLINE_MS: 'ANSWER_DEADLINE_MS',
  /** How long an idle keep-alive connection stays open, in milliseconds: above the front door's idle timeout. */
  KEEP_ALIVE_TIMEOUT_MS: 'KEEP_ALIVE_TIMEOUT_MS',
} as const);

/** The name of one of the shared environment variables. */
export type EnvVarName = (typeof EnvVar)[keyof typeof EnvVar];
