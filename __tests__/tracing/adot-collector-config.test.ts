/**
 * The collector sidecar's configuration (contract/tracing.ts): the services'
 * default sidecar endpoint is where its OTLP/HTTP receiver listens, and its
 * pipeline names only components it defines (an undefined one stops the
 * collector at start-up).
 */
import { readTracingSettings } from '../../apps/tracing/tracing-settings';
import { ADOT_COLLECTOR_CONFIG, SIDECAR_OTLP_ENDPOINT } from '../../contract/tracing';

describe('ADOT_COLLECTOR_CONFIG', () => {
  test('its OTLP/HTTP receiver listens, on loopback only, where SIDECAR_OTLP_ENDPOINT points the services', () => {
    const receiver = new URL(`http://${ADOT_COLLECTOR_CONFIG.receivers.otlp.protocols.http.endpoint}`);
    const services = readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: SIDECAR_OTLP_ENDPOINT }).tracesUrl;
    expect(receiver.hostname).toBe('127.0.0.1');
    expect(services?.host).toBe(receiver.host);
    expect(services?.pathname).toBe('/v1/traces');
  });

  test('the traces pipeline and the service extensions name only defined components, and it ends at X-Ray', () => {
    const { service } = ADOT_COLLECTOR_CONFIG;
    const { traces } = service.pipelines;
    for (const name of traces.receivers) expect(Object.keys(ADOT_COLLECTOR_CONFIG.receivers)).toContain(name);
    for (const name of traces.processors) expect(Object.keys(ADOT_COLLECTOR_CONFIG.processors)).toContain(name);
    for (const name of traces.exporters) expect(Object.keys(ADOT_COLLECTOR_CONFIG.exporters)).toContain(name);
    for (const name of service.extensions) expect(Object.keys(ADOT_COLLECTOR_CONFIG.extensions)).toContain(name);
    expect(traces.exporters).toEqual(['awsxray']);
    // The memory limiter must come first to protect the rest of the pipeline.
    expect(traces.processors[0]).toBe('memory_limiter');
  });
});
