/**
 * The `node-floor` of `npm run bench`: a bare `node:http` server that
 * forwards `POST /ev` to processing through the same undici pool as
 * data-ingestion ({@link UndiciProcessingClient}) and relays the answer, with
 * nothing else: no Fastify, no validation, no request log, no resilience
 * chain, no metrics. It is not a service (it checks nothing and loses events
 * on any failure); it measures how fast any Node ingestion of this design can
 * be on the machine at hand, the ceiling the real one is compared with.
 *
 * Environment: APP_HOST (127.0.0.1), APP_PORT (13000), DATA_PROCESSING_URL
 * (processing's `POST /ev`). Stops on SIGTERM or SIGINT.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { UndiciProcessingClient } from '../../apps/ingestion/undici-processing-client';
import { IDEMPOTENCY_KEY_HEADER } from '../../contract/ev-payload';
import { DATA_INGESTION, EV_PATH, LOCAL_DATA_PROCESSING_URL } from '../../contract/services';

const processing = new UndiciProcessingClient({ url: new URL(process.env.DATA_PROCESSING_URL ?? LOCAL_DATA_PROCESSING_URL) });

/** Reads the body, forwards it with its content type and idempotency key, relays status, content type and body. */
function forward(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (typeof key === 'string') headers[IDEMPOTENCY_KEY_HEADER] = key;
    processing.send({ body: Buffer.concat(chunks), headers }).then(
      (answer) => {
        const contentType = answer.headers['content-type'];
        response.writeHead(answer.statusCode, typeof contentType === 'string' ? { 'content-type': contentType } : {});
        response.end(answer.body);
      },
      (error: Error) => {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error.message }));
      },
    );
  });
}

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === EV_PATH) return forward(request, response);
  if (request.method === 'GET' && request.url === DATA_INGESTION.healthCheckPath) {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end('{"status":"ok"}');
  }
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end('{"error":"not found"}');
});
server.listen(Number(process.env.APP_PORT ?? 13000), process.env.APP_HOST ?? '127.0.0.1');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void processing.close();
  });
}
