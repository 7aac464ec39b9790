/** Limits beyond which an event is reported as an anomaly. */

/** Anomaly thresholds; every value carries its unit. */
export interface AnomalyThresholds {
  /** Battery temperature above this is `battery_temperature_high`. @default 60 °C */
  readonly maxBatteryTemperatureC: number;
  /** Pack voltage below this is `voltage_out_of_range`. @default 200 V */
  readonly minVoltageV: number;
  /** Pack voltage above this is `voltage_out_of_range`. @default 900 V (800 V-class packs) */
  readonly maxVoltageV: number;
  /** Speed implied by two consecutive positions above this is `position_jump`. @default 300 km/h */
  readonly maxPlausibleSpeedKmh: number;
  /** Moves shorter than this are never a `position_jump` (GPS jitter). @default 1 km */
  readonly positionJitterKm: number;
}

/** Sensible defaults for passenger EVs. */
export const DEFAULT_ANOMALY_THRESHOLDS: AnomalyThresholds = Object.freeze({
  maxBatteryTemperatureC: 60,
  minVoltageV: 200,
  maxVoltageV: 900,
  maxPlausibleSpeedKmh: 300,
  positionJitterKm: 1,
});

/** Throws when the thresholds contradict each other or are out of range. */
export function checkAnomalyThresholds(thresholds: AnomalyThresholds): AnomalyThresholds {
  if (thresholds.minVoltageV >= thresholds.maxVoltageV) {
    throw new Error(`minVoltageV (${thresholds.minVoltageV}) must be below maxVoltageV (${thresholds.maxVoltageV})`);
  }
  if (thresholds.maxPlausibleSpeedKmh <= 0) throw new Error('maxPlausibleSpeedKmh must be positive');
  if (thresholds.positionJitterKm < 0) throw new Error('positionJitterKm must not be negative');
  return thresholds;
}
