/**
 * Error and not-found handlers shared by both services: every error answer is
 * JSON (see {@link errorBody}); client mistakes keep their 4xx status
 * (400 bad JSON or schema, 404, 405, 413, 415); an unavailable dependency
 * (the shared-state store) is a retryable 503 with `Retry-After`, logged as a
 * warning; only real server faults are 500 and are logged as errors.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DependencyUnavailableError } from '../resilience/dependency-unavailable-error';
import { errorBody } from './error-reply';
import { allowedMethods } from './method-not-allowed';
import { describeValidationError } from './validation-message';

/** Installs the JSON error handler and the 404/405 handler on the root instance. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    if (error.validation !== undefined && error.validation.length > 0) {
      const { field, message } = describeValidationError(error.validationContext ?? 'body', error.validation[0]);
      return reply.code(400).send(errorBody(400, message, field));
    }
    if (error instanceof DependencyUnavailableError) {
      request.log.warn({ err: error }, 'dependency unavailable');
      // The message names the dependency, not its error: that may carry the cache's address.
      const message = `${error.dependency} is unavailable; retry after ${error.retryAfterSeconds} s`;
      return reply.code(503).header('retry-after', String(error.retryAfterSeconds)).send(errorBody(503, message));
    }
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send(errorBody(statusCode, 'Internal error; see the service log'));
    }
    return reply.code(statusCode).send(errorBody(statusCode, error.message));
  });

  app.setNotFoundHandler(function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
    const allowed = allowedMethods(app, request.url);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(errorBody(405, `Method ${request.method} is not allowed on ${request.url}; allowed: ${allowed.join(', ')}`));
    }
    return reply.code(404).send(errorBody(404, `No route for ${request.method} ${request.url}`));
  });
}
