/** Environment of the data-ingestion server entry. */
import { ANSWER_DEADLINE_MS, ENVOY_DEFAULT_BACKOFF, PROCESSING_CALL_TIMEOUT_MS, type RetryBackoffSpec } from '../../contract/retry-policy';
import { DATA_INGESTION, LOCAL_DATA_PROCESSING_URL, RetryMode } from '../../contract/services';
import { EnvError, readChoice, readHttpUrl, readInteger, type Env } from '../service-kit/env';
import { readPipelineSettings, type PipelineSettings } from '../service-kit/pipeline-settings';
import { readServerSettings, type ServerSettings } from '../service-kit/server-settings';
import { readFaultInjection } from '../service-kit/fault-injection';
import { DEFAULT_PROCESSING_CONNECTIONS, defaultProcessingTimeoutMs } from './app';
import { readTracingSettings, type TracingSettings } from '../tracing/tracing-settings';
import { EnvVar } from '../../contract/environment-variables';
import { VehicleAuth } from '../../contract/vehicle-auth';

/** Everything the ingestion server reads from the environment. */
export interface IngestionSettings extends ServerSettings, PipelineSettings {
  /** `DATA_PROCESSING_URL`. @default http://127.0.0.1:3001/ev */
  readonly dataProcessingUrl: URL;
  /** `PROCESSING_CONNECTIONS`. @default DEFAULT_PROCESSING_CONNECTIONS (128) */
  readonly processingConnections: number;
  /**
   * `PROCESSING_TIMEOUT_MS`: timeout of one call to processing.
   * @default defaultProcessingTimeoutMs: the retry policy's per-retry timeout (5000); with `RETRY_MODE=mesh` the overall timeout, since Envoy retries inside the one call
   */
  readonly processingTimeoutMs: number;
  /** `RETRY_MODE`: who applies the retry policy. @default app */
  readonly retryMode: RetryMode;
  /** `RETRY_BACKOFF_BASE_MS`, `RETRY_BACKOFF_MAX_MS`: app-mode back-off. @default 25 and 250 (Envoy's) */
  readonly retryBackoff: RetryBackoffSpec;
  /** `RETRY_OVERALL_TIMEOUT_MS`: deadline over all attempts. @default PROCESSING_CALL_TIMEOUT_MS (68000, the processing route's per-request timeout) */
  readonly retryOverallTimeoutMs: number;
  /** `OTEL_*`: OpenTelemetry tracing. @default off (no OTLP endpoint) */
  readonly tracing: TracingSettings;
  /** `VEHICLE_AUTH`: `alb-mtls` only where a load balancer in mutual-TLS verify mode is the only way in. @default none */
  readonly vehicleAuth: VehicleAuth;
  /** `FAULT_INJECTION=enabled`: the `x-503` header is forwarded to processing. @default false */
  readonly faultInjection: boolean;
  /**
   * `ANSWER_DEADLINE_MS`: after this long calling processing, stop retrying and park (202).
   * Below the front door's idle timeout (60 s). @default ANSWER_DEADLINE_MS (contract: 25000)
   */
  readonly answerDeadlineMs: number;
}

/** Reads the settings; throws `EnvError` naming the variable on an invalid value. */
export function readIngestionSettings(env: Env): IngestionSettings {
  const retryMode = readChoice(env, EnvVar.RETRY_MODE, RetryMode.APP, Object.values(RetryMode));
  const retryOverallTimeoutMs = readInteger(env, EnvVar.RETRY_OVERALL_TIMEOUT_MS, PROCESSING_CALL_TIMEOUT_MS, 1, 3_600_000);
  const baseIntervalMs = readInteger(env, EnvVar.RETRY_BACKOFF_BASE_MS, ENVOY_DEFAULT_BACKOFF.baseIntervalMs, 0, 60_000);
  const maxIntervalMs = readInteger(env, EnvVar.RETRY_BACKOFF_MAX_MS, ENVOY_DEFAULT_BACKOFF.maxIntervalMs, 0, 600_000);
  if (maxIntervalMs < baseIntervalMs) {
    throw new EnvError(
      EnvVar.RETRY_BACKOFF_MAX_MS,
      String(maxIntervalMs),
      `an integer of at least RETRY_BACKOFF_BASE_MS (${baseIntervalMs})`,
    );
  }
  return {
    ...readServerSettings(env, DATA_INGESTION),
    ...readPipelineSettings(env),
    dataProcessingUrl: readHttpUrl(env, EnvVar.DATA_PROCESSING_URL, LOCAL_DATA_PROCESSING_URL),
    processingConnections: readInteger(env, 'PROCESSING_CONNECTIONS', DEFAULT_PROCESSING_CONNECTIONS, 1, 10_000),
    processingTimeoutMs: readInteger(
      env,
      EnvVar.PROCESSING_TIMEOUT_MS,
      defaultProcessingTimeoutMs(retryMode, retryOverallTimeoutMs),
      1,
      3_600_000,
    ),
    retryMode,
    retryBackoff: { baseIntervalMs, maxIntervalMs },
    retryOverallTimeoutMs,
    tracing: readTracingSettings(env),
    vehicleAuth: readChoice(env, EnvVar.VEHICLE_AUTH, VehicleAuth.NONE, Object.values(VehicleAuth)),
    faultInjection: readFaultInjection(env),
    answerDeadlineMs: readInteger(env, EnvVar.ANSWER_DEADLINE_MS, ANSWER_DEADLINE_MS, 1, 3_600_000),
  };
}
