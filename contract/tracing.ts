/**
 * Tracing values the stack and the services agree on: where a task's
 * OpenTelemetry collector sidecar (the AWS Distro for OpenTelemetry, ADOT)
 * receives spans, its configuration, and the retry-queue message attribute
 * that carries a parked event's trace header. No cdktf or fastify imports here.
 *
 * Under ECS Service Connect there is no Envoy tracing: the services emit
 * spans over OTLP/HTTP to the sidecar, which exports them to AWS X-Ray.
 * Fargate tasks use the `awsvpc` network mode, so the containers of one task
 * share `127.0.0.1`.
 */

/** Port of the OTLP/HTTP receiver (the OTLP default). */
export const OTLP_HTTP_PORT = 4318;

/** Port of the collector's health-check extension (the ADOT image's `/healthcheck` probes it). */
export const COLLECTOR_HEALTH_CHECK_PORT = 13133;

/** `OTEL_EXPORTER_OTLP_ENDPOINT` of a service whose task runs the collector sidecar. */
export const SIDECAR_OTLP_ENDPOINT = `http://127.0.0.1:${OTLP_HTTP_PORT}`;

/** Retry-queue message attribute carrying the `x-amzn-trace-id` header of a parked event. */
export const TRACE_ID_ATTRIBUTE = 'TraceId';

/**
 * The sidecar's configuration (an OpenTelemetry Collector configuration).
 * JSON is YAML, so `JSON.stringify(ADOT_COLLECTOR_CONFIG)` is what the task
 * definition passes in the ADOT image's `AOT_CONFIG_CONTENT` variable.
 *
 * - OTLP/HTTP only, on loopback: nothing outside the task can send spans.
 * - `memory_limiter` bounds the collector's memory (it refuses data above
 *   80 % of the container's limit, so the SDK's batch is dropped, not the task).
 * - `resourcedetection` adds the ECS task's attributes (cluster, task ARN, …).
 * - `batch` sends spans on after 1 s or 50 spans, whichever comes first (as
 *   the ADOT image's own `/etc/ecs/ecs-xray.yaml` does).
 * - `awsxray` exports to X-Ray in the task's region (`AWS_REGION`, set by ECS);
 *   the task role needs `xray:PutTraceSegments` and `xray:PutTelemetryRecords`.
 */
export const ADOT_COLLECTOR_CONFIG = {
  extensions: {
    health_check: { endpoint: `127.0.0.1:${COLLECTOR_HEALTH_CHECK_PORT}` },
  },
  receivers: {
    otlp: { protocols: { http: { endpoint: `127.0.0.1:${OTLP_HTTP_PORT}` } } },
  },
  processors: {
    memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 20 },
    resourcedetection: { detectors: ['env', 'ecs'], timeout: '2s', override: false },
    batch: { timeout: '1s', send_batch_size: 50 },
  },
  exporters: {
    awsxray: {},
  },
  service: {
    extensions: ['health_check'],
    pipelines: {
      traces: { receivers: ['otlp'], processors: ['memory_limiter', 'resourcedetection', 'batch'], exporters: ['awsxray'] },
    },
  },
} as const;
