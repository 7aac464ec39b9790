/**
 * The Fastify instance both services start from: TypeBox type provider, strict
 * JSON Schema validation (`schema-validators.ts`: no coercion, unknown
 * properties rejected rather than removed), JSON as the only body type (anything else is 415), one log line
 * per request, JSON errors with 404/405, the health check of the contract
 * (liveness) and `GET /ready` (readiness).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import type { ServiceIdentity } from '../../contract/services';
import { installCloseConnectionsOnShutdown } from './close-connections-on-shutdown';
import { installErrorHandling } from './error-handling';
import { healthCheck } from './health-check';
import { readiness, type ReadinessCheck } from './readiness';
import { installRequestLog } from './request-log';
import { installSchemaValidators } from './schema-validators';
import { stdoutLogDestination } from './stdout-log-destination';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_LOG_LEVEL, type LogLevel } from './server-settings';

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
}

/** Creates the instance for `service`, with the cross-cutting hooks and handlers installed. */
export function createServiceApp(service: ServiceIdentity, options: ServiceAppOptions = {}): ServiceApp {
  const app = Fastify({
    logger: {
      level: options.logLevel ?? DEFAULT_LOG_LEVEL,
      base: { service: service.name },
      stream: options.logStream ?? stdoutLogDestination(),
    },
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installSchemaValidators(app);
  app.removeContentTypeParser('text/plain');
  installRequestLog(app);
  installErrorHandling(app);
  installCloseConnectionsOnShutdown(app);
  app.register(healthCheck, { service });
  app.register(readiness, { checks: options.readinessChecks ?? [] });
  return app;
}
