/**
 * Shared parts of the tracing tests: the built services started as processes
 * with tracing on, exporting to a local OTLP/HTTP receiver with a short batch
 * delay (a stopped service flushes what is left), and span look-ups.
 */
import type { OtlpReceiver, ReceivedSpan } from '../../scripts/tracing/otlp-receiver';
import { startService, type ServiceName, type ServiceProcess } from '../../scripts/launch/service-process';
import { SAMPLE_EVENT } from '../apps/sample-event';

/** The environment that turns tracing on, towards `receiver`. */
export function tracingEnv(receiver: OtlpReceiver): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '20' };
}

/** Starts the built `service` with tracing towards `receiver`, fault injection on (the tests send `x-503`), and `env`. */
export function startTracedService(
  service: ServiceName,
  receiver: OtlpReceiver,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startService(service, { ...tracingEnv(receiver), FAULT_INJECTION: 'enabled', ...env });
}

/** `POST /ev` of the sample event to `url` with `headers`; resolves with the status. */
export async function postSample(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${url}/ev`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(SAMPLE_EVENT),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The spans of `service` of `kind`. */
export function spansOf(spans: readonly ReceivedSpan[], service: string, kind: ReceivedSpan['kind']): ReceivedSpan[] {
  return spans.filter((span) => span.service === service && span.kind === kind);
}
