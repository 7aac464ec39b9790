/**
 * A local OTLP/HTTP traces receiver on loopback, standing in for the
 * collector sidecar: it accepts `POST /v1/traces` with JSON bodies (what
 * `@opentelemetry/exporter-trace-otlp-http` sends) and answers as a collector
 * does (200 `{}`; 415 for another content type, 400 for a body that is not
 * JSON, 404 elsewhere). It either keeps the spans it receives, flattened
 * (tests), or only counts requests, spans and bytes (the tracing benchmark,
 * where parsing every batch would spend the CPU being measured: spans are
 * counted by their `"kind"` keys, which only spans have; the bytes are not parsed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Span kinds by their OTLP number. */
export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

/** An attribute value as kept here. */
export type AttributeValue = string | number | boolean;

/** One received span, with its service (the resource's `service.name`). */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: (typeof SPAN_KINDS)[number];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly links: ReadonlyArray<{ readonly traceId: string; readonly spanId: string }>;
}

/** What the receiver keeps. */
export type ReceiverMode = 'spans' | 'counts';

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}

interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
  links?: Array<{ traceId: string; spanId: string }>;
}

interface OtlpTracesRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

function valueOf(value: OtlpAnyValue): AttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return '';
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) attributes[key] = valueOf(value);
  return attributes;
}

/** The spans of one OTLP JSON traces request, flattened. */
export function flattenTracesRequest(request: OtlpTracesRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId === undefined || span.parentSpanId === '' ? undefined : span.parentSpanId,
          name: span.name,
          kind: SPAN_KINDS[span.kind] ?? 'UNSPECIFIED',
          attributes: attributesOf(span.attributes),
          statusCode: span.status?.code ?? 0,
          links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        });
      }
    }
  }
  return spans;
}

/** The key only spans have in an OTLP JSON traces request (links and scopes have none). */
const SPAN_KIND_KEY = Buffer.from('"kind":');

function countOccurrences(body: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** A running receiver; see the file comment. */
export class OtlpReceiver {
  /** Export requests accepted. */
  requests = 0;
  /** Spans accepted (parsed in `spans` mode, counted by key in `counts` mode). */
  spanCount = 0;
  /** Body bytes accepted. */
  bytes = 0;
  private received: ReceivedSpan[] = [];

  private constructor(
    private readonly server: Server,
    private readonly mode: ReceiverMode,
    /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the services: `http://127.0.0.1:<port>`. */
    readonly endpoint: string,
  ) {}

  /** Listens on a free loopback port. */
  static async start(mode: ReceiverMode): Promise<OtlpReceiver> {
    // No request can arrive before `receiver` is set: nobody knows the port until listen resolves.
    const server = createServer((request, response) => receiver.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const receiver = new OtlpReceiver(server, mode, `http://127.0.0.1:${port}`);
    return receiver;
  }

  /** The spans received so far (`spans` mode). */
  spans(): ReceivedSpan[] {
    return [...this.received];
  }

  /** Forgets the spans and counts received so far. */
  clear(): void {
    this.received = [];
    this.requests = 0;
    this.spanCount = 0;
    this.bytes = 0;
  }

  /** Resolves with the spans once `enough(spans)` holds; rejects after `timeoutMs`. */
  async waitForSpans(enough: (spans: ReceivedSpan[]) => boolean, timeoutMs = 10_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (!enough(this.received)) {
      if (Date.now() > deadline)
        throw new Error(
          `OTLP receiver: condition not met within ${timeoutMs} ms; ${this.received.length} spans: ${this.received.map((span) => `${span.service} ${span.kind} ${span.name}`).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.spans();
  }

  /** Stops listening. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.server.closeAllConnections();
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces')
        return answer(response, 404, { message: `no route for ${request.method} ${request.url}` });
      if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
        return answer(response, 415, { message: 'expected application/json' });
      const body = Buffer.concat(chunks);
      if (this.mode === 'counts') {
        this.spanCount += countOccurrences(body, SPAN_KIND_KEY);
      } else {
        let parsed: OtlpTracesRequest;
        try {
          parsed = JSON.parse(body.toString('utf8')) as OtlpTracesRequest;
        } catch {
          return answer(response, 400, { message: 'body is not JSON' });
        }
        const spans = flattenTracesRequest(parsed);
        this.received.push(...spans);
        this.spanCount += spans.length;
      }
      this.requests++;
      this.bytes += body.length;
      answer(response, 200, {});
    });
  }
}

function answer(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
