/**
 * The vehicles' front door over real TLS: the local mutual-TLS front (the
 * load balancer's stand-in) verifies client certificates made by the
 * development CA (openssl) against the CA and its revocation list, and
 * forwards to the built ingestion (`VEHICLE_AUTH=alb-mtls`) and processing,
 * both real processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VEHICLE_CERTIFICATE_HEADER } from '../../contract/vehicle-auth';
import { albUrlEncode, startMtlsFront, type MtlsFront } from '../../scripts/launch/mtls-front';
import { freeLoopbackPort } from '../../scripts/launch/redis-server';
import { ensureBuilt, startService, type ServiceProcess } from '../../scripts/launch/service-process';
import { DevPki, type VehicleFiles } from '../../scripts/pki/dev-pki';
import { eventWith } from '../apps/sample-event';

jest.setTimeout(120_000);

/** What a vehicle got: an HTTP answer, or the error that ended the connection. */
type Outcome = { readonly status: number; readonly body: any } | { readonly refused: string };

let dir: string;
let pki: DevPki;
let otherPki: DevPki;
let processing: ServiceProcess;
let ingestion: ServiceProcess;
let front: MtlsFront;
const refusedHandshakes: string[] = [];

/** POSTs `event` to the front over TLS, presenting `client`'s certificate when given. */
function post(event: unknown, client?: VehicleFiles, headers: Record<string, string> = {}, to: MtlsFront = front): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = JSON.stringify(event);
    const request = httpsRequest(
      `${to.url}/ev`,
      {
        method: 'POST',
        agent: false,
        ca: readFileSync(pki.caCertificate),
        ...(client === undefined ? {} : { cert: readFileSync(client.certificate), key: readFileSync(client.key) }),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message }));
    request.end(body);
  });
}

async function eventsAtProcessing(vehicleId: string): Promise<number> {
  const answer = await fetch(`${processing.url}/vehicles/${vehicleId}`);
  return answer.status === 200 ? ((await answer.json()) as { events: number }).events : 0;
}

