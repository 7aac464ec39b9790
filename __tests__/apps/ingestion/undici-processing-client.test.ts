import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProcessingUnreachableError } from '../../../apps/ingestion/processing-client';
import { UpstreamFailure } from '../../../apps/resilience/upstream-failure';
import { UndiciProcessingClient } from '../../../apps/ingestion/undici-processing-client';
import { ShuttingDownError } from '../../../apps/ingestion/shutting-down-error';

/** A real HTTP server on loopback whose behaviour each test chooses. */
async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: URL }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ev?via=test`) };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('UndiciProcessingClient', () => {
  test('sends the exact bytes and headers, and returns status, headers and body', async () => {
    // GIVEN
    let received: { method?: string; url?: string; headers: Record<string, unknown>; body: Buffer } | undefined;
    const { server, url } = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = { method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks) };
        response.writeHead(202, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end('{"ok":true}');
      });
    });
    const client = new UndiciProcessingClient({ url });
    const body = Buffer.from('{ "vehicle_id" : "EV-\\u00fc",\n "speed": 1.50 }');
    // WHEN
    const answer = await client.send({ body, headers: { 'content-type': 'application/json', 'x-503': 'true' } });
    // THEN
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/ev?via=test');
    expect(received?.body.equals(body)).toBe(true);
    expect(received?.headers).toMatchObject({ 'content-type': 'application/json', 'x-503': 'true' });
    expect(answer.statusCode).toBe(202);
    expect(answer.headers['idempotent-replayed']).toBe('true');
    expect(answer.body.toString()).toBe('{"ok":true}');
    await client.close();
    await stop(server);
  });

  test('reuses keep-alive connections: 20 sequential calls, at most 2 connections', async () => {
    const sockets = new Set<unknown>();
    const { server, url } = await listen((request, response) => {
      sockets.add(request.socket);
      request.resume();
      request.on('end', () => response.end('{}'));
    });
    const client = new UndiciProcessingClient({ url });
    for (let i = 0; i < 20; i++) await client.send({ body: Buffer.from('{}'), headers: { 'content-type': 'application/json' } });
    expect(sockets.size).toBeLessThanOrEqual(2);
    await client.close();
    await stop(server);
  });

  test('a connection reset before the answer rejects as RESET', async () => {
    const { server, url } = await listen((request) => request.socket.destroy());
    const client = new UndiciProcessingClient({ url });
    const failure = client.send({ body: Buffer.from('{}'), headers: {} });
    await expect(failure).rejects.toBeInstanceOf(ProcessingUnreachableError);
    await expect(failure).rejects.toMatchObject({ failure: UpstreamFailure.RESET });
    await client.close();
    await stop(server);
  });

  test('a refused connection rejects as CONNECTION_ERROR', async () => {
    const { server, url } = await listen(() => undefined);
    await stop(server);
    const client = new UndiciProcessingClient({ url });
    await expect(client.send({ body: Buffer.from('{}'), headers: {} })).rejects.toMatchObject({
      failure: UpstreamFailure.CONNECTION_ERROR,
    });
    await client.close();
  });

  test('no answer within the timeout rejects as TIMEOUT', async () => {
    const { server, url } = await listen(() => undefined);
    const client = new UndiciProcessingClient({ url, timeoutMs: 100 });
    await expect(client.send({ body: Buffer.from('{}'), headers: {} })).rejects.toMatchObject({ failure: UpstreamFailure.TIMEOUT });
    await client.close();
    await stop(server);
  });

  test('the shutdown signal ends every call in flight at once, through one listener on the signal', async () => {
    // GIVEN: processing never answers, and 20 calls share the process's shutdown signal
    const { server, url } = await listen(() => undefined);
    const client = new UndiciProcessingClient({ url });
    const shutdown = new AbortController();
    let received = 0;
    server.on('request', () => received++);
    const calls = Array.from({ length: 20 }, () => client.send({ body: Buffer.from('{}'), headers: {}, signal: shutdown.signal }));
    while (received < 20) await new Promise((resolve) => setTimeout(resolve, 5));
    // THEN: one listener, not one per call (a listener added and removed per call keeps dead calls alive in the young generation)
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    // WHEN
    shutdown.abort(new ShuttingDownError());
    // THEN
    const failures = await Promise.all(calls.map((call) => call.catch((error: unknown) => error)));
    for (const failure of failures) expect(failure).toMatchObject({ failure: UpstreamFailure.SHUTDOWN });
    await client.close();
    await stop(server);
  });
});
