/** The parts of one event that a vehicle's aggregates keep. Plain JSON, so any store can serialise it. */
import type { EvPayload } from '../../contract/ev-payload';

/** One event, reduced to what the aggregates need. */
export interface Reading {
  /** The event's timestamp as sent (RFC 3339). */
  readonly timestamp: string;
  /** The same instant in epoch milliseconds. */
  readonly timestampMs: number;
  readonly latitude: number;
  readonly longitude: number;
  readonly batteryPercentage: number;
  readonly odometerKm: number;
}

/** The reading of `event`, whose timestamp is `timestampMs`. */
export function readingOf(event: EvPayload, timestampMs: number): Reading {
  return {
    timestamp: event.timestamp,
    timestampMs,
    latitude: event.location.latitude,
    longitude: event.location.longitude,
    batteryPercentage: event.battery.percentage,
    odometerKm: event.odometer,
  };
}
