/**
 * Tracing of the calls to data-processing (only when tracing is on): a
 * {@link ProcessingClient} placed directly around the HTTP pool, under the
 * app-mode retries, so that every attempt is a client span of its own — the
 * article's `x-503` call is one server span with 13 client spans under it.
 * Each span is a child of the span the call's trace headers name (the
 * ingestion server span) and the attempt is sent with headers naming it, so
 * processing's server span hangs under the attempt that reached it.
 *
 * Retries resend the same {@link ProcessingCall} object; counting the sends
 * per object (a `WeakMap`, gone with the call) gives `http.request.resend_count`.
 */
import type { Tracing } from '../tracing/tracing';
import { ProcessingUnreachableError, type ProcessingAnswer, type ProcessingCall, type ProcessingClient } from './processing-client';

/** `error.type` of a failure that is not a transport failure. */
const OTHER_ERROR = 'other';

/** Calls `inner` in a client span per call. */
export class TracedProcessingClient implements ProcessingClient {
  private readonly sends = new WeakMap<ProcessingCall, number>();

  constructor(
    private readonly inner: ProcessingClient,
    private readonly tracing: Tracing,
    /** Processing's `POST /ev` URL (for the span's attributes). */
    private readonly url: URL,
  ) {}

  async send(call: ProcessingCall): Promise<ProcessingAnswer> {
    const resendCount = this.sends.get(call) ?? 0;
    this.sends.set(call, resendCount + 1);
    const span = this.tracing.startClientSpan({ method: 'POST', url: this.url, headers: call.headers, resendCount });
    let answer: ProcessingAnswer;
    try {
      answer = await this.inner.send({ body: call.body, headers: span.headers, signal: call.signal });
    } catch (error) {
      span.failed(error instanceof ProcessingUnreachableError ? error.failure : OTHER_ERROR, error);
      throw error;
    }
    span.answered(answer.statusCode);
    return answer;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
