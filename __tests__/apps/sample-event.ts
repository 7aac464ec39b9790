/** EV events for tests: the article's sample, and variations of it. */
import type { EvPayload } from '../../contract/ev-payload';

/** The article's sample request. */
export const SAMPLE_EVENT: EvPayload = {
  vehicle_id: 'EV-001',
  timestamp: '2024-02-15T10:30:00Z',
  location: { latitude: 37.7749, longitude: -122.4194 },
  battery: { percentage: 75, voltage: 390, temperature: 25.3 },
  speed: 60,
  odometer: 12500,
};

/** Overrides applied to a copy of the sample (nested objects replaced whole). */
export type EventOverrides = Partial<EvPayload>;

/** A copy of the sample with `overrides`. */
export function eventWith(overrides: EventOverrides = {}): EvPayload {
  return { ...SAMPLE_EVENT, ...overrides };
}
