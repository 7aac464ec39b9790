/** Environment of the data-processing server entry. */
import { DATA_PROCESSING } from '../../contract/services';
import { readNumber, type Env } from '../http/env';
import { readServerSettings, type ServerSettings } from '../http/server-settings';
import { DEFAULT_ANOMALY_THRESHOLDS, checkAnomalyThresholds, type AnomalyThresholds } from './anomaly-thresholds';

/** Everything the processing server reads from the environment. */
export interface ProcessingSettings extends ServerSettings {
  readonly thresholds: AnomalyThresholds;
}

/** Reads the settings; throws `EnvError` naming the variable on an invalid value. */
export function readProcessingSettings(env: Env): ProcessingSettings {
  const defaults = DEFAULT_ANOMALY_THRESHOLDS;
  return {
    ...readServerSettings(env, DATA_PROCESSING),
    thresholds: checkAnomalyThresholds({
      maxBatteryTemperatureC: readNumber(env, 'ANOMALY_MAX_BATTERY_TEMPERATURE_C', defaults.maxBatteryTemperatureC),
      minVoltageV: readNumber(env, 'ANOMALY_MIN_VOLTAGE_V', defaults.minVoltageV),
      maxVoltageV: readNumber(env, 'ANOMALY_MAX_VOLTAGE_V', defaults.maxVoltageV),
      maxPlausibleSpeedKmh: readNumber(env, 'ANOMALY_MAX_PLAUSIBLE_SPEED_KMH', defaults.maxPlausibleSpeedKmh),
      positionJitterKm: readNumber(env, 'ANOMALY_POSITION_JITTER_KM', defaults.positionJitterKm),
    }),
  };
}
