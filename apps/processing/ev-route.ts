/**
 * `POST /ev` of data-processing. With fault injection on
 * (`FAULT_INJECTION=enabled`, dev and local runs only), the `x-503` header
 * answers 503 before the body is read (the article's fault switch), and so
 * does a random share of calls when a transient fault rate is set
 * (`FAULT_503_RATE`); without it both are ignored. Otherwise the
 * validated event is applied to its vehicle through the {@link EventApplier},
 * once per idempotency key of its vehicle, and the answer lists the anomalies
 * found. A replayed key answers the first result again with
 * `idempotent-replayed: true`; the key with a different event is a 409.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import { EvPayload, FAULT_503_HEADER, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAY_HEADER } from '../../contract/ev-payload';
import { EV_PATH } from '../../contract/services';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';
import { ErrorBody, errorBody } from '../service-kit/error-reply';
import { countEvAnswers } from '../service-kit/ev-metrics';
import { Anomaly } from './anomaly';
import { ConflictingEventError, UnappliableEventError, type EventApplier } from './event-applier';

/** The article's answer to a call with the `x-503` header. */
export const FAULT_503_MESSAGE = 'Data Processing Service will return 503 ==> called with x-503 header set.';

/** The answer to a call picked by the transient fault rate. */
export const TRANSIENT_FAULT_MESSAGE = 'Data Processing Service injected a transient fault (FAULT_503_RATE); retry later.';

/** Options of {@link evRoute}. */
export interface EvRouteOptions {
  readonly applier: EventApplier;
  /** Whether the fault switches take effect; off, `x-503` and the rate are ignored. */
  readonly faultInjection: boolean;
  /** Share of calls (0..1) answered 503 before the event is applied (with fault injection only). */
  readonly fault503Rate: number;
  /** Uniform random source in [0, 1) for the fault rate. */
  readonly random: () => number;
  /** EMF counters of the answers (Requests, Errors). @default none */
  readonly metrics?: EmbeddedMetrics;
}

const EvAnswer = Type.Object({ status: Type.Literal('processed'), anomalies: Type.Array(Anomaly) });

/** Registers `POST /ev`. */
export const evRoute: FastifyPluginAsyncTypebox<EvRouteOptions> = async (
  app,
  { applier, faultInjection, fault503Rate, random, metrics },
) => {
  const faultBody = errorBody(503, FAULT_503_MESSAGE);
  const transientFaultBody = errorBody(503, TRANSIENT_FAULT_MESSAGE);
  const injectFault: onRequestHookHandler | undefined = faultInjection
    ? function injectFault(request, reply, done) {
        if (request.headers[FAULT_503_HEADER] !== undefined) {
          reply.code(503).send(faultBody);
          return;
        }
        if (fault503Rate > 0 && random() < fault503Rate) {
          reply.code(503).send(transientFaultBody);
          return;
        }
        done();
      }
    : undefined;
  app.post(
    EV_PATH,
    {
      schema: {
        body: EvPayload,
        response: { 200: EvAnswer, 400: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
      ...(injectFault === undefined ? {} : { onRequest: injectFault }),
      ...(metrics === undefined ? {} : { onResponse: countEvAnswers(metrics) }),
    },
    async (request, reply) => {
      const keyHeader = request.headers[IDEMPOTENCY_KEY_HEADER];
      try {
        const outcome = await applier.apply(request.body, typeof keyHeader === 'string' ? keyHeader : undefined);
        if (outcome.replayed) reply.header(IDEMPOTENT_REPLAY_HEADER, 'true');
        // The serializer only reads the answer; TypeBox has no read-only array type for the schema's `anomalies`.
        return outcome.result as Static<typeof EvAnswer>;
      } catch (error) {
        if (!(error instanceof UnappliableEventError)) throw error;
        const statusCode = error instanceof ConflictingEventError ? 409 : 400;
        return reply.code(statusCode).send(errorBody(statusCode, error.message, error.field));
      }
    },
  );
};
