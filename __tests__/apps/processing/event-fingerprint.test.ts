import { eventFingerprint } from '../../../apps/processing/event-fingerprint';
import { EvPayload } from '../../../contract/ev-payload';
import { SAMPLE_EVENT } from '../sample-event';

/** Dotted paths of every leaf property of a TypeBox object schema. */
function leafPaths(schema: { properties?: Record<string, unknown> }, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const nested = property as { type?: string; properties?: Record<string, unknown> };
    return nested.type === 'object' ? leafPaths(nested, `${path}.`) : [path];
  });
}

/** A copy of the sample with the leaf at `path` changed. */
function changed(path: string): typeof SAMPLE_EVENT {
  const copy = structuredClone(SAMPLE_EVENT) as unknown as Record<string, Record<string, unknown>>;
  const [head, leaf] = path.split('.');
  const holder = leaf === undefined ? (copy as unknown as Record<string, unknown>) : copy[head];
  const key = leaf ?? head;
  const value = holder[key];
  holder[key] = typeof value === 'number' ? value + 1 : path === 'timestamp' ? '2024-02-15T10:30:01Z' : `${String(value)}-x`;
  return copy as unknown as typeof SAMPLE_EVENT;
}

describe('eventFingerprint', () => {
  test.each(leafPaths(EvPayload))('changing %s changes the fingerprint (every field of the schema counts)', (path) => {
    expect(eventFingerprint(changed(path))).not.toBe(eventFingerprint(SAMPLE_EVENT));
  });

  test('property order and the spelling of the instant do not change it', () => {
    const reordered = {
      odometer: SAMPLE_EVENT.odometer,
      speed: SAMPLE_EVENT.speed,
      battery: {
        temperature: SAMPLE_EVENT.battery.temperature,
        voltage: SAMPLE_EVENT.battery.voltage,
        percentage: SAMPLE_EVENT.battery.percentage,
      },
      location: { longitude: SAMPLE_EVENT.location.longitude, latitude: SAMPLE_EVENT.location.latitude },
      timestamp: '2024-02-15T11:30:00.000+01:00',
      vehicle_id: SAMPLE_EVENT.vehicle_id,
    };
    expect(eventFingerprint(reordered)).toBe(eventFingerprint(SAMPLE_EVENT));
  });

  test('is 43 base64url characters (SHA-256)', () => {
    expect(eventFingerprint(SAMPLE_EVENT)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
