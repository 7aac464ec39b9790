/**
 * The Fastify instance both services start from: TypeBox type provider, strict
 * JSON Schema validation (`schema-validators.ts`: no coercion, unknown
 * properties rejected rather than removed), JSON as the only body type (anything else is 415), one log line
 * per request, JSON errors with 404/405 (and for requests the HTTP parser
 * refuses: 400, 408, 431), bounds on slow clients (request timeout, keep-alive
 * timeout, connection cap), the health check of the contract (liveness) and
 * `GET /ready` (readiness).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import type { ServiceIdentity } from '../../contract/services';
import { clientErrorReply } from './client-error-reply';
import { installCloseConnectionsOnShutdown } from './close-connections-on-shutdown';
import { installErrorHandling } from './error-handling';
import { healthCheck } from './health-check';
import { readiness, type ReadinessCheck } from './readiness';
import { REQUEST_ID_LOG_LABEL, installRequestLog } from './request-log';
import { requestLoggerFactory } from './request-logger';
import { installSchemaValidators } from './schema-validators';
import { stdoutLogDestination } from './stdout-log-destination';
import {
  CONNECTIONS_CHECK_INTERVAL_MS,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type LogLevel,
} from './server-settings';

/** A Fastify instance with the TypeBox type provider. */
export type ServiceApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Options common to both services' `buildApp`. */
export interface ServiceAppOptions {
  /** Log level. @default info */
  readonly logLevel?: LogLevel;
  /** Where log lines go (tests capture them). @default stdout, the lines of each event-loop turn in one synchronous write ({@link stdoutLogDestination}) */
  readonly logStream?: DestinationStream;
  /** Largest accepted request body, in bytes; larger bodies get 413. @default 65536 */
  readonly bodyLimitBytes?: number;
  /** What `GET /ready` checks (e.g. the shared-state store). @default none: ready while the process serves */
  readonly readinessChecks?: readonly ReadinessCheck[];
  /** Longest time to receive a whole request (headers and body), in milliseconds; later: 408 and the connection closed. @default DEFAULT_REQUEST_TIMEOUT_MS (10000) */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, in milliseconds. @default DEFAULT_KEEP_ALIVE_TIMEOUT_MS (65000) */
  readonly keepAliveTimeoutMs?: number;
  /** Most connections served at once; more are closed on arrival. @default DEFAULT_MAX_CONNECTIONS (1024) */
  readonly maxConnections?: number;
}

/** Creates the instance for `service`, with the cross-cutting hooks and handlers installed. */
export function createServiceApp(service: ServiceIdentity, options: ServiceAppOptions = {}): ServiceApp {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: {
      level: options.logLevel ?? DEFAULT_LOG_LEVEL,
      base: { service: service.name },
      stream: options.logStream ?? stdoutLogDestination(),
    },
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: REQUEST_ID_LOG_LABEL }),
    // request.log is made when a request first logs through it; the request line goes through the service's logger.
    childLoggerFactory: requestLoggerFactory,
    // The request id is the service's own: a caller's `x-request-id` would let anyone give their requests another request's id in the logs.
    requestIdHeader: false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    // Headers count against the same bound as the whole request; Node's own check interval is 30 s.
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
    },
    clientErrorHandler: clientErrorReply(requestTimeoutMs),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  installSchemaValidators(app);
  app.removeContentTypeParser('text/plain');
  installRequestLog(app);
  installErrorHandling(app);
  installCloseConnectionsOnShutdown(app);
  app.register(healthCheck, { service });
  app.register(readiness, { checks: options.readinessChecks ?? [] });
  return app;
}
