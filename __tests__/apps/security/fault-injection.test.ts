/**
 * The fault switches (`x-503`, `FAULT_503_RATE`) are for experiments: any
 * caller could otherwise make processing fail and, through ingestion's
 * retries, open the circuit breaker the whole fleet shares. They do nothing
 * unless the service runs with `FAULT_INJECTION=enabled`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { buildApp as buildIngestion } from '../../../apps/ingestion/app';
import { readIngestionSettings } from '../../../apps/ingestion/settings';
import { buildApp as buildProcessing } from '../../../apps/processing/app';
import { FAULT_503_MESSAGE } from '../../../apps/processing/ev-route';
import { readProcessingSettings } from '../../../apps/processing/settings';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { eventWith } from '../sample-event';
import { postEvent, startCountingServer } from '../../wiring/fixtures';

describe('processing without FAULT_INJECTION', () => {
  let processing: ServiceApp;
  afterEach(() => processing.close());

  test('x-503 from any caller is ignored: the event is processed (200)', async () => {
    processing = buildProcessing({ logLevel: 'silent' });
    const response = await postEvent(processing, eventWith({ vehicle_id: 'EV-FAULT-1' }), { 'x-503': 'true' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'processed' });
  });

  test('a transient fault rate needs fault injection: buildApp refuses it', () => {
    expect(() => buildProcessing({ logLevel: 'silent', fault503Rate: 0.5 })).toThrow(/fault503Rate \(0.5\) needs faultInjection/);
  });
});

describe('processing with FAULT_INJECTION=enabled (the article experiment)', () => {
  test('x-503 → 503 with the article message', async () => {
    const processing = buildProcessing({ logLevel: 'silent', faultInjection: true });
    const response = await postEvent(processing, eventWith({ vehicle_id: 'EV-FAULT-2' }), { 'x-503': 'true' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'Service Unavailable', message: FAULT_503_MESSAGE });
    await processing.close();
  });
});

describe('ingestion forwards x-503 only with fault injection', () => {
  test.each([
    [false, 0],
    [true, 12],
  ])('faultInjection %s: 12 calls with x-503 carry it to processing %i times', async (faultInjection, forwarded) => {
    // GIVEN a loopback processing that records the headers it receives and answers 200
    const seen: IncomingHttpHeaders[] = [];
    const upstream = await startCountingServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"processed","anomalies":[]}');
    });
    const ingestion = buildIngestion({ logLevel: 'silent', dataProcessingUrl: new URL(upstream.url), faultInjection });
    try {
      // WHEN
      for (let i = 0; i < 12; i++) {
        const response = await postEvent(ingestion, eventWith({ vehicle_id: 'EV-FAULT-3', timestamp: `2024-02-15T10:30:${10 + i}Z` }), {
          'x-503': 'true',
        });
        expect(response.statusCode).toBe(200);
      }
      // THEN
      expect(seen).toHaveLength(12);
      expect(seen.filter((headers) => headers['x-503'] !== undefined)).toHaveLength(forwarded);
    } finally {
      await ingestion.close();
      await upstream.close();
    }
  });
});

describe('FAULT_INJECTION in the environment', () => {
  test('unset: both services have fault injection off', () => {
    expect(readProcessingSettings({}).faultInjection).toBe(false);
    expect(readIngestionSettings({}).faultInjection).toBe(false);
  });

  test('enabled: both services have it on', () => {
    expect(readProcessingSettings({ FAULT_INJECTION: 'enabled' }).faultInjection).toBe(true);
    expect(readIngestionSettings({ FAULT_INJECTION: 'enabled' }).faultInjection).toBe(true);
  });

  test('another value is refused, naming the variable', () => {
    expect(() => readProcessingSettings({ FAULT_INJECTION: 'true' })).toThrow(
      /FAULT_INJECTION="true" is invalid: expected one of disabled, enabled/,
    );
  });

  test('FAULT_503_RATE above 0 without FAULT_INJECTION=enabled is refused', () => {
    expect(() => readProcessingSettings({ FAULT_503_RATE: '0.2' })).toThrow(
      /FAULT_503_RATE="0.2" is invalid: expected 0 unless FAULT_INJECTION=enabled/,
    );
    expect(readProcessingSettings({ FAULT_503_RATE: '0.2', FAULT_INJECTION: 'enabled' }).fault503Rate).toBe(0.2);
  });
});
