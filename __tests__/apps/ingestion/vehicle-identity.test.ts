/**
 * Ingestion's vehicle identity from the load balancer's client-certificate
 * header, with real certificates made by the development CA (openssl) and
 * processing listening on loopback.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildApp as buildIngestion } from '../../../apps/ingestion/app';
import { readIngestionSettings } from '../../../apps/ingestion/settings';
import { buildApp as buildProcessing } from '../../../apps/processing/app';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { VEHICLE_CERTIFICATE_HEADER, VehicleAuth } from '../../../contract/vehicle-auth';
import { DevPki } from '../../../scripts/pki/dev-pki';
import { albUrlEncode } from '../../../scripts/launch/mtls-front';
import { eventWith } from '../sample-event';

jest.setTimeout(60_000);

/** Collects a service's JSON log lines. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
    done();
  }
  requests(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === 'request');
  }
}

const json = { 'content-type': 'application/json' };
let dir: string;
let pki: DevPki;
/** EV-001's certificate as the ALB sends it; its base64 holds `+`, `/` and `=`. */
let leafOfEv001: string;
let leafOfEv002: string;

function albHeader(certificateFile: string): string {
  return albUrlEncode(readFileSync(certificateFile, 'utf8'));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vehicle-identity-'));
  pki = DevPki.ensure(dir);
  // Reissue until the PEM holds all three characters the ALB leaves unescaped (ECDSA signatures vary in length).
  for (let attempt = 0; attempt < 30; attempt += 1) {
    leafOfEv001 = albHeader(pki.issueVehicle('EV-001').certificate);
    if (/\+/.test(leafOfEv001) && /\//.test(leafOfEv001) && /=/.test(leafOfEv001)) break;
  }
  leafOfEv002 = albHeader(pki.issueVehicle('EV-002').certificate);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingestion with VEHICLE_AUTH=alb-mtls', () => {
  let processing: ServiceApp;
  let ingestion: ServiceApp;
  let ingestionLog: LogLines;

  beforeEach(async () => {
    processing = buildProcessing({ logLevel: 'silent' });
    const address = await processing.listen({ port: 0, host: '127.0.0.1' });
    ingestionLog = new LogLines();
    ingestion = buildIngestion({ dataProcessingUrl: new URL(`${address}/ev`), logStream: ingestionLog, vehicleAuth: VehicleAuth.ALB_MTLS });
  });
  afterEach(async () => {
    await ingestion.close();
    await processing.close();
  });

  function post(event: unknown, headers: Record<string, string> = {}) {
    return ingestion.inject({ method: 'POST', url: '/ev', headers: { ...json, ...headers }, payload: JSON.stringify(event) });
  }
  async function eventsAtProcessing(vehicleId: string): Promise<number> {
    const answer = await processing.inject({ method: 'GET', url: `/vehicles/${vehicleId}` });
    return answer.statusCode === 200 ? (answer.json() as { events: number }).events : 0;
  }

  test("the vehicle's own event with its certificate as the ALB encodes it (+ = / unescaped): 200, and the request log names the vehicle", async () => {
    expect(leafOfEv001).toMatch(/^-----BEGIN%20CERTIFICATE-----%0A/);
    expect(leafOfEv001).toEqual(expect.stringContaining('+'));
    expect(leafOfEv001).toEqual(expect.stringContaining('='));
    expect(leafOfEv001).toEqual(expect.stringContaining('/'));
    const answer = await post(eventWith({ vehicle_id: 'EV-001' }), { [VEHICLE_CERTIFICATE_HEADER]: leafOfEv001 });
    expect(answer.statusCode).toBe(200);
    expect(await eventsAtProcessing('EV-001')).toBe(1);
    expect(ingestionLog.requests()).toEqual([expect.objectContaining({ url: '/ev', statusCode: 200, vehicleId: 'EV-001' })]);
  });

  test("several vehicles through one ingestion: each identity is its own certificate's, remembered or not", async () => {
    for (const round of [1, 2]) {
      const timestamp = `2026-01-01T00:00:0${round}Z`;
      expect((await post(eventWith({ vehicle_id: 'EV-001', timestamp }), { [VEHICLE_CERTIFICATE_HEADER]: leafOfEv001 })).statusCode).toBe(
        200,
      );
      expect((await post(eventWith({ vehicle_id: 'EV-002', timestamp }), { [VEHICLE_CERTIFICATE_HEADER]: leafOfEv002 })).statusCode).toBe(
        200,
      );
      expect((await post(eventWith({ vehicle_id: 'EV-001', timestamp }), { [VEHICLE_CERTIFICATE_HEADER]: leafOfEv002 })).statusCode).toBe(
        403,
      );
    }
    expect(ingestionLog.requests().map((line) => line.vehicleId)).toEqual(['EV-001', 'EV-002', 'EV-002', 'EV-001', 'EV-002', 'EV-002']);
  });

  test('no certificate header: 401 naming the header, nothing forwarded', async () => {
    const answer = await post(eventWith({ vehicle_id: 'EV-001' }));
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toEqual({
      error: 'Unauthorized',
      message: `no client certificate: the ${VEHICLE_CERTIFICATE_HEADER} header is missing`,
      field: VEHICLE_CERTIFICATE_HEADER,
    });
    expect(await eventsAtProcessing('EV-001')).toBe(0);
  });

  test('the 401 comes before the body is looked at: no certificate and an invalid body is 401, not 400', async () => {
    const answer = await post({ vehicle_id: 42 });
    expect(answer.statusCode).toBe(401);
  });

  test.each([
    ['garbage', 'not-a-certificate'],
    ['a PEM block of garbage', albUrlEncode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')],
    ['broken percent-encoding', '-----BEGIN%20CERTIFICATE-----%0AMII%ZZ'],
  ])('%s in the header: 401 JSON, never a 500', async (_case, header) => {
    const answer = await post(eventWith({ vehicle_id: 'EV-001' }), { [VEHICLE_CERTIFICATE_HEADER]: header });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ error: 'Unauthorized', field: VEHICLE_CERTIFICATE_HEADER });
  });

  test('the certificate decoded as a form value would be (+ turned into spaces): 401, so the decoding matters', async () => {
    const formDecodedThenReencoded = albUrlEncode(decodeURIComponent(leafOfEv001).replace(/\+/g, ' '));
    const answer = await post(eventWith({ vehicle_id: 'EV-001' }), { [VEHICLE_CERTIFICATE_HEADER]: formDecodedThenReencoded });
    expect(answer.statusCode).toBe(401);
  });

  test("a certificate of the same CA that names no vehicle (the HTTPS front's server certificate): 401", async () => {
    const answer = await post(eventWith({ vehicle_id: 'localhost' }), { [VEHICLE_CERTIFICATE_HEADER]: albHeader(pki.server.certificate) });
    expect(answer.statusCode).toBe(401);
    expect(answer.json().message).toMatch(/names no vehicle/);
  });

  test('a certificate naming two vehicles: 401', async () => {
    const twoVehicles = join(dir, 'two-vehicles.pem');
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc', '-keyout', join(dir, 'two-vehicles.key.pem'),
      '-out', twoVehicles, '-days', '1', '-subj', '/CN=EV-001', '-addext', 'subjectAltName=URI:urn:ev:vehicle:EV-001,URI:urn:ev:vehicle:EV-002',
    ]); // prettier-ignore
    expect(made.status).toBe(0);
    const answer = await post(eventWith({ vehicle_id: 'EV-001' }), { [VEHICLE_CERTIFICATE_HEADER]: albHeader(twoVehicles) });
    expect(answer.statusCode).toBe(401);
    expect(answer.json().message).toMatch(/more than one vehicle/);
  });

  test("vehicle EV-001's certificate posting EV-002's event: 403 naming vehicle_id, nothing forwarded", async () => {
    const answer = await post(eventWith({ vehicle_id: 'EV-002' }), { [VEHICLE_CERTIFICATE_HEADER]: leafOfEv001 });
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toEqual({
      error: 'Forbidden',
      message: 'the client certificate of vehicle "EV-001" may not post events of vehicle "EV-002"',
      field: 'vehicle_id',
    });
    expect(await eventsAtProcessing('EV-002')).toBe(0);
    expect(ingestionLog.requests()).toEqual([expect.objectContaining({ statusCode: 403, vehicleId: 'EV-001' })]);
  });

  test('a second certificate header next to the real one (a client adding its own): 401 over real HTTP', async () => {
    const address = await ingestion.listen({ port: 0, host: '127.0.0.1' });
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${address}/ev`, { method: 'POST', headers: json }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      // Two header lines, as a client-sent header followed by the load balancer's would arrive.
      request.setHeader(VEHICLE_CERTIFICATE_HEADER, [leafOfEv002, leafOfEv001]);
      request.end(JSON.stringify(eventWith({ vehicle_id: 'EV-002' })));
    });
    expect(status).toBe(401);
    expect(await eventsAtProcessing('EV-002')).toBe(0);
  });

  test('the health check needs no certificate (the load balancer probes without one)', async () => {
    const answer = await ingestion.inject({ method: 'GET', url: '/health-check' });
    expect(answer.statusCode).toBe(200);
  });

  test('listening on every interface logs no VEHICLE_AUTH warning', async () => {
    await ingestion.listen({ port: 0, host: '0.0.0.0' });
    expect(ingestionLog.lines.filter((line) => line.level === 40)).toEqual([]);
  });
});

describe('ingestion with VEHICLE_AUTH=none (the default)', () => {
  let processing: ServiceApp;
  let ingestion: ServiceApp;
  let ingestionLog: LogLines;

  beforeEach(async () => {
    processing = buildProcessing({ logLevel: 'silent' });
    const address = await processing.listen({ port: 0, host: '127.0.0.1' });
    ingestionLog = new LogLines();
    ingestion = buildIngestion({ dataProcessingUrl: new URL(`${address}/ev`), logStream: ingestionLog });
  });
  afterEach(async () => {
    await ingestion.close();
    await processing.close();
  });

  test('the certificate header is not read: any vehicle may post, and the log names none', async () => {
    const answer = await ingestion.inject({
      method: 'POST',
      url: '/ev',
      headers: { ...json, [VEHICLE_CERTIFICATE_HEADER]: leafOfEv001 },
      payload: JSON.stringify(eventWith({ vehicle_id: 'EV-002' })),
    });
    expect(answer.statusCode).toBe(200);
    expect(ingestionLog.requests()[0]).not.toHaveProperty('vehicleId');
  });

  test('listening on loopback: no warning', async () => {
    await ingestion.listen({ port: 0, host: '127.0.0.1' });
    expect(ingestionLog.lines.filter((line) => line.level === 40)).toEqual([]);
  });

  test('listening on every interface: one warning naming VEHICLE_AUTH and the address', async () => {
    await ingestion.listen({ port: 0, host: '0.0.0.0' });
    const warnings = ingestionLog.lines.filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        VEHICLE_AUTH: 'none',
        addresses: ['0.0.0.0'],
        msg: expect.stringMatching(/any caller may post any vehicle's events/),
      }),
    ]);
  });
});

describe('the VEHICLE_AUTH setting', () => {
  test('defaults to none', () => {
    expect(readIngestionSettings({}).vehicleAuth).toBe('none');
  });

  test('reads alb-mtls', () => {
    expect(readIngestionSettings({ VEHICLE_AUTH: 'alb-mtls' }).vehicleAuth).toBe('alb-mtls');
  });

  test('refuses anything else, naming the variable and the choices', () => {
    expect(() => readIngestionSettings({ VEHICLE_AUTH: 'mtls' })).toThrow('VEHICLE_AUTH="mtls" is invalid: expected one of none, alb-mtls');
  });
});
