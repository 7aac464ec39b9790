import { AnomalyType } from '../../../apps/processing/anomaly';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../../../apps/processing/anomaly-thresholds';
import { PROCESSED_WITHOUT_ANOMALIES, applyEvent, type VehicleState } from '../../../apps/processing/vehicle-state';
import { summarize } from '../../../apps/processing/vehicle-summary';
import type { EvPayload } from '../../../contract/ev-payload';
import { eventWith } from '../sample-event';

const thresholds = DEFAULT_ANOMALY_THRESHOLDS;

/** Applies `events` in order; returns the final state and each answer's anomaly types. */
function applyAll(events: EvPayload[]): { state: VehicleState; anomalies: AnomalyType[][] } {
  let state: VehicleState | undefined;
  const anomalies: AnomalyType[][] = [];
  for (const event of events) {
    const next = applyEvent(state, event, Date.parse(event.timestamp), thresholds);
    state = next.state;
    anomalies.push(next.result.anomalies.map((anomaly) => anomaly.type));
  }
  if (state === undefined) throw new Error('no events');
  return { state, anomalies };
}

/** Three events of one trip, 30 minutes apart, 25 km each. */
const TRIP = [
  eventWith({
    timestamp: '2024-02-15T10:00:00Z',
    speed: 40,
    odometer: 1000,
    battery: { percentage: 80, voltage: 390, temperature: 25 },
    location: { latitude: 37.0, longitude: -122.0 },
  }),
  eventWith({
    timestamp: '2024-02-15T10:30:00Z',
    speed: 60,
    odometer: 1025,
    battery: { percentage: 75, voltage: 388, temperature: 27 },
    location: { latitude: 37.2, longitude: -122.0 },
  }),
  eventWith({
    timestamp: '2024-02-15T11:00:00Z',
    speed: 80,
    odometer: 1050,
    battery: { percentage: 70, voltage: 385, temperature: 29 },
    location: { latitude: 37.4, longitude: -122.0 },
  }),
];

describe('applyEvent aggregates', () => {
  test('counts events, first/last seen, speed min/max/avg, distance and drain rate', () => {
    const { state, anomalies } = applyAll(TRIP);
    expect(anomalies).toEqual([[], [], []]);
    expect(summarize(state)).toEqual({
      vehicle_id: 'EV-001',
      events: 3,
      first_seen: '2024-02-15T10:00:00Z',
      last_seen: '2024-02-15T11:00:00Z',
      speed_kmh: { min: 40, max: 80, avg: 60 },
      battery: { first_percentage: 80, last_percentage: 70, drain_rate_percent_per_hour: 10 },
      distance_km: 50,
      last_location: { latitude: 37.4, longitude: -122.0 },
      anomalies: {},
    });
  });

  test('a single event has no drain rate (no elapsed time)', () => {
    expect(summarize(applyAll([TRIP[0]]).state).battery.drain_rate_percent_per_hour).toBeNull();
  });

  test('does not mutate the state it is given', () => {
    const first = applyEvent(undefined, TRIP[0], Date.parse(TRIP[0].timestamp), thresholds).state;
    const frozen = JSON.stringify(first);
    applyEvent(first, TRIP[1], Date.parse(TRIP[1].timestamp), thresholds);
    expect(JSON.stringify(first)).toBe(frozen);
  });
});

describe('applyEvent with events out of order', () => {
  test('gives the same summary in any arrival order', () => {
    const inOrder = summarize(applyAll(TRIP).state);
    expect(summarize(applyAll([TRIP[2], TRIP[0], TRIP[1]]).state)).toEqual(inOrder);
    expect(summarize(applyAll([TRIP[1], TRIP[2], TRIP[0]]).state)).toEqual(inOrder);
  });

  test('a late event gets no sequence checks (its lower odometer is not "backwards")', () => {
    const { anomalies } = applyAll([TRIP[0], TRIP[2], TRIP[1]]);
    expect(anomalies[2]).toEqual([]);
  });

  test('a late event still gets the point checks', () => {
    const late = eventWith({ ...TRIP[1], battery: { percentage: 75, voltage: 388, temperature: 70 } });
    expect(applyAll([TRIP[0], TRIP[2], late]).anomalies[2]).toEqual([AnomalyType.BATTERY_TEMPERATURE_HIGH]);
  });
});

