/**
 * Anomaly detection on one event. Point checks (temperature, voltage) look at
 * the event alone; sequence checks (odometer, position) compare it with the
 * vehicle's latest reading and only run when the event is newer than it.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { EvPayload } from '../../contract/ev-payload';
import type { AnomalyThresholds } from './anomaly-thresholds';
import { haversineKm } from './geo';
import type { Reading } from './reading';

/** Kinds of anomaly; the values appear in answers and summaries. */
export enum AnomalyType {
  BATTERY_TEMPERATURE_HIGH = 'battery_temperature_high',
  VOLTAGE_OUT_OF_RANGE = 'voltage_out_of_range',
  ODOMETER_BACKWARDS = 'odometer_backwards',
  POSITION_JUMP = 'position_jump',
}

/** One detected anomaly. */
export const Anomaly = Type.Object({
  type: Type.Unsafe<AnomalyType>({ type: 'string', enum: Object.values(AnomalyType) }),
  message: Type.String(),
});

/** One detected anomaly. */
export type Anomaly = Static<typeof Anomaly>;

const MS_PER_HOUR = 3_600_000;

/** Anomalies of `event`, given the vehicle's latest reading before it (undefined for its first event or a late one). */
export function detectAnomalies(
  event: EvPayload,
  timestampMs: number,
  latest: Reading | undefined,
  thresholds: AnomalyThresholds,
): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const { temperature, voltage } = event.battery;
  if (temperature > thresholds.maxBatteryTemperatureC) {
    anomalies.push({
      type: AnomalyType.BATTERY_TEMPERATURE_HIGH,
      message: `battery temperature ${temperature} °C is above ${thresholds.maxBatteryTemperatureC} °C`,
    });
  }
  if (voltage < thresholds.minVoltageV || voltage > thresholds.maxVoltageV) {
    anomalies.push({
      type: AnomalyType.VOLTAGE_OUT_OF_RANGE,
      message: `battery voltage ${voltage} V is outside ${thresholds.minVoltageV}..${thresholds.maxVoltageV} V`,
    });
  }
  if (latest === undefined) return anomalies;
  if (event.odometer < latest.odometerKm) {
    anomalies.push({
      type: AnomalyType.ODOMETER_BACKWARDS,
      message: `odometer ${event.odometer} km is below the previous ${latest.odometerKm} km`,
    });
  }
  const distanceKm = haversineKm(latest.latitude, latest.longitude, event.location.latitude, event.location.longitude);
  if (distanceKm > thresholds.positionJitterKm) {
    const hours = (timestampMs - latest.timestampMs) / MS_PER_HOUR;
    const impliedSpeedKmh = distanceKm / hours;
    if (impliedSpeedKmh > thresholds.maxPlausibleSpeedKmh) {
      anomalies.push({
        type: AnomalyType.POSITION_JUMP,
        message: `moved ${distanceKm.toFixed(2)} km in ${(hours * 3600).toFixed(0)} s (${impliedSpeedKmh.toFixed(0)} km/h, limit ${thresholds.maxPlausibleSpeedKmh} km/h)`,
      });
    }
  }
  return anomalies;
}
