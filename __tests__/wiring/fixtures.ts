/** Shared parts of the wiring tests: log capture, posting events, loopback servers, queue directories. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ServiceApp } from '../../apps/service-kit/service-app';
import type { EvPayload } from '../../contract/ev-payload';

/** Collects a service's JSON log lines. */
export class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
    done();
  }
  /** The one-per-request lines. */
  requests(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === 'request');
  }
}

/** `POST /ev` of `event` through `inject`. */
export function postEvent(app: ServiceApp, event: EvPayload | string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/ev',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof event === 'string' ? event : JSON.stringify(event),
  });
}

/** The `events` count of a vehicle at processing, undefined when it has none. */
export async function eventsOf(processing: ServiceApp, vehicleId: string): Promise<number | undefined> {
  const response = await processing.inject({ method: 'GET', url: `/vehicles/${vehicleId}` });
  return response.statusCode === 200 ? (response.json().events as number) : undefined;
}

/** A loopback HTTP server that counts the requests it receives. */
export interface CountingServer {
  readonly url: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Starts a {@link CountingServer} answering with `handler`. */
export async function startCountingServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<CountingServer> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    count++;
    request.resume();
    request.on('end', () => handler(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ev`,
    requests: () => count,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A fresh directory for an embedded retry queue, and its removal. */
export function tempQueueDir(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wiring-queue-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** File names in `messages/` or `dead-letters/` of a queue directory. */
export function queueFiles(dir: string, part: 'messages' | 'dead-letters'): string[] {
  try {
    return readdirSync(join(dir, part));
  } catch {
    return [];
  }
}

/** Polls `condition` every 25 ms until it holds, or fails after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
