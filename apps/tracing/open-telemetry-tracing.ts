/**
 * {@link Tracing} with the OpenTelemetry SDK: a tracer provider of the
 * service's own (not registered globally, so two services in one test
 * process do not share one), spans batched and exported over OTLP/HTTP as
 * JSON, X-Ray-valid trace ids, and the W3C + X-Ray propagator.
 * Loaded only by `startTracing`, when an endpoint is configured.
 *
 * Export failures and dropped spans are reported through OpenTelemetry's
 * diagnostic logger, set here to print warnings and errors on stderr, one
 * line per 10 s at most ({@link ThrottledDiagLogger}). Shutting down flushes
 * the spans still batched, but waits {@link SHUTDOWN_FLUSH_TIMEOUT_MS} at
 * most and never fails: an unreachable collector must neither hold the
 * process past its grace period nor turn a clean exit into a failed one.
 */
import { diag, DiagLogLevel, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';
import type { ServiceIdentity } from '../../contract/services';
import { startClientSpan } from './client-span';
import { traceQueuedMessage } from './queued-message-span';
import { installServerSpans } from './server-spans';
import { ThrottledDiagLogger } from './throttled-diag-logger';
import { createTracePropagator, type HeaderCarrier } from './trace-propagator';
import type { ClientSpan, OutgoingCall, QueuedMessage, TraceRequestsOptions, Tracing } from './tracing';
import { TraceSampler, type TracingSettings } from './tracing-settings';

/** Name of the tracer (the instrumentation scope). */
const TRACER_NAME = 'ev-pipeline';

/** Longest wait for the last spans to be exported on shutdown (the collector sidecar is on loopback: a flush takes milliseconds). */
export const SHUTDOWN_FLUSH_TIMEOUT_MS = 2_000;

/** The sampler `OTEL_TRACES_SAMPLER` names. */
function createSampler(sampler: TraceSampler, ratio: number): Sampler {
  switch (sampler) {
    case TraceSampler.ALWAYS_ON:
      return new AlwaysOnSampler();
    case TraceSampler.ALWAYS_OFF:
      return new AlwaysOffSampler();
    case TraceSampler.TRACE_ID_RATIO:
      return new TraceIdRatioBasedSampler(ratio);
    case TraceSampler.PARENT_BASED_ALWAYS_ON:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case TraceSampler.PARENT_BASED_ALWAYS_OFF:
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case TraceSampler.PARENT_BASED_TRACE_ID_RATIO:
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/** Tracing of `service`, exporting to `tracesUrl`. */
export class OpenTelemetryTracing implements Tracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator: TextMapPropagator<HeaderCarrier> = createTracePropagator();
  private readonly untracedRoutes: ReadonlySet<string>;

  constructor(settings: TracingSettings & { readonly tracesUrl: URL }, service: ServiceIdentity) {
    diag.setLogger(new ThrottledDiagLogger(), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    // The service's name is the default; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override it.
    const resource = defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: service.name }))
      .merge(detectResources({ detectors: [envDetector] }));
    const { batch } = settings;
    this.provider = new BasicTracerProvider({
      resource,
      sampler: createSampler(settings.sampler, settings.samplerRatio),
      idGenerator: new AWSXRayIdGenerator(),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl.href }), {
          scheduledDelayMillis: batch.scheduleDelayMs,
          maxQueueSize: batch.maxQueueSize,
          maxExportBatchSize: batch.maxExportBatchSize,
          exportTimeoutMillis: batch.exportTimeoutMs,
        }),
      ],
    });
    this.tracer = this.provider.getTracer(TRACER_NAME);
    this.untracedRoutes = new Set([service.healthCheckPath]);
  }

  traceRequests(app: FastifyInstance, options: TraceRequestsOptions = {}): void {
    installServerSpans(app, {
      tracer: this.tracer,
      propagator: this.propagator,
      untracedRoutes: this.untracedRoutes,
      rewriteTraceHeaders: options.rewriteTraceHeaders ?? false,
    });
  }

  startClientSpan(call: OutgoingCall): ClientSpan {
    return startClientSpan(this.tracer, this.propagator, call);
  }

  traceQueuedMessage<T>(message: QueuedMessage, handle: () => Promise<T>): Promise<T> {
    return traceQueuedMessage(this.tracer, this.propagator, message, handle);
  }

  async shutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        diag.warn(`spans not exported at shutdown: no answer from the collector within ${SHUTDOWN_FLUSH_TIMEOUT_MS} ms`);
        resolve();
      }, SHUTDOWN_FLUSH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.provider.shutdown(), timeout]);
    } catch (error) {
      diag.warn('spans not exported at shutdown:', error);
    } finally {
      clearTimeout(timer);
    }
  }
}
