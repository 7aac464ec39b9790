/**
 * `POST /ev` of data-processing. The `x-503` header answers 503 before the
 * body is read (the article's fault switch); otherwise the validated event is
 * applied to its vehicle through the idempotent store, once per idempotency
 * key, and the answer lists the anomalies found. A replayed key answers the
 * first result again with `idempotent-replayed: true`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EvPayload,
  FAULT_503_HEADER,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAY_HEADER,
  idempotencyKeyOf,
} from '../../contract/ev-payload';
import { EV_PATH } from '../../contract/services';
import type { IdempotentStore } from '../resilience/idempotent-store';
import { ErrorBody, errorBody } from '../http/error-reply';
import { Anomaly } from './anomaly';
import type { AnomalyThresholds } from './anomaly-thresholds';
import { applyEvent, type EvResult, type VehicleState } from './vehicle-state';

/** The article's answer to a call with the `x-503` header. */
export const FAULT_503_MESSAGE = 'Data Processing Service will return 503 ==> called with x-503 header set.';

/** Options of {@link evRoute}. */
export interface EvRouteOptions {
  readonly store: IdempotentStore<VehicleState, EvResult>;
  readonly thresholds: AnomalyThresholds;
}

/** Longest accepted `idempotency-key` header. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

const EvAnswer = Type.Object({ status: Type.Literal('processed'), anomalies: Type.Array(Anomaly) });

/** Registers `POST /ev`. */
export const evRoute: FastifyPluginAsyncTypebox<EvRouteOptions> = async (app, { store, thresholds }) => {
  app.post(
    EV_PATH,
    {
      schema: {
        body: EvPayload,
        response: { 200: EvAnswer, 400: ErrorBody, 503: ErrorBody },
      },
      onRequest(request, reply, done) {
        if (request.headers[FAULT_503_HEADER] !== undefined) {
          reply.code(503).send(errorBody(503, FAULT_503_MESSAGE));
          return;
        }
        done();
      },
    },
    async (request, reply) => {
      const event = request.body;
      const timestampMs = Date.parse(event.timestamp);
      if (Number.isNaN(timestampMs)) {
        return reply.code(400).send(errorBody(400, `body.timestamp ${event.timestamp} is not a representable instant`, 'timestamp'));
      }
      const keyHeader = request.headers[IDEMPOTENCY_KEY_HEADER];
      if (typeof keyHeader === 'string' && keyHeader.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        const message = `${IDEMPOTENCY_KEY_HEADER} header is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`;
        return reply.code(400).send(errorBody(400, message, IDEMPOTENCY_KEY_HEADER));
      }
      const key = idempotencyKeyOf(event, typeof keyHeader === 'string' ? keyHeader : undefined);
      const outcome = await store.applyOnce(key, event.vehicle_id, (state) => applyEvent(state, event, timestampMs, thresholds));
      if (outcome.replayed) reply.header(IDEMPOTENT_REPLAY_HEADER, 'true');
      return outcome.result;
    },
  );
};
