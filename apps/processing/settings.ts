/** Environment of the data-processing server entry. */
import { RETRY_QUEUE_SETTINGS, type RetryQueueSettings } from '../../contract/retry-queue';
import { DATA_PROCESSING } from '../../contract/services';
import { EnvError, readInteger, readNumber, type Env } from '../http/env';
import { readPipelineSettings, type PipelineSettings } from '../http/pipeline-settings';
import { readServerSettings, type ServerSettings } from '../http/server-settings';
import { DEFAULT_ANOMALY_THRESHOLDS, checkAnomalyThresholds, type AnomalyThresholds } from './anomaly-thresholds';

/** Applied idempotency keys are remembered this long by default: 24 h, well past the retry queue's schedule. */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 86_400;

/** SQS's longest visibility timeout, in seconds (12 h). */
const MAX_VISIBILITY_SECONDS = 43_200;

/** Everything the processing server reads from the environment. */
export interface ProcessingSettings extends ServerSettings, PipelineSettings {
  readonly thresholds: AnomalyThresholds;
  /** `FAULT_503_RATE`: share of `POST /ev` calls answered with a transient 503, 0..1. @default 0 */
  readonly fault503Rate: number;
  /** `IDEMPOTENCY_KEY_TTL_SECONDS`: how long an applied key is remembered. @default 86400 */
  readonly idempotencyKeyTtlSeconds: number;
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
}

/** A number in `[min, max]`, or `fallback` when unset. */
function readNumberFrom(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = readNumber(env, name, fallback);
  if (value < min || value > max) throw new EnvError(name, String(env[name]).trim(), `a number from ${min} to ${max}`);
  return value;
}

function readRetryQueueSettings(env: Env): RetryQueueSettings {
  const defaults = RETRY_QUEUE_SETTINGS;
  const backoffBaseSeconds = readNumberFrom(env, 'RETRY_QUEUE_BACKOFF_BASE_SECONDS', defaults.backoffBaseSeconds, 0, MAX_VISIBILITY_SECONDS);
  const backoffMaxSeconds = readNumberFrom(env, 'RETRY_QUEUE_BACKOFF_MAX_SECONDS', defaults.backoffMaxSeconds, 0, MAX_VISIBILITY_SECONDS);
  if (backoffMaxSeconds < backoffBaseSeconds) {
    throw new EnvError('RETRY_QUEUE_BACKOFF_MAX_SECONDS', String(backoffMaxSeconds), `a number of at least RETRY_QUEUE_BACKOFF_BASE_SECONDS (${backoffBaseSeconds})`);
  }
  return {
    ...defaults,
    visibilityTimeoutSeconds: readInteger(env, 'RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS', defaults.visibilityTimeoutSeconds, 1, MAX_VISIBILITY_SECONDS),
    backoffBaseSeconds,
    backoffMaxSeconds,
    receiveWaitSeconds: readInteger(env, 'RETRY_QUEUE_RECEIVE_WAIT_SECONDS', defaults.receiveWaitSeconds, 0, 20),
  };
}

/** Reads the settings; throws `EnvError` naming the variable on an invalid value. */
export function readProcessingSettings(env: Env): ProcessingSettings {
  const defaults = DEFAULT_ANOMALY_THRESHOLDS;
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
    fault503Rate: readNumberFrom(env, 'FAULT_503_RATE', 0, 0, 1),
    idempotencyKeyTtlSeconds: readInteger(env, 'IDEMPOTENCY_KEY_TTL_SECONDS', DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS, 1, 31_536_000),
    redisReplicaAcks: readInteger(env, 'REDIS_REPLICA_ACKS', 0, 0, 5),
    retryQueueSettings: readRetryQueueSettings(env),
  };
}