describe('applyEvent anomalies', () => {
  test('events without anomalies share one frozen answer (one reference a key in the idempotency window); others get their own', () => {
    const first = applyEvent(undefined, TRIP[0], Date.parse(TRIP[0].timestamp), thresholds);
    const second = applyEvent(first.state, TRIP[1], Date.parse(TRIP[1].timestamp), thresholds);
    expect(first.result).toBe(PROCESSED_WITHOUT_ANOMALIES);
    expect(second.result).toBe(PROCESSED_WITHOUT_ANOMALIES);
    expect(PROCESSED_WITHOUT_ANOMALIES).toEqual({ status: 'processed', anomalies: [] });
    expect(Object.isFrozen(PROCESSED_WITHOUT_ANOMALIES) && Object.isFrozen(PROCESSED_WITHOUT_ANOMALIES.anomalies)).toBe(true);
    const hot = eventWith({ battery: { percentage: 80, voltage: 390, temperature: thresholds.maxBatteryTemperatureC + 1 } });
    const anomalous = applyEvent(undefined, hot, Date.parse(hot.timestamp), thresholds);
    expect(anomalous.result).not.toBe(PROCESSED_WITHOUT_ANOMALIES);
    expect(anomalous.result.anomalies.map((anomaly) => anomaly.type)).toEqual([AnomalyType.BATTERY_TEMPERATURE_HIGH]);
  });

  test('battery temperature above the threshold', () => {
    const hot = eventWith({ battery: { percentage: 50, voltage: 390, temperature: 60.5 } });
    expect(applyAll([hot]).anomalies[0]).toEqual([AnomalyType.BATTERY_TEMPERATURE_HIGH]);
  });

  test.each([150, 950])('voltage %d V out of range', (voltage) => {
    const event = eventWith({ battery: { percentage: 50, voltage, temperature: 20 } });
    expect(applyAll([event]).anomalies[0]).toEqual([AnomalyType.VOLTAGE_OUT_OF_RANGE]);
  });

  test('odometer going backwards in a newer event', () => {
    const back = eventWith({ ...TRIP[1], odometer: 990 });
    expect(applyAll([TRIP[0], back]).anomalies[1]).toEqual([AnomalyType.ODOMETER_BACKWARDS]);
  });

  test('a position jump: 111 km in 60 s', () => {
    const jump = eventWith({ ...TRIP[0], timestamp: '2024-02-15T10:01:00Z', location: { latitude: 38.0, longitude: -122.0 } });
    const { state, anomalies } = applyAll([TRIP[0], jump]);
    expect(anomalies[1]).toEqual([AnomalyType.POSITION_JUMP]);
    expect(summarize(state).anomalies).toEqual({ [AnomalyType.POSITION_JUMP]: 1 });
  });

  test('no position jump for GPS jitter under the tolerance, even in no time', () => {
    const jitter = eventWith({ ...TRIP[0], timestamp: '2024-02-15T10:00:01Z', location: { latitude: 37.001, longitude: -122.0 } });
    expect(applyAll([TRIP[0], jitter]).anomalies[1]).toEqual([]);
  });

  test('thresholds are configurable', () => {
    const event = eventWith({ battery: { percentage: 50, voltage: 390, temperature: 45 } });
    const result = applyEvent(undefined, event, Date.parse(event.timestamp), { ...thresholds, maxBatteryTemperatureC: 40 }).result;
    expect(result.anomalies.map((anomaly) => anomaly.type)).toEqual([AnomalyType.BATTERY_TEMPERATURE_HIGH]);
  });
});
