/**
 * Which request headers travel from ingestion to processing, and which answer
 * headers travel back. Hop-by-hop and client-specific headers stay behind.
 * The trace context travels in both formats (X-Ray and W3C Trace Context).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { FAULT_503_HEADER, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAY_HEADER } from '../../contract/ev-payload';
import { TRACE_ID_HEADER } from '../service-kit/request-log';

/** Request headers propagated to processing. */
export const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  FAULT_503_HEADER,
  TRACE_ID_HEADER,
  'traceparent',
  'tracestate',
  IDEMPOTENCY_KEY_HEADER,
] as const;

/** Answer headers relayed to the client. */
export const RELAYED_ANSWER_HEADERS = ['content-type', IDEMPOTENT_REPLAY_HEADER, 'retry-after'] as const;

/** The propagated subset of `headers`. */
export function forwardedRequestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return pickHeaders(headers, FORWARDED_REQUEST_HEADERS);
}

/** The relayed subset of processing's answer headers. */
export function relayedAnswerHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return pickHeaders(headers, RELAYED_ANSWER_HEADERS);
}

/** The headers of `names` present in `headers`, repeated values joined as one. */
function pickHeaders(headers: IncomingHttpHeaders, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}
