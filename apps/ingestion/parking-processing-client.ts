/**
 * Nothing accepted is lost: a {@link ProcessingClient} that parks the event
 * in the retry queue when the call behind it ends without success — a 5xx
 * answer once retries are over, no answer at all, or an open circuit — and
 * answers 202 `{"status":"queued","idempotencyKey":...}` in processing's
 * place. Processing drains the queue later, once per idempotency key.
 *
 * Only the event's bytes, its idempotency key (`Idempotency-Key`, else
 * `vehicle_id@timestamp`) and its trace id are stored: request headers such
 * as `x-503` stay behind, so the drained event is applied normally. If the
 * queue does not take the event, the answer is 503 JSON: never a 2xx for an
 * event neither processed nor stored. 4xx answers are returned as they are.
 */
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, type EvPayload } from '../../contract/ev-payload';
import { TRACE_ID_ATTRIBUTE } from '../../contract/tracing';
import { errorBody } from '../service-kit/error-reply';
import { TRACE_ID_HEADER } from '../service-kit/request-log';
import type { RetryQueue } from '../resilience/retry-queue/retry-queue';
import { UpstreamFailure } from '../resilience/upstream-failure';
import { ProcessingUnreachableError, type ProcessingAnswer, type ProcessingCall, type ProcessingClient } from './processing-client';

/** What happened to an event that was to be parked (for metrics and logs). */
export type ParkingOutcome =
  | { readonly parked: true; readonly idempotencyKey: string; readonly reason: string; readonly cause?: unknown }
  | { readonly parked: false; readonly idempotencyKey: string; readonly reason: string; readonly error: unknown };

const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json; charset=utf-8' });

function jsonAnswer(statusCode: number, body: unknown): ProcessingAnswer {
  return { statusCode, headers: JSON_HEADERS, body: Buffer.from(JSON.stringify(body)) };
}

/** Calls `inner`; parks the event in `queue` when that call ends without success. */
export class ParkingProcessingClient implements ProcessingClient {
  constructor(
    private readonly inner: ProcessingClient,
    private readonly queue: RetryQueue,
    private readonly onParking?: (outcome: ParkingOutcome) => void,
  ) {}

  /** Processing's answer when below 500; else 202 queued, or 503 when the queue fails. */
  async send(call: ProcessingCall): Promise<ProcessingAnswer> {
    // Shutting down: no new call (it would only be abandoned, and counted against the shared breaker).
    if (call.signal?.aborted === true) return this.park(call, `data-processing not called (${UpstreamFailure.SHUTDOWN})`);
    let answer: ProcessingAnswer;
    try {
      answer = await this.inner.send(call);
    } catch (error) {
      if (!(error instanceof ProcessingUnreachableError)) throw error;
      return this.park(call, error.summary, error);
    }
    if (answer.statusCode < 500) return answer;
    return this.park(call, `data-processing answered ${answer.statusCode}`);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Parking is the rare path: the event is parsed again here rather than carried along every call. */
  private async park(call: ProcessingCall, reason: string, cause?: unknown): Promise<ProcessingAnswer> {
    const event = JSON.parse(call.body.toString('utf8')) as EvPayload;
    const idempotencyKey = idempotencyKeyOf(event, call.headers[IDEMPOTENCY_KEY_HEADER]);
    const traceId = call.headers[TRACE_ID_HEADER];
    try {
      await this.queue.send({
        idempotencyKey,
        body: call.body.toString('utf8'),
        groupId: event.vehicle_id,
        ...(traceId === undefined ? {} : { attributes: { [TRACE_ID_ATTRIBUTE]: traceId } }),
      });
    } catch (error) {
      this.onParking?.({ parked: false, idempotencyKey, reason, error });
      // The queue's error stays in the log (onParking): it may name the queue's URL or address.
      return jsonAnswer(503, errorBody(503, `event neither processed nor queued (${reason}); the retry queue is unavailable`));
    }
    this.onParking?.({ parked: true, idempotencyKey, reason, cause });
    return jsonAnswer(202, { status: 'queued', idempotencyKey });
  }
}
