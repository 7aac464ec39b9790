/**
 * The bad-input cases both services must answer alike, as one table the
 * ingestion and processing suites each run against their own app.
 */
import type { InjectOptions } from 'fastify';
import { SAMPLE_EVENT } from '../sample-event';

/** A request and the answer expected. */
export interface ErrorCase {
  readonly name: string;
  readonly request: InjectOptions;
  readonly statusCode: number;
  /** Part of the `message` expected, when it matters. */
  readonly message?: RegExp;
  /** The `field` expected in the body, when one is blamed. */
  readonly field?: string;
}

const json = { 'content-type': 'application/json' };
const withBattery = (battery: Record<string, unknown>) => JSON.stringify({ ...SAMPLE_EVENT, battery });

/** The table; bodies are sent as strings so that they reach the parser as given. */
export const ERROR_CASES: readonly ErrorCase[] = [
  {
    name: 'malformed JSON',
    request: { method: 'POST', url: '/ev', headers: json, payload: '{"vehicle_id": "EV-1",' },
    statusCode: 400,
    message: /JSON/,
  },
  { name: 'empty JSON body', request: { method: 'POST', url: '/ev', headers: json, payload: '' }, statusCode: 400 },
  {
    name: 'a JSON array instead of an object',
    request: { method: 'POST', url: '/ev', headers: json, payload: '[]' },
    statusCode: 400,
    field: 'body',
  },
  {
    name: 'a missing field',
    request: { method: 'POST', url: '/ev', headers: json, payload: JSON.stringify({ ...SAMPLE_EVENT, speed: undefined }) },
    statusCode: 400,
    message: /body\.speed is required/,
    field: 'speed',
  },
  {
    name: 'a nested field out of range',
    request: { method: 'POST', url: '/ev', headers: json, payload: withBattery({ percentage: 75, voltage: 0, temperature: 20 }) },
    statusCode: 400,
    message: /body\.battery\.voltage must be > 0/,
    field: 'battery.voltage',
  },
  {
    name: 'a number sent as a string (no coercion)',
    request: { method: 'POST', url: '/ev', headers: json, payload: JSON.stringify({ ...SAMPLE_EVENT, odometer: '12500' }) },
    statusCode: 400,
    field: 'odometer',
  },
  {
    name: 'a timestamp that is not RFC 3339',
    request: { method: 'POST', url: '/ev', headers: json, payload: JSON.stringify({ ...SAMPLE_EVENT, timestamp: '15/02/2024 10:30' }) },
    statusCode: 400,
    field: 'timestamp',
  },
  {
    name: 'an unknown property',
    request: { method: 'POST', url: '/ev', headers: json, payload: JSON.stringify({ ...SAMPLE_EVENT, odometr: 1 }) },
    statusCode: 400,
    message: /body\.odometr is not an allowed property/,
    field: 'odometr',
  },
  {
    name: 'an unknown nested property',
    request: {
      method: 'POST',
      url: '/ev',
      headers: json,
      payload: JSON.stringify({ ...SAMPLE_EVENT, location: { latitude: 1, longitude: 2, altitude: 3 } }),
    },
    statusCode: 400,
    field: 'location.altitude',
  },
  {
    name: 'a prototype-poisoning body',
    request: {
      method: 'POST',
      url: '/ev',
      headers: json,
      payload: `{"__proto__": {"admin": true}, ${JSON.stringify(SAMPLE_EVENT).slice(1)}`,
    },
    statusCode: 400,
  },
  {
    name: 'a text/plain body',
    request: { method: 'POST', url: '/ev', headers: { 'content-type': 'text/plain' }, payload: 'hello' },
    statusCode: 415,
  },
  {
    name: 'a form body',
    request: { method: 'POST', url: '/ev', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' },
    statusCode: 415,
  },
  { name: 'no body at all', request: { method: 'POST', url: '/ev' }, statusCode: 400, field: 'body' },
  {
    name: 'a body over the default 64 KiB limit',
    request: { method: 'POST', url: '/ev', headers: json, payload: JSON.stringify({ ...SAMPLE_EVENT, padding: 'x'.repeat(65 * 1024) }) },
    statusCode: 413,
  },
  { name: 'an unknown route', request: { method: 'GET', url: '/nope' }, statusCode: 404, message: /GET \/nope/ },
  { name: 'POST on the health check', request: { method: 'POST', url: '/health-check', headers: json, payload: '{}' }, statusCode: 405 },
  { name: 'GET on /ev', request: { method: 'GET', url: '/ev?x=1' }, statusCode: 405, message: /allowed: POST/ },
  { name: 'DELETE on /ev', request: { method: 'DELETE', url: '/ev' }, statusCode: 405 },
];
