/**
 * What the services ask of tracing, without loading OpenTelemetry: the
 * interface that `startTracing` returns when an OTLP endpoint is
 * configured. When none is, the apps hold no `Tracing`, install no hook and
 * wrap no client, so tracing off costs nothing per request.
 *
 * The trace context travels in HTTP headers only (W3C `traceparent` /
 * `tracestate` and AWS X-Ray `x-amzn-trace-id`), also inside a service: the
 * server span is written into the request's trace headers, the headers a
 * service forwards carry it, and a client span reads its parent from the
 * headers of the call it wraps. No async context manager is involved.
 */
import type { FastifyInstance } from 'fastify';

/** Options of {@link Tracing.traceRequests}. */
export interface TraceRequestsOptions {
  /**
   * Replace the request's trace headers with ones naming the server span, so
   * that what the service forwards from them (and logs) continues the trace
   * from this span rather than from the caller's.
   * @default false
   */
  readonly rewriteTraceHeaders?: boolean;
}

/** An outgoing HTTP call to trace. */
export interface OutgoingCall {
  /** HTTP method. */
  readonly method: string;
  /** Target URL (recorded as `url.full`, `server.address`, `server.port`). */
  readonly url: URL;
  /** The headers to send; their trace headers name the parent span. */
  readonly headers: Readonly<Record<string, string>>;
  /** How often the same request was sent before (retries): `http.request.resend_count`, recorded when above 0. */
  readonly resendCount: number;
}

/** The client span of one outgoing call; end it once with {@link answered} or {@link failed}. */
export interface ClientSpan {
  /** The call's headers with trace headers naming this span: send these. */
  readonly headers: Record<string, string>;
  /** Ends the span with the answer's status; 4xx and 5xx mark it as an error. */
  answered(statusCode: number): void;
  /** Ends the span as an error without an answer; `errorType` (`error.type`) says why, e.g. `timeout`. */
  failed(errorType: string, error: unknown): void;
}

/** A message taken from a queue, to be handled in a span of its own. */
export interface QueuedMessage {
  /** The queue's id of the message (`messaging.message.id`). */
  readonly messageId: string;
  /** Receives so far, this one included. */
  readonly receiveCount: number;
  /** Trace headers stored with the message when it was queued: the new span links to that context. */
  readonly traceHeaders: Readonly<Record<string, string>>;
}

/** Tracing of one service. */
export interface Tracing {
  /** Adds hooks to `app` that open a server span per request (health check excluded), continuing the caller's trace. */
  traceRequests(app: FastifyInstance, options?: TraceRequestsOptions): void;
  /** Starts the client span of one outgoing call, as a child of the span its headers name. */
  startClientSpan(call: OutgoingCall): ClientSpan;
  /** Runs `handle` in a consumer span (a new trace, linked to the message's stored context); the span ends when `handle` settles. */
  traceQueuedMessage<T>(message: QueuedMessage, handle: () => Promise<T>): Promise<T>;
  /** Exports the spans still queued, then stops exporting. */
  shutdown(): Promise<void>;
}
