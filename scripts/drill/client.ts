/**
 * The clients' side of the drill: distinct, plausible EV events (no
 * validation failures, `__tests__/apps/sample-event.ts` is the model) and one
 * `POST /ev` call to ingestion with an idempotency key, timed.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAY_HEADER, type EvPayload } from '../../contract/ev-payload';

/** One event of a run, with the idempotency key its client sends. */
export interface DrillEvent {
  readonly index: number;
  readonly vehicleId: string;
  readonly idempotencyKey: string;
  readonly body: string;
}

const BASE_TIME_MS = Date.parse('2024-02-15T10:30:00Z');

/**
 * Event `index` of a run over `vehicles` vehicles: vehicle `index % vehicles`,
 * its reading number `floor(index / vehicles)` 10 s after the previous one,
 * moving about 55 m and 0.06 km of odometer per reading (about 20 km/h).
 */
export function drillEvent(runId: string, index: number, vehicles: number): DrillEvent {
  const vehicle = index % vehicles;
  const reading = Math.floor(index / vehicles);
  const vehicleId = `${runId}-V${String(vehicle).padStart(3, '0')}`;
  const payload: EvPayload = {
    vehicle_id: vehicleId,
    timestamp: new Date(BASE_TIME_MS + reading * 10_000 + vehicle).toISOString(),
    location: { latitude: 37.5 + vehicle * 0.01 + (reading % 20_000) * 0.0005, longitude: -122.4 + vehicle * 0.01 },
    battery: { percentage: Math.max(5, 95 - reading * 0.01), voltage: 380 + (reading % 20), temperature: 25 + (reading % 10) * 0.1 },
    speed: 15 + (reading % 30),
    odometer: 10_000 + vehicle * 100 + reading * 0.06,
  };
  return { index, vehicleId, idempotencyKey: `${runId}-e${index}`, body: JSON.stringify(payload) };
}

/** What one call got back. */
export type CallOutcome =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly replayed: boolean; readonly latencyMs: number }
  | { readonly kind: 'connection-error'; readonly code: string; readonly latencyMs: number };

/** One `POST /ev` of `event` through `pool` (ingestion), with its `Idempotency-Key`. Never throws. */
export async function postEvent(pool: Pool, event: DrillEvent, timeoutMs = 30_000): Promise<CallOutcome> {
  const started = performance.now();
  try {
    const response = await pool.request({
      method: 'POST',
      path: '/ev',
      headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: event.idempotencyKey },
      body: event.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await response.body.text();
    return {
      kind: 'answer',
      status: response.statusCode,
      body,
      replayed: response.headers[IDEMPOTENT_REPLAY_HEADER] === 'true',
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name ?? 'error';
    return { kind: 'connection-error', code, latencyMs: performance.now() - started };
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The fraction of `calls` direct `POST /ev` calls (distinct events of vehicles
 * `<runId>-V…`) that processing answers with 503: shows whether
 * `FAULT_503_RATE` is in effect. Connection errors count as failures of the
 * probe (thrown).
 */
export async function probe503Rate(processingUrl: string, runId: string, calls = 200): Promise<number> {
  const pool = new Pool(processingUrl, { connections: 4 });
  let faults = 0;
  try {
    for (let index = 0; index < calls; index++) {
      const outcome = await postEvent(pool, drillEvent(runId, index, 10), 10_000);
      if (outcome.kind !== 'answer') throw new Error(`probe of ${processingUrl}: no answer (${outcome.code})`);
      if (outcome.status === 503) faults += 1;
      else if (outcome.status !== 200)
        throw new Error(`probe of ${processingUrl}: answered ${outcome.status} ${outcome.body.slice(0, 200)}`);
    }
  } finally {
    await pool.close();
  }
  return faults / calls;
}
