/**
 * Fastify answers a known path with the wrong method as 404, because routes
 * are looked up by method first. This tells the two apart: a path that some
 * other method serves is a 405 with an `Allow` header.
 */
import type { FastifyInstance } from 'fastify';

/** Methods that may be listed in `Allow`. */
const CANDIDATE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The methods with a route for `url` (query string ignored); empty when the path is unknown. */
export function allowedMethods(app: FastifyInstance, url: string): string[] {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  return CANDIDATE_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}
