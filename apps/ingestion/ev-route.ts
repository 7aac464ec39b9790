/**
 * `POST /ev` of data-ingestion: validates the event against the shared
 * schema, forwards its bytes to processing with the propagated headers, and
 * relays processing's status and body. No answer from processing is a 503
 * (a timeout or the deadline over all attempts: 504) with a JSON error that
 * says why without the transport's error (it may name processing's address);
 * a 5xx answer that is not JSON (a proxy's) is replaced by a JSON error.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EvPayload, IDEMPOTENCY_KEY_HEADER, idempotencyKeyProblem } from '../../contract/ev-payload';
import { EV_PATH } from '../../contract/services';
import { errorBody } from '../service-kit/error-reply';
import {
  FAULT_INJECTION_FORWARDED_HEADERS,
  FORWARDED_REQUEST_HEADERS,
  forwardedRequestHeaders,
  relayedAnswerHeaders,
} from './forwarded-headers';
import { UpstreamFailure } from '../resilience/upstream-failure';
import { ProcessingUnreachableError, type ProcessingAnswer, type ProcessingClient } from './processing-client';
import { keepRawJsonBody } from './raw-json-body';

/** Options of {@link evRoute}. */
export interface EvRouteOptions {
  readonly processing: ProcessingClient;
  /** Whether the `x-503` fault switch is forwarded (fault injection on); off, it stays behind. */
  readonly faultInjection: boolean;
  /** Fires when ingestion shuts down: every call in flight ends at once (parked, or 503). */
  readonly stop: AbortSignal;
}

/** Whether processing's answer is JSON (its own answers all are). */
function isJson(answer: ProcessingAnswer): boolean {
  const type = answer.headers['content-type'];
  return typeof type === 'string' && type.startsWith('application/json');
}

/** Registers `POST /ev`. */
export const evRoute: FastifyPluginAsyncTypebox<EvRouteOptions> = async (app, { processing, faultInjection, stop }) => {
  const forwarded = faultInjection ? FAULT_INJECTION_FORWARDED_HEADERS : FORWARDED_REQUEST_HEADERS;
  keepRawJsonBody(app);
  app.post(EV_PATH, { schema: { body: EvPayload } }, async (request, reply) => {
    if (request.rawJsonBody === null) throw new Error('POST /ev body was not read by the raw JSON parser');
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    const keyProblem = idempotencyKeyProblem(typeof key === 'string' ? key : undefined);
    if (keyProblem !== undefined) return reply.code(400).send(errorBody(400, keyProblem, IDEMPOTENCY_KEY_HEADER));
    try {
      const answer = await processing.send({
        body: request.rawJsonBody,
        headers: forwardedRequestHeaders(request.headers, forwarded),
        signal: stop,
      });
      if (answer.statusCode >= 500 && !isJson(answer)) {
        // Not processing's own answer (a proxy's plain-text 5xx, which may name addresses): the one error shape instead.
        return reply.code(answer.statusCode).send(errorBody(answer.statusCode, `data-processing answered ${answer.statusCode}`));
      }
      return reply.code(answer.statusCode).headers(relayedAnswerHeaders(answer.headers)).send(answer.body);
    } catch (error) {
      if (!(error instanceof ProcessingUnreachableError)) throw error;
      request.log.warn({ err: error }, 'data-processing unreachable');
      const timedOut = error.failure === UpstreamFailure.TIMEOUT || error.failure === UpstreamFailure.DEADLINE;
      const statusCode = timedOut ? 504 : 503;
      return reply.code(statusCode).send(errorBody(statusCode, error.summary));
    }
  });
};