/** Ingestion's request log lines so far. */
function ingestionRequests(): Record<string, unknown>[] {
  return ingestion
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'request');
}

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vehicle-mtls-'));
  pki = DevPki.ensure(join(dir, 'pki'));
  otherPki = DevPki.ensure(join(dir, 'other-pki'));
  pki.issueVehicle('EV-A');
  pki.issueVehicle('EV-B');
  pki.issueVehicle('EV-REVOKED');
  pki.revokeVehicle('EV-REVOKED');
  pki.issueVehicle('EV-EXPIRED', { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2024-02-01T00:00:00Z') });
  otherPki.issueVehicle('EV-A');
  processing = await startService('processing');
  ingestion = await startService('ingestion', { DATA_PROCESSING_URL: `${processing.url}/ev`, VEHICLE_AUTH: 'alb-mtls' });
  front = await startMtlsFront({
    target: new URL(ingestion.url),
    files: { ca: pki.caCertificate, crl: pki.crl, ...pki.server },
    onRefusedHandshake: (reason) => refusedHandshakes.push(reason),
  });
});
afterAll(async () => {
  await front?.close();
  await ingestion?.stop();
  await processing?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => (refusedHandshakes.length = 0));

describe('a vehicle posting through the mutual-TLS front to ingestion (VEHICLE_AUTH=alb-mtls)', () => {
  test('with its own certificate and its own event: 200, applied at processing, and the request log names the vehicle', async () => {
    const outcome = await post(eventWith({ vehicle_id: 'EV-A' }), pki.vehicle('EV-A'));
    expect(outcome).toEqual({ status: 200, body: { status: 'processed', anomalies: [] } });
    expect(await eventsAtProcessing('EV-A')).toBe(1);
    expect(ingestionRequests()).toContainEqual(expect.objectContaining({ url: '/ev', statusCode: 200, vehicleId: 'EV-A' }));
  });

  test('without a certificate: refused in the TLS handshake, nothing reaches ingestion', async () => {
    const before = ingestionRequests().length;
    const outcome = await post(eventWith({ vehicle_id: 'EV-A' }));
    expect(outcome).toEqual({ refused: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    expect(refusedHandshakes).toEqual(['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE']);
    expect(ingestionRequests()).toHaveLength(before);
  });

  test("vehicle A's certificate posting vehicle B's event: 403, nothing applied", async () => {
    const outcome = await post(eventWith({ vehicle_id: 'EV-B', timestamp: '2026-01-01T00:00:00Z' }), pki.vehicle('EV-A'));
    expect(outcome).toEqual({
      status: 403,
      body: {
        error: 'Forbidden',
        message: 'the client certificate of vehicle "EV-A" may not post events of vehicle "EV-B"',
        field: 'vehicle_id',
      },
    });
    expect(await eventsAtProcessing('EV-B')).toBe(0);
  });

  test("vehicle A sending vehicle B's certificate in the load balancer's header: the front replaces it with A's, 403", async () => {
    const forged = albUrlEncode(readFileSync(pki.vehicle('EV-B').certificate, 'utf8'));
    const outcome = await post(eventWith({ vehicle_id: 'EV-B', timestamp: '2026-01-01T00:00:01Z' }), pki.vehicle('EV-A'), {
      [VEHICLE_CERTIFICATE_HEADER]: forged,
    });
    expect(outcome).toMatchObject({ status: 403 });
    expect(await eventsAtProcessing('EV-B')).toBe(0);
  });

  test('with a revoked certificate: refused in the handshake', async () => {
    const before = ingestionRequests().length;
    const outcome = await post(eventWith({ vehicle_id: 'EV-REVOKED' }), pki.vehicle('EV-REVOKED'));
    expect(outcome).toEqual({ refused: expect.any(String) });
    expect(refusedHandshakes).toEqual(['CERT_REVOKED']);
    expect(ingestionRequests()).toHaveLength(before);
    expect(await eventsAtProcessing('EV-REVOKED')).toBe(0);
  });

  test('with an expired certificate: refused in the handshake', async () => {
    const before = ingestionRequests().length;
    const outcome = await post(eventWith({ vehicle_id: 'EV-EXPIRED' }), pki.vehicle('EV-EXPIRED'));
    expect(outcome).toEqual({ refused: expect.any(String) });
    expect(refusedHandshakes).toEqual(['CERT_HAS_EXPIRED']);
    expect(ingestionRequests()).toHaveLength(before);
    expect(await eventsAtProcessing('EV-EXPIRED')).toBe(0);
  });

  test('with a certificate for the same vehicle ID from another CA: refused in the handshake', async () => {
    const before = ingestionRequests().length;
    const outcome = await post(eventWith({ vehicle_id: 'EV-A' }), otherPki.vehicle('EV-A'));
    expect(outcome).toEqual({ refused: expect.any(String) });
    expect(refusedHandshakes).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
    expect(ingestionRequests()).toHaveLength(before);
  });

  test("with the front's own server certificate (same CA, no clientAuth usage, no vehicle): refused in the handshake", async () => {
    const outcome = await post(eventWith({ vehicle_id: 'localhost' }), pki.server);
    expect(outcome).toEqual({ refused: expect.any(String) });
    expect(refusedHandshakes).toEqual(['INVALID_PURPOSE']);
  });

  test('revoked while the front runs: accepted before, refused once the front reloads the new CRL', async () => {
    pki.issueVehicle('EV-LOST');
    expect(await post(eventWith({ vehicle_id: 'EV-LOST' }), pki.vehicle('EV-LOST'))).toMatchObject({ status: 200 });
    pki.revokeVehicle('EV-LOST');
    front.reload();
    const outcome = await post(eventWith({ vehicle_id: 'EV-LOST', timestamp: '2026-01-01T00:00:02Z' }), pki.vehicle('EV-LOST'));
    expect(outcome).toEqual({ refused: expect.any(String) });
    expect(refusedHandshakes).toEqual(['CERT_REVOKED']);
    expect(await eventsAtProcessing('EV-LOST')).toBe(1);
  });
});

describe('the front with ingestion down', () => {
  test('a verified vehicle gets 502, as from the load balancer', async () => {
    const orphan = await startMtlsFront({
      target: new URL(`http://127.0.0.1:${await freeLoopbackPort()}`),
      files: { ca: pki.caCertificate, crl: pki.crl, ...pki.server },
    });
    try {
      expect(await post(eventWith({ vehicle_id: 'EV-A' }), pki.vehicle('EV-A'), {}, orphan)).toEqual({
        status: 502,
        body: '502 Bad Gateway\n',
      });
    } finally {
      await orphan.close();
    }
  });
});
