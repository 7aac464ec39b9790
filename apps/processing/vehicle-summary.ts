/** The JSON answer of `GET /vehicles/:vehicleId`, derived from a {@link VehicleState}. */
import { Type, type Static } from '@sinclair/typebox';
import type { VehicleState } from './vehicle-state';

const MS_PER_HOUR = 3_600_000;

/** Schema of a vehicle summary (also the route's response schema). */
export const VehicleSummary = Type.Object({
  vehicle_id: Type.String(),
  /** Events applied (each idempotency key once). */
  events: Type.Integer(),
  first_seen: Type.String(),
  last_seen: Type.String(),
  speed_kmh: Type.Object({ min: Type.Number(), max: Type.Number(), avg: Type.Number() }),
  battery: Type.Object({
    first_percentage: Type.Number(),
    last_percentage: Type.Number(),
    /** Percentage points lost per hour between first and last seen; null when they are the same instant. */
    drain_rate_percent_per_hour: Type.Union([Type.Number(), Type.Null()]),
  }),
  /** Odometer at last seen minus odometer at first seen. */
  distance_km: Type.Number(),
  last_location: Type.Object({ latitude: Type.Number(), longitude: Type.Number() }),
  /** Anomalies detected, by type. */
  anomalies: Type.Record(Type.String(), Type.Integer()),
});

/** A vehicle summary. */
export type VehicleSummary = Static<typeof VehicleSummary>;

/** The summary of `state`. */
export function summarize(state: VehicleState): VehicleSummary {
  const hours = (state.last.timestampMs - state.first.timestampMs) / MS_PER_HOUR;
  const drained = state.first.batteryPercentage - state.last.batteryPercentage;
  return {
    vehicle_id: state.vehicleId,
    events: state.events,
    first_seen: state.first.timestamp,
    last_seen: state.last.timestamp,
    speed_kmh: { min: state.minSpeedKmh, max: state.maxSpeedKmh, avg: state.speedSumKmh / state.events },
    battery: {
      first_percentage: state.first.batteryPercentage,
      last_percentage: state.last.batteryPercentage,
      drain_rate_percent_per_hour: hours > 0 ? drained / hours : null,
    },
    distance_km: state.last.odometerKm - state.first.odometerKm,
    last_location: { latitude: state.last.latitude, longitude: state.last.longitude },
    anomalies: { ...state.anomalyCounts },
  };
}
