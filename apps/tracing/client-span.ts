/**
 * The client span of one outgoing HTTP call: a child of the span the call's
 * trace headers name (the caller's server span), named after the method as
 * the HTTP semantic conventions ask, with the call's headers re-injected so
 * the callee continues from this span. One call, one span: a retry is a new
 * call and so a span of its own, with `http.request.resend_count`.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import type { ClientSpan, OutgoingCall } from './tracing';
import { headerGetter, headerSetter, type HeaderCarrier } from './trace-propagator';

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** A {@link ClientSpan} over an SDK span. */
class SdkClientSpan implements ClientSpan {
  constructor(
    private readonly span: Span,
    readonly headers: Record<string, string>,
  ) {}

  answered(statusCode: number): void {
    this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    if (statusCode >= 400) {
      this.span.setAttribute(ATTR_ERROR_TYPE, String(statusCode));
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }

  failed(errorType: string, error: unknown): void {
    this.span.setAttribute(ATTR_ERROR_TYPE, errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    this.span.end();
  }
}

/** Starts the client span of `call` with `tracer`, reading and writing trace headers with `propagator`. */
export function startClientSpan(tracer: Tracer, propagator: TextMapPropagator<HeaderCarrier>, call: OutgoingCall): ClientSpan {
  const parent = propagator.extract(ROOT_CONTEXT, call.headers, headerGetter);
  const span = tracer.startSpan(
    call.method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: call.method,
        [ATTR_URL_FULL]: call.url.href,
        [ATTR_SERVER_ADDRESS]: call.url.hostname,
        [ATTR_SERVER_PORT]: portOf(call.url),
        ...(call.resendCount > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: call.resendCount } : {}),
      },
    },
    parent,
  );
  const headers = { ...call.headers };
  propagator.inject(trace.setSpan(parent, span), headers, headerSetter);
  return new SdkClientSpan(span, headers);
}
