import { buildApp } from '../../../apps/processing/app';
import { FAULT_503_MESSAGE } from '../../../apps/processing/ev-route';
import type { EvResult, VehicleState } from '../../../apps/processing/vehicle-state';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { MemoryIdempotentStore } from '../../../apps/resilience/idempotent-store';
import type { EvPayload } from '../../../contract/ev-payload';
import { SAMPLE_EVENT, eventWith } from '../sample-event';

function post(app: ServiceApp, event: EvPayload | string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/ev',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof event === 'string' ? event : JSON.stringify(event),
  });
}

describe('processing POST /ev', () => {
  let app: ServiceApp;
  beforeEach(async () => {
    app = buildApp({ logLevel: 'silent', faultInjection: true });
    await app.ready();
  });
  afterEach(() => app.close());

  test('processes the article sample: 200 {"status":"processed","anomalies":[]}', async () => {
    const response = await post(app, SAMPLE_EVENT);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'processed', anomalies: [] });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });

  test('lists the anomalies of the event', async () => {
    const response = await post(app, eventWith({ battery: { percentage: 50, voltage: 100, temperature: 80 } }));
    expect(response.statusCode).toBe(200);
    expect(response.json().anomalies).toEqual([
      { type: 'battery_temperature_high', message: 'battery temperature 80 °C is above 60 °C' },
      { type: 'voltage_out_of_range', message: 'battery voltage 100 V is outside 200..900 V' },
    ]);
  });

  test('x-503 → 503 with the article message, before the body is even parsed', async () => {
    const response = await post(app, 'not even JSON', { 'x-503': 'true' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'Service Unavailable', message: FAULT_503_MESSAGE });
    const vehicle = await app.inject({ method: 'GET', url: '/vehicles/EV-001' });
    expect(vehicle.statusCode).toBe(404);
  });

  test('x-503 with an empty value still answers 503 (presence is the switch)', async () => {
    const response = await post(app, SAMPLE_EVENT, { 'x-503': '' });
    expect(response.statusCode).toBe(503);
  });

  test('the same event twice is applied once; the second answer is the replay of the first', async () => {
    const hot = eventWith({ battery: { percentage: 50, voltage: 390, temperature: 80 } });
    const first = await post(app, hot);
    const second = await post(app, hot);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const vehicle = await app.inject({ method: 'GET', url: '/vehicles/EV-001' });
    expect(vehicle.json().events).toBe(1);
  });

  test('another event at the same instant of the same vehicle (its derived key) → 409, not applied', async () => {
    await post(app, eventWith({ battery: { percentage: 50, voltage: 390, temperature: 80 } }));
    const second = await post(app, eventWith({ battery: { percentage: 50, voltage: 390, temperature: 20 } }));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'Conflict', field: 'timestamp' });
    expect((await app.inject({ method: 'GET', url: '/vehicles/EV-001' })).json().events).toBe(1);
  });

  test('the idempotency-key header overrides the derived key', async () => {
    await post(app, SAMPLE_EVENT, { 'idempotency-key': 'a' });
    const other = await post(app, SAMPLE_EVENT, { 'idempotency-key': 'b' });
    const again = await post(app, SAMPLE_EVENT, { 'idempotency-key': 'a' });
    const reused = await post(app, eventWith({ timestamp: '2024-02-15T11:00:00Z' }), { 'idempotency-key': 'a' });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ error: 'Conflict', field: 'idempotency-key' });
    expect((await app.inject({ method: 'GET', url: '/vehicles/EV-001' })).json().events).toBe(2);
  });

  test('an idempotency key over 256 characters → 400 naming the header', async () => {
    const response = await post(app, SAMPLE_EVENT, { 'idempotency-key': 'k'.repeat(257) });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('idempotency-key');
  });

  test('a date-time without an instant V8 can represent (leap second) → 400, not 500', async () => {
    const response = await post(app, eventWith({ timestamp: '2016-12-31T23:59:60Z' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('timestamp');
  });
});

describe('processing GET /vehicles/:vehicleId', () => {
  test('answers the summary with the number of events applied', async () => {
    const app = buildApp({ logLevel: 'silent' });
    await post(app, eventWith({ timestamp: '2024-02-15T10:00:00Z', odometer: 100, speed: 30 }));
    await post(app, eventWith({ timestamp: '2024-02-15T11:00:00Z', odometer: 150, speed: 50 }));
    const response = await app.inject({ method: 'GET', url: '/vehicles/EV-001' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ vehicle_id: 'EV-001', events: 2, distance_km: 50, speed_kmh: { min: 30, max: 50, avg: 40 } });
    await app.close();
  });

  test('404 JSON for an unknown vehicle', async () => {
    const app = buildApp({ logLevel: 'silent' });
    const response = await app.inject({ method: 'GET', url: '/vehicles/EV-404' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'Not Found', message: 'No events applied for vehicle EV-404' });
    await app.close();
  });

  test('400 naming the parameter for an over-long vehicle id', async () => {
    const app = buildApp({ logLevel: 'silent' });
    const response = await app.inject({ method: 'GET', url: `/vehicles/${'v'.repeat(65)}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/params\.vehicleId/);
    await app.close();
  });
});

describe('processing keeps its state in the store it is given', () => {
  test('events applied through the app are in the store; the app closes it', async () => {
    const store = new MemoryIdempotentStore<VehicleState, EvResult>();
    const close = jest.spyOn(store, 'close');
    const app = buildApp({ logLevel: 'silent', store });
    await post(app, SAMPLE_EVENT);
    expect((await store.get('EV-001'))?.events).toBe(1);
    await app.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
