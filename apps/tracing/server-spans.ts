/**
 * One server span per request: opened in `onRequest` as a child of the
 * context the request's trace headers carry (a new trace when they carry
 * none), named `<method> <route>` and ended when the answer is sent (or the
 * client aborts) with the HTTP semantic-convention attributes. A 5xx answer
 * marks it as an error; a 4xx is the client's mistake and does not.
 *
 * The hooks are added on the root instance, before the routes' plugins
 * load, so they run first for every route, route-level `onRequest` hooks
 * included (processing's `x-503` answer is traced too).
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { headerGetter, headerSetter, type HeaderCarrier } from './trace-propagator';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span while it is open (set only where tracing hooks are installed). */
    serverSpan: Span | null;
  }
}

/** Options of {@link installServerSpans}. */
export interface ServerSpansOptions {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator<HeaderCarrier>;
  /** Routes (as declared, e.g. `/health-check`) that get no span. */
  readonly untracedRoutes: ReadonlySet<string>;
  /** Write the server span's context into the request's trace headers. */
  readonly rewriteTraceHeaders: boolean;
}

/** `error.type` of a request whose client went away before the answer. */
const ABORTED = 'aborted';

function pathOf(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

/** Adds the `onRequest`, `onResponse` and `onRequestAbort` hooks to `app` (the root instance). */
export function installServerSpans(app: FastifyInstance, options: ServerSpansOptions): void {
  const { tracer, propagator, untracedRoutes, rewriteTraceHeaders } = options;
  app.decorateRequest('serverSpan', null);

  app.addHook('onRequest', function startServerSpan(request: FastifyRequest, _reply: FastifyReply, done: () => void) {
    const route = request.routeOptions.url;
    if (route !== undefined && untracedRoutes.has(route)) return done();
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: pathOf(request.url),
          [ATTR_URL_SCHEME]: request.protocol,
          ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }),
        },
      },
      parent,
    );
    request.serverSpan = span;
    if (rewriteTraceHeaders) propagator.inject(trace.setSpan(parent, span), request.headers, headerSetter);
    done();
  });

  app.addHook('onResponse', function endServerSpan(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const span = request.serverSpan;
    if (span !== null) {
      request.serverSpan = null;
      const statusCode = reply.statusCode;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
      if (statusCode >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    done();
  });

  app.addHook('onRequestAbort', function endAbortedServerSpan(request: FastifyRequest, done: () => void) {
    const span = request.serverSpan;
    if (span !== null) {
      request.serverSpan = null;
      span.setAttribute(ATTR_ERROR_TYPE, ABORTED);
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection before the answer' });
      span.end();
    }
    done();
  });
}
