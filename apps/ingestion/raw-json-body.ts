/**
 * A JSON body parser that also keeps the bytes it parsed, so that ingestion
 * forwards exactly what the client sent instead of serialising the parsed
 * object again. Parsing itself is Fastify's default (prototype-poisoning
 * checks, 400 on malformed or empty JSON); the body limit still applies.
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body's bytes as received; set by {@link keepRawJsonBody}. */
    rawJsonBody: Buffer | null;
  }
}

/** Replaces the `application/json` parser of `app`'s context with one that keeps the raw bytes. */
export function keepRawJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('rawJsonBody', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawJsonBody = body as Buffer;
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });
}
