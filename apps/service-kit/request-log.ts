/**
 * One structured log line per request, written when the answer is sent:
 * method, URL, status, response time, request id (`reqId`, the field
 * `request.log` binds), the X-Ray trace id from `x-amzn-trace-id` and, where
 * the service authenticates vehicles, the vehicle's ID (`vehicleId`). It goes
 * through the service's logger, so that a request that logs nothing else
 * never makes its child logger (`request-logger.ts`). Fastify's own
 * incoming/completed pair is disabled (`LogController` with `disableRequestLogging`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The vehicle the request was authenticated as (ingestion with `VEHICLE_AUTH=alb-mtls`); undefined otherwise. */
    vehicleId?: string;
  }
}

/** Request header carrying the AWS X-Ray trace id. */
export const TRACE_ID_HEADER = 'x-amzn-trace-id';

/** The log field of the request id (Fastify's `requestIdLogLabel`). */
export const REQUEST_ID_LOG_LABEL = 'reqId';

/** Adds the `onResponse` hook that logs each request once, on the root instance. */
export function installRequestLog(app: FastifyInstance): void {
  const { log } = app;
  app.addHook('onResponse', function logRequest(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    log.info(
      {
        [REQUEST_ID_LOG_LABEL]: request.id,
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
        traceId: request.headers[TRACE_ID_HEADER],
        vehicleId: request.vehicleId,
      },
      'request',
    );
    done();
  });
}
