/**
 * Draining the retry queue into processing: a {@link RetryQueueDrainer}
 * started when the app is ready and stopped (current batch finished) before
 * it closes, so before the store closes. Each message takes the path of a
 * `POST /ev`: its body is parsed and validated with the very validator the
 * route uses (the service kit's compiled `EvPayload`), then applied through the same {@link EventApplier} under the
 * message's idempotency key — a key already applied over HTTP is not applied
 * again. A body that cannot be applied (never expected: ingestion validated
 * it) fails every receive and so ends in the dead-letter queue.
 */
import type { ValidateFunction } from 'ajv';
import type { FastifyPluginAsync } from 'fastify';
import { EvPayload } from '../../contract/ev-payload';
import { PipelineMetric } from '../../contract/metrics';
import type { RetryQueueSettings } from '../../contract/retry-queue';
import type { EmbeddedMetrics } from '../resilience/embedded-metrics';
import { RetryQueueDrainer } from '../resilience/retry-queue-drainer';
import type { ReceivedMessage, RetryQueue } from '../resilience/retry-queue/retry-queue';
import { compiledValidator } from '../service-kit/schema-validators';
import { describeValidationError } from '../service-kit/validation-message';
import type { QueuedMessage, Tracing } from '../tracing/tracing';
import { TRACE_ID_HEADER } from '../service-kit/request-log';
import { TRACE_ID_ATTRIBUTE } from '../../contract/tracing';
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
  /** Handles each message in a span linked to the trace that parked it. @default none */
  readonly tracing?: Tracing;
  /** Receive only while this resolves true (the store is reachable). @default always */
  readonly canProcess?: () => Promise<boolean>;
}

/** Parses and validates a queued body; throws {@link UnappliableEventError} when it is not a valid event. */
function parseEvent(message: ReceivedMessage, validate: ValidateFunction<EvPayload>): EvPayload {
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
  return body;
}

/**
 * The client's key of a queued event, or undefined when the message carries
 * the derived key: none, or `vehicle_id@timestamp` with the instant as the
 * event spells it (parked before derived keys were canonical), which the
 * applier derives again in its canonical spelling.
 */
function clientKeyOf(message: ReceivedMessage, event: EvPayload): string | undefined {
  const key = message.idempotencyKey;
  return key === '' || key === `${event.vehicle_id}@${event.timestamp}` ? undefined : key;
}

/** A received message as tracing sees it: its X-Ray trace header was stored as the `TraceId` attribute. */
function traceableMessage(message: ReceivedMessage): QueuedMessage {
  const traceHeader = message.attributes[TRACE_ID_ATTRIBUTE];
  return {
    messageId: message.messageId,
    receiveCount: message.receiveCount,
    traceHeaders: traceHeader === undefined ? {} : { [TRACE_ID_HEADER]: traceHeader },
  };
}

/** Drains `queue` while the app runs. */
export const retryQueueDrain: FastifyPluginAsync<RetryQueueDrainOptions> = async (
  app,
  { queue, settings, applier, metrics, tracing, canProcess },
) => {
  const validate = compiledValidator<EvPayload>(EvPayload);
  const apply = async (message: ReceivedMessage): Promise<void> => {
    const event = parseEvent(message, validate);
    await applier.apply(event, clientKeyOf(message, event));
  };
  let drainer: RetryQueueDrainer | undefined;
  app.addHook('onReady', async () => {
    drainer = new RetryQueueDrainer({
      queue,
      settings,
      canProcess,
      handler: tracing === undefined ? apply : (message) => tracing.traceQueuedMessage(traceableMessage(message), () => apply(message)),
      onDrained: () => metrics?.count(PipelineMetric.DRAINED),
      onError: (error, message) => {
        const fields =
          message === undefined
            ? {}
            : { messageId: message.messageId, idempotencyKey: message.idempotencyKey, receiveCount: message.receiveCount };
        if (error instanceof UnappliableEventError)
          app.log.error(
            { ...fields, err: error },
            `queued event cannot be applied; it will move to the dead-letter queue after ${settings.maxReceiveCount} receives`,
          );
        else app.log.warn({ ...fields, err: error }, 'retry queue drain failed; the message will be received again after its back-off');
      },
    });
    drainer.start();
  });
  app.addHook('preClose', async () => {
    await drainer?.stop();
  });
};
