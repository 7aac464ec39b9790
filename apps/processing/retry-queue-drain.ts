/**
 * Draining the retry queue into processing: a {@link RetryQueueDrainer}
 * started when the app is ready and stopped (current batch finished) before
 * it closes, so before the store closes. Each message takes the path of a
 * `POST /ev`: its body is parsed and validated with the route's compiled
 * schema, then applied through the same {@link EventApplier} under the
 * message's idempotency key — a key already applied over HTTP is not applied
 * again. A body that cannot be applied (never expected: ingestion validated
 * it) fails every receive and so ends in the dead-letter queue.
 *
 * Register it as a child of the context that holds `POST /ev`: Fastify builds
 * a context's validator compiler for its first route with a schema, and a
 * child context uses its parent's.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema';
import { EvPayload } from '../../contract/ev-payload';
import { PipelineMetric } from '../../contract/metrics';
import type { RetryQueueSettings } from '../../contract/retry-queue';
import { EV_PATH } from '../../contract/services';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';
import { RetryQueueDrainer } from '../resilience/retry-queue-drainer';
import type { ReceivedMessage, RetryQueue } from '../resilience/retry-queue/retry-queue';
import { describeValidationError } from '../http/validation-message';
import { UnappliableEventError, type EventApplier } from './event-applier';

/** Options of {@link retryQueueDrain}. */
export interface RetryQueueDrainOptions {
  readonly queue: RetryQueue;
  /** Batch size, waits, visibility and back-off. */
  readonly settings: RetryQueueSettings;
  /** The applier `POST /ev` uses. */
  readonly applier: EventApplier;
  /** Counts drained events (Drained). @default none */
  readonly metrics?: EmbeddedMetrics;
  /** Receive only while this resolves true (the store is reachable). @default always */
  readonly canProcess?: () => Promise<boolean>;
}

/** An Ajv validation function, as Fastify's validator compiler returns it. */
type BodyValidator = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

/** Parses and validates a queued body; throws {@link UnappliableEventError} when it is not a valid event. */
function parseEvent(message: ReceivedMessage, validate: BodyValidator): EvPayload {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    throw new UnappliableEventError('queued body is not valid JSON', 'body');
  }
  if (!validate(body)) {
    const error = validate.errors?.[0];
    if (error === undefined) throw new UnappliableEventError('queued body is not a valid event', 'body');
    const { field, message: text } = describeValidationError('body', error);
    throw new UnappliableEventError(text, field);
  }
  return body as EvPayload;
}

/** Drains `queue` while the app runs. */
export const retryQueueDrain: FastifyPluginAsync<RetryQueueDrainOptions> = async (app, { queue, settings, applier, metrics, canProcess }) => {
  let drainer: RetryQueueDrainer | undefined;
  app.addHook('onReady', async () => {
    const compile = app.validatorCompiler;
    if (compile === undefined) throw new Error('retryQueueDrain must be registered in the context of POST /ev (no validator compiler here)');
    const validate = compile({ schema: EvPayload, method: 'POST', url: EV_PATH, httpPart: 'body' }) as BodyValidator;
    drainer = new RetryQueueDrainer({
      queue,
      settings,
      canProcess,
      handler: async (message) => {
        await applier.apply(parseEvent(message, validate), message.idempotencyKey === '' ? undefined : message.idempotencyKey);
      },
      onDrained: () => metrics?.count(PipelineMetric.DRAINED),
      onError: (error, message) => {
        const fields = message === undefined ? {} : { messageId: message.messageId, idempotencyKey: message.idempotencyKey, receiveCount: message.receiveCount };
        if (error instanceof UnappliableEventError) app.log.error({ ...fields, err: error }, `queued event cannot be applied; it will move to the dead-letter queue after ${settings.maxReceiveCount} receives`);
        else app.log.warn({ ...fields, err: error }, 'retry queue drain failed; the message will be received again after its back-off');
      },
    });
    drainer.start();
  });
  app.addHook('preClose', async () => {
    await drainer?.stop();
  });
};
