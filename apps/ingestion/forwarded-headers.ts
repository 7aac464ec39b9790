/**
 * Which request headers travel from ingestion to processing, and which answer
 * headers travel back. Hop-by-hop and client-specific headers stay behind.
 * The trace context travels in both formats (X-Ray and W3C Trace Context).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { FAULT_503_HEADER, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAY_HEADER } from '../../contract/ev-payload';
import { TRACE_ID_HEADER } from '../service-kit/request-log';

/** Request headers propagated to processing. */
export const FORWARDED_REQUEST_HEADERS: readonly string[] = [
  'content-type',
  TRACE_ID_HEADER,
  'traceparent',
  'tracestate',
  IDEMPOTENCY_KEY_HEADER,
];

/** Request headers propagated to processing with fault injection on (`FAULT_INJECTION=enabled`): the above and `x-503`. */
export const FAULT_INJECTION_FORWARDED_HEADERS: readonly string[] = [...FORWARDED_REQUEST_HEADERS, FAULT_503_HEADER];

/** Answer headers relayed to the client. */
export const RELAYED_ANSWER_HEADERS = ['content-type', IDEMPOTENT_REPLAY_HEADER, 'retry-after'] as const;

/** The propagated subset of `headers`: those of `names` ({@link FORWARDED_REQUEST_HEADERS} or {@link FAULT_INJECTION_FORWARDED_HEADERS}). */
export function forwardedRequestHeaders(
  headers: IncomingHttpHeaders,
  names: readonly string[] = FORWARDED_REQUEST_HEADERS,
): Record<string, string> {
  return pickHeaders(headers, names);
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
