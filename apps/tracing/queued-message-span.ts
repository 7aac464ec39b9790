/**
 * A consumer span around the handling of one queued message. The message
 * was queued by another request, minutes or hours earlier, so its handling
 * starts a trace of its own with a link to the stored context (the
 * messaging semantic conventions' advice for work that is not part of the
 * producer's request) instead of growing that trace.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { QueuedMessage } from './tracing';
import { headerGetter, type HeaderCarrier } from './trace-propagator';

/** Incubating messaging attributes, copied here as `@opentelemetry/semantic-conventions` advises for unstable names. */
const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';

/** Receives of the message, this one included (the conventions have no name for it). */
const ATTR_RECEIVE_COUNT = 'retry_queue.receive_count';

/** The queue, as spans name it. */
const DESTINATION = 'retry-queue';

/** Span name: `{operation} {destination}`, as the messaging conventions ask. */
const SPAN_NAME = `process ${DESTINATION}`;

/** Runs `handle` for `message` inside a consumer span started with `tracer`. */
export async function traceQueuedMessage<T>(
  tracer: Tracer,
  propagator: TextMapPropagator<HeaderCarrier>,
  message: QueuedMessage,
  handle: () => Promise<T>,
): Promise<T> {
  const stored = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, message.traceHeaders, headerGetter));
  const links: Link[] = stored === undefined ? [] : [{ context: stored }];
  const span = tracer.startSpan(
    SPAN_NAME,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links,
      attributes: {
        [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
        [ATTR_MESSAGING_OPERATION_NAME]: 'process',
        [ATTR_MESSAGING_DESTINATION_NAME]: DESTINATION,
        [ATTR_MESSAGING_MESSAGE_ID]: message.messageId,
        [ATTR_RECEIVE_COUNT]: message.receiveCount,
      },
    },
    ROOT_CONTEXT,
  );
  try {
    return await handle();
  } catch (error) {
    span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'Error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
