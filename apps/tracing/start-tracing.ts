/**
 * Starting tracing for a service: nothing at all when no OTLP endpoint is
 * configured (the OpenTelemetry SDK is not even loaded), else the SDK set up
 * by `OpenTelemetryTracing`, imported on demand.
 */
import type { ServiceIdentity } from '../../contract/services';
import type { Tracing } from './tracing';
import type { TracingSettings } from './tracing-settings';

/** Tracing of `service` as `settings` configure it; undefined when tracing is off. */
export async function startTracing(settings: TracingSettings, service: ServiceIdentity): Promise<Tracing | undefined> {
  const { tracesUrl } = settings;
  if (tracesUrl === undefined) return undefined;
  const { OpenTelemetryTracing } = await import('./open-telemetry-tracing');
  return new OpenTelemetryTracing({ ...settings, tracesUrl }, service);
}
