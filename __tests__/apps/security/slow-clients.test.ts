/**
 * A client that sends its headers and then trickles or stalls its body must
 * not hold a connection for ever, and a crowd of them must not lock out
 * everyone else: real sockets on loopback against a listening service.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { buildApp as buildProcessing } from '../../../apps/processing/app';
import type { ServiceApp } from '../../../apps/service-kit/service-app';
import { DEFAULT_KEEP_ALIVE_TIMEOUT_MS, readServerSettings } from '../../../apps/service-kit/server-settings';
import { ANSWER_DEADLINE_MS, FRONT_DOOR_IDLE_TIMEOUT_MS } from '../../../contract/retry-policy';
import { DATA_PROCESSING } from '../../../contract/services';
import { SAMPLE_EVENT } from '../sample-event';

const REQUEST_TIMEOUT_MS = 1_000;
/** The request timeout plus the server's check interval (1 s) and scheduling slack on a busy machine. */
const CLOSE_BOUND_MS = REQUEST_TIMEOUT_MS + 1_000 + 2_000;
const MAX_CONNECTIONS = 4;

/** An open socket to `port` and a promise of everything it received when the server closed it. */
async function openSocket(port: number): Promise<{ socket: Socket; closed: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed };
}

/** Resolves with the close of `closed` or 'still open' after `ms`. */
function within(closed: Promise<string>, ms: number): Promise<string> {
  return Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), ms))]);
}

const BODY = JSON.stringify(SAMPLE_EVENT);
const HEADERS = `POST /ev HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`;

describe('a service with a 1 s request timeout and at most 4 connections', () => {
  let app: ServiceApp;
  let port: number;

  beforeEach(async () => {
    app = buildProcessing({ logLevel: 'silent', requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterEach(() => app.close());

  test('headers sent, body stalled: the server answers 408 JSON and closes the connection within the bound', async () => {
    const { socket, closed } = await openSocket(port);
    socket.write(HEADERS + BODY.slice(0, 10));
    const received = await within(closed, CLOSE_BOUND_MS);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({
      error: 'Request Timeout',
      message: expect.stringMatching(/request not received within 1000 ms/),
    });
  });

  test('headers sent, body trickled one byte every 100 ms: closed within the bound all the same', async () => {
    const { socket, closed } = await openSocket(port);
    socket.write(HEADERS);
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < BODY.length - 1) socket.write(BODY[sent++]);
    }, 100);
    try {
      expect(await within(closed, CLOSE_BOUND_MS)).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
    }
  });

  test('with the cap held by stalled bodies, one more connection is refused at once, and the service serves again once they time out', async () => {
    const stalled = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => openSocket(port)));
    for (const { socket } of stalled) socket.write(HEADERS);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const extra = await openSocket(port).catch(() => undefined);
    expect(extra === undefined || (await within(extra.closed, 500)) !== 'still open').toBe(true);

    for (const { closed } of stalled) expect(await within(closed, CLOSE_BOUND_MS)).toMatch(/^HTTP\/1\.1 408 /);
    const answer = await fetch(`http://127.0.0.1:${port}/health-check`);
    expect(answer.status).toBe(200);
  });
});

describe('keep-alive timeout', () => {
  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const app = buildProcessing({ logLevel: 'silent', keepAliveTimeoutMs: 300 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { socket, closed } = await openSocket((app.server.address() as AddressInfo).port);
      socket.write('GET /health-check HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await within(closed, 3_000)).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await app.close();
    }
  });

  test('by default it outlasts the front door idle timeout (the load balancer closes first), and the answer deadline is below both', () => {
    const settings = readServerSettings({}, DATA_PROCESSING);
    expect(settings.keepAliveTimeoutMs).toBe(DEFAULT_KEEP_ALIVE_TIMEOUT_MS);
    expect(settings.keepAliveTimeoutMs).toBeGreaterThan(FRONT_DOOR_IDLE_TIMEOUT_MS);
    expect(ANSWER_DEADLINE_MS).toBeLessThan(FRONT_DOOR_IDLE_TIMEOUT_MS);
    expect(settings.requestTimeoutMs).toBeLessThan(ANSWER_DEADLINE_MS);
  });
});
