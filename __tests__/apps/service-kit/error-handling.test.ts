import { buildApp as buildIngestion } from '../../../apps/ingestion/app';
import { buildApp as buildProcessing } from '../../../apps/processing/app';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { SAMPLE_EVENT } from '../sample-event';
import { ERROR_CASES } from './error-cases';

/** Nothing listens here: ingestion's bad-input answers must come before any forward. */
const UNREACHABLE_PROCESSING = new URL('http://127.0.0.1:9/ev');

const services: ReadonlyArray<[string, (bodyLimitBytes?: number) => ServiceApp]> = [
  ['data-ingestion', (bodyLimitBytes) => buildIngestion({ logLevel: 'silent', dataProcessingUrl: UNREACHABLE_PROCESSING, bodyLimitBytes })],
  ['data-processing', (bodyLimitBytes) => buildProcessing({ logLevel: 'silent', bodyLimitBytes })],
];

describe.each(services)('%s answers bad input with a 4xx JSON error', (_name, build) => {
  let app: ServiceApp;
  beforeAll(async () => {
    app = build();
    await app.ready();
  });
  afterAll(() => app.close());

  test.each(ERROR_CASES)('$name → $statusCode', async ({ request, statusCode, message, field }) => {
    // WHEN
    const response = await app.inject(request);
    // THEN
    expect(response.statusCode).toBe(statusCode);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(typeof body.error).toBe('string');
    expect(typeof body.message).toBe('string');
    if (message !== undefined) expect(body.message).toMatch(message);
    if (field !== undefined) expect(body.field).toBe(field);
  });

  test('405 lists the allowed methods in Allow', async () => {
    const response = await app.inject({ method: 'PUT', url: '/health-check' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  test('GET /health-check → 200 JSON', async () => {
    const response = await app.inject({ method: 'GET', url: '/health-check' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', service: _name });
  });
});

describe.each(services)('%s takes its body limit from the options', (_name, build) => {
  test('a body over a 1 KiB limit → 413, one under it passes the limit', async () => {
    // GIVEN
    const app = build(1024);
    const headers = { 'content-type': 'application/json' };
    // WHEN
    const over = await app.inject({
      method: 'POST',
      url: '/ev',
      headers,
      payload: JSON.stringify({ ...SAMPLE_EVENT, pad: 'x'.repeat(1100) }),
    });
    const under = await app.inject({ method: 'POST', url: '/ev', headers, payload: JSON.stringify({ ...SAMPLE_EVENT, pad: 'x' }) });
    // THEN
    expect(over.statusCode).toBe(413);
    expect(over.json().error).toBe('Payload Too Large');
    expect(under.statusCode).toBe(400);
    expect(under.json().field).toBe('pad');
    await app.close();
  });
});
