/** Environment of the data-processing server entry. */
import { RETRY_QUEUE_SETTINGS, type RetryQueueSettings } from '../../contract/retry-queue';
import { DATA_PROCESSING } from '../../contract/services';
import { EnvError, readInteger, readNumber, type Env } from '../service-kit/env';
import { readPipelineSettings, type PipelineSettings } from '../service-kit/pipeline-settings';
import { readServerSettings, type ServerSettings } from '../service-kit/server-settings';
import { readFaultInjection } from '../service-kit/fault-injection';
import { DEFAULT_MEMORY_MAX_ENTITIES, DEFAULT_MEMORY_MAX_KEYS } from '../resilience/idempotent-store';
import { readTracingSettings, type TracingSettings } from '../tracing/tracing-settings';
import { DEFAULT_ANOMALY_THRESHOLDS, checkAnomalyThresholds, type AnomalyThresholds } from './anomaly-thresholds';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from './app';
import { EnvVar } from '../../contract/environment-variables';

/** Upper limit of the in-memory bounds: 50 million keys is already ~12 GB of heap, past V8's default limit. */
const MAX_MEMORY_ENTRIES = 50_000_000;

/** SQS's longest visibility timeout, in seconds (12 h). */
const MAX_VISIBILITY_SECONDS = 43_200;

/** Everything the processing server reads from the environment. */
export interface ProcessingSettings extends ServerSettings, PipelineSettings {
  readonly thresholds: AnomalyThresholds;
  /** `FAULT_INJECTION=enabled`: the `x-503` header and `FAULT_503_RATE` take effect. @default false */
  readonly faultInjection: boolean;
  /** `FAULT_503_RATE`: share of `POST /ev` calls answered with a transient 503, 0..1; above 0 only with fault injection. @default 0 */
  readonly fault503Rate: number;
  /** `IDEMPOTENCY_KEY_TTL_SECONDS`: how long an applied key is remembered. @default 86400 */
  readonly idempotencyKeyTtlSeconds: number;
  /**
   * `IDEMPOTENCY_MEMORY_MAX_KEYS`: without `REDIS_URL`, the most applied keys
   * kept in memory. When full the oldest key is forgotten before its TTL, so
   * the deduplication window is the shorter of the TTL and the time this many
   * events take to arrive; a duplicate arriving later is applied twice. With
   * `REDIS_URL` (production) keys live their full TTL (as long as Redis has
   * memory for them) and this is not used.
   * @default 500000 (about 120 MB of heap at ~240 bytes a key)
   */
  readonly idempotencyMemoryMaxKeys: number;
  /**
   * `MEMORY_MAX_VEHICLES`: without `REDIS_URL`, the most vehicles whose
   * aggregates are kept in memory; beyond it the vehicle updated least
   * recently loses its aggregates (its next event starts them again).
   * @default 100000 (about 40 MB at ~400 bytes a vehicle)
   */
  readonly memoryMaxVehicles: number;
  /**
   * `REDIS_REPLICA_ACKS`: replicas that must hold an applied event before it is answered
   * (Redis `WAIT`; 1 with a replicated cache, so a failover cannot lose an acknowledged key). @default 0
   */
  readonly redisReplicaAcks: number;
  /**
   * The drain's settings: `RETRY_QUEUE_SETTINGS` with `RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS`,
   * `RETRY_QUEUE_BACKOFF_BASE_SECONDS`, `RETRY_QUEUE_BACKOFF_MAX_SECONDS` and
   * `RETRY_QUEUE_RECEIVE_WAIT_SECONDS` over it.
   */
  readonly retryQueueSettings: RetryQueueSettings;
  /** `OTEL_*`: OpenTelemetry tracing. @default off (no OTLP endpoint) */
  readonly tracing: TracingSettings;
}

function readRetryQueueSettings(env: Env): RetryQueueSettings {
  const defaults = RETRY_QUEUE_SETTINGS;
  const backoffBaseSeconds = readNumber(env, 'RETRY_QUEUE_BACKOFF_BASE_SECONDS', defaults.backoffBaseSeconds, 0, MAX_VISIBILITY_SECONDS);
  const backoffMaxSeconds = readNumber(env, 'RETRY_QUEUE_BACKOFF_MAX_SECONDS', defaults.backoffMaxSeconds, 0, MAX_VISIBILITY_SECONDS);
  if (backoffMaxSeconds < backoffBaseSeconds) {
    throw new EnvError(
      'RETRY_QUEUE_BACKOFF_MAX_SECONDS',
      String(backoffMaxSeconds),
      `a number of at least RETRY_QUEUE_BACKOFF_BASE_SECONDS (${backoffBaseSeconds})`,
    );
  }
  return {
    ...defaults,
    visibilityTimeoutSeconds: readInteger(
      env,
      'RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS',
      defaults.visibilityTimeoutSeconds,
      1,
      MAX_VISIBILITY_SECONDS,
    ),
    backoffBaseSeconds,
    backoffMaxSeconds,
    receiveWaitSeconds: readInteger(env, 'RETRY_QUEUE_RECEIVE_WAIT_SECONDS', defaults.receiveWaitSeconds, 0, 20),
  };
}

/** Reads the settings; throws `EnvError` naming the variable on an invalid value. */
export function readProcessingSettings(env: Env): ProcessingSettings {
  const defaults = DEFAULT_ANOMALY_THRESHOLDS;
  const faultInjection = readFaultInjection(env);
  const fault503Rate = readNumber(env, 'FAULT_503_RATE', 0, 0, 1);
  if (fault503Rate > 0 && !faultInjection) {
    throw new EnvError('FAULT_503_RATE', String(env.FAULT_503_RATE).trim(), `0 unless ${EnvVar.FAULT_INJECTION}=enabled`);
  }
  return {
    ...readServerSettings(env, DATA_PROCESSING),
    ...readPipelineSettings(env),
    thresholds: checkAnomalyThresholds({
      maxBatteryTemperatureC: readNumber(env, 'ANOMALY_MAX_BATTERY_TEMPERATURE_C', defaults.maxBatteryTemperatureC),
      minVoltageV: readNumber(env, 'ANOMALY_MIN_VOLTAGE_V', defaults.minVoltageV),
      maxVoltageV: readNumber(env, 'ANOMALY_MAX_VOLTAGE_V', defaults.maxVoltageV),
      maxPlausibleSpeedKmh: readNumber(env, 'ANOMALY_MAX_PLAUSIBLE_SPEED_KMH', defaults.maxPlausibleSpeedKmh),
      positionJitterKm: readNumber(env, 'ANOMALY_POSITION_JITTER_KM', defaults.positionJitterKm),
    }),
    faultInjection,
    fault503Rate,
    idempotencyKeyTtlSeconds: readInteger(env, 'IDEMPOTENCY_KEY_TTL_SECONDS', DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS, 1, 31_536_000),
    idempotencyMemoryMaxKeys: readInteger(env, 'IDEMPOTENCY_MEMORY_MAX_KEYS', DEFAULT_MEMORY_MAX_KEYS, 1, MAX_MEMORY_ENTRIES),
    memoryMaxVehicles: readInteger(env, 'MEMORY_MAX_VEHICLES', DEFAULT_MEMORY_MAX_ENTITIES, 1, MAX_MEMORY_ENTRIES),
    redisReplicaAcks: readInteger(env, EnvVar.REDIS_REPLICA_ACKS, 0, 0, 5),
    retryQueueSettings: readRetryQueueSettings(env),
    tracing: readTracingSettings(env),
  };
}
