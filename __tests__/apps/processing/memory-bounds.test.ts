/**
 * Processing without `REDIS_URL`: the in-memory store's bounds come from the
 * environment, are validated, and hold in the configured app; at the key
 * bound an event whose key was forgotten is applied a second time.
 */
import { buildConfiguredApp } from '../../../apps/processing/configured-app';
import { readProcessingSettings } from '../../../apps/processing/settings';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { DEFAULT_MEMORY_MAX_ENTITIES, DEFAULT_MEMORY_MAX_KEYS } from '../../../apps/resilience/idempotent-store';
import { IDEMPOTENT_REPLAY_HEADER, type EvPayload } from '../../../contract/ev-payload';
import { eventWith } from '../sample-event';

function post(app: ServiceApp, event: EvPayload) {
  return app.inject({ method: 'POST', url: '/ev', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
}

async function eventsOf(app: ServiceApp, vehicleId: string): Promise<number | undefined> {
  const response = await app.inject({ method: 'GET', url: `/vehicles/${vehicleId}` });
  return response.statusCode === 404 ? undefined : (response.json() as { events: number }).events;
}

describe('processing memory bounds: settings', () => {
  test('defaults: 500,000 keys and 100,000 vehicles', () => {
    expect(DEFAULT_MEMORY_MAX_KEYS).toBe(500_000);
    expect(DEFAULT_MEMORY_MAX_ENTITIES).toBe(100_000);
    expect(readProcessingSettings({})).toMatchObject({ idempotencyMemoryMaxKeys: 500_000, memoryMaxVehicles: 100_000 });
  });

  test('reads IDEMPOTENCY_MEMORY_MAX_KEYS and MEMORY_MAX_VEHICLES', () => {
    expect(readProcessingSettings({ IDEMPOTENCY_MEMORY_MAX_KEYS: '2000000', MEMORY_MAX_VEHICLES: '5000' })).toMatchObject({
      idempotencyMemoryMaxKeys: 2_000_000,
      memoryMaxVehicles: 5_000,
    });
  });

  test.each([
    ['IDEMPOTENCY_MEMORY_MAX_KEYS', '0', /IDEMPOTENCY_MEMORY_MAX_KEYS="0" is invalid: expected an integer from 1 to 50000000/],
    ['IDEMPOTENCY_MEMORY_MAX_KEYS', '1e6', /IDEMPOTENCY_MEMORY_MAX_KEYS="1e6" is invalid: expected an integer/],
    ['IDEMPOTENCY_MEMORY_MAX_KEYS', '60000000', /IDEMPOTENCY_MEMORY_MAX_KEYS="60000000" is invalid/],
    ['MEMORY_MAX_VEHICLES', 'many', /MEMORY_MAX_VEHICLES="many" is invalid: expected an integer from 1 to 50000000/],
    ['MEMORY_MAX_VEHICLES', '-1', /MEMORY_MAX_VEHICLES="-1" is invalid/],
  ])('%s=%s is rejected, naming the variable', (name, value, message) => {
    expect(() => readProcessingSettings({ [name]: value })).toThrow(message);
  });
});

describe('processing memory bounds: the configured app', () => {
  let app: ServiceApp;
  afterEach(() => app.close());

  test('beyond IDEMPOTENCY_MEMORY_MAX_KEYS the oldest key is forgotten: its duplicate is applied again', async () => {
    app = await buildConfiguredApp(
      readProcessingSettings({ LOG_LEVEL: 'silent', METRICS_FLUSH_INTERVAL_MS: '0', IDEMPOTENCY_MEMORY_MAX_KEYS: '2' }),
    );
    const at = (timestamp: string) => eventWith({ vehicle_id: 'EV-KEYS', timestamp });
    await post(app, at('2024-02-15T10:30:00Z'));
    await post(app, at('2024-02-15T10:30:10Z'));
    expect((await post(app, at('2024-02-15T10:30:00Z'))).headers[IDEMPOTENT_REPLAY_HEADER]).toBe('true');
    await post(app, at('2024-02-15T10:30:20Z'));
    const duplicate = await post(app, at('2024-02-15T10:30:00Z'));
    expect(duplicate.statusCode).toBe(200);
    expect(duplicate.headers[IDEMPOTENT_REPLAY_HEADER]).toBeUndefined();
    expect(await eventsOf(app, 'EV-KEYS')).toBe(4);
  });

  test('beyond MEMORY_MAX_VEHICLES the vehicle updated least recently loses its aggregates', async () => {
    app = await buildConfiguredApp(
      readProcessingSettings({ LOG_LEVEL: 'silent', METRICS_FLUSH_INTERVAL_MS: '0', MEMORY_MAX_VEHICLES: '2' }),
    );
    await post(app, eventWith({ vehicle_id: 'EV-A' }));
    await post(app, eventWith({ vehicle_id: 'EV-B' }));
    await post(app, eventWith({ vehicle_id: 'EV-A', timestamp: '2024-02-15T10:30:10Z' }));
    await post(app, eventWith({ vehicle_id: 'EV-C' }));
    expect([await eventsOf(app, 'EV-A'), await eventsOf(app, 'EV-B'), await eventsOf(app, 'EV-C')]).toEqual([2, undefined, 1]);
  });
});
