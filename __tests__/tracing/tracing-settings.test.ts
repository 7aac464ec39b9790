/**
 * The OTEL_* settings: when tracing is on, where spans go, invalid values
 * named; and, with tracing off, that the built service loads no
 * OpenTelemetry module at all (checked in a real Node process on dist/).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TraceSampler, readTracingSettings } from '../../apps/tracing/tracing-settings';
import { SIDECAR_OTLP_ENDPOINT } from '../../contract/tracing';

const ROOT = join(__dirname, '..', '..');

describe('readTracingSettings', () => {
  test('off by default: no endpoint, the specification defaults otherwise', () => {
    expect(readTracingSettings({})).toEqual({
      tracesUrl: undefined,
      sampler: TraceSampler.PARENT_BASED_ALWAYS_ON,
      samplerRatio: 1,
      batch: { scheduleDelayMs: 5000, maxQueueSize: 2048, maxExportBatchSize: 512, exportTimeoutMs: 30_000 },
    });
  });

  test.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: SIDECAR_OTLP_ENDPOINT }, 'http://127.0.0.1:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example/otlp' }, 'https://collector.example/otlp/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/custom' }, 'http://127.0.0.1:9999/custom'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/v1/traces' },
      'http://b:4318/v1/traces',
    ],
  ])('%p sends spans to %s', (env, url) => {
    expect(readTracingSettings(env).tracesUrl?.href).toBe(url);
  });

  test.each([[{ OTEL_SDK_DISABLED: 'TRUE' }], [{ OTEL_SDK_DISABLED: 'true' }], [{ OTEL_TRACES_EXPORTER: 'none' }]])(
    'an endpoint with %p: tracing stays off',
    (env) => {
      expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: SIDECAR_OTLP_ENDPOINT, ...env }).tracesUrl).toBeUndefined();
    },
  );

  test('sampler, ratio and batch settings are read', () => {
    const settings = readTracingSettings({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BSP_MAX_QUEUE_SIZE: '256',
      OTEL_BSP_EXPORT_TIMEOUT: '2000',
    });
    expect(settings).toMatchObject({
      sampler: TraceSampler.PARENT_BASED_TRACE_ID_RATIO,
      samplerRatio: 0.25,
      batch: { scheduleDelayMs: 100, maxQueueSize: 256, maxExportBatchSize: 256, exportTimeoutMs: 2000 },
    });
  });

  test.each([
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: '127.0.0.1:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT="127.0.0.1:4318" is invalid: expected an absolute URL/,
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' },
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="grpc:\/\/collector:4317" is invalid: expected an http:\/\/ or https:\/\/ URL/,
    ],
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      /OTEL_EXPORTER_OTLP_PROTOCOL="http\/protobuf" is invalid: expected one of http\/json/,
    ],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="grpc" is invalid/],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER="zipkin" is invalid: expected one of otlp, none/],
    [{ OTEL_SDK_DISABLED: 'yes' }, /OTEL_SDK_DISABLED="yes" is invalid: expected true or false/],
    [{ OTEL_TRACES_SAMPLER: 'xray' }, /OTEL_TRACES_SAMPLER="xray" is invalid: expected one of always_on/],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG="1.5" is invalid: expected a number from 0 to 1/],
    [{ OTEL_BSP_SCHEDULE_DELAY: '-1' }, /OTEL_BSP_SCHEDULE_DELAY="-1" is invalid/],
    [
      { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200' },
      /OTEL_BSP_MAX_EXPORT_BATCH_SIZE="200" is invalid: expected an integer from 1 to 100/,
    ],
  ])('%p is rejected, naming the variable', (env, message) => {
    expect(() => readTracingSettings(env)).toThrow(message);
  });
});

describe('tracing off loads no OpenTelemetry module', () => {
  /** The @opentelemetry modules a built service has loaded once its app is ready, in a fresh Node process. */
  function loadedOpenTelemetryModules(service: 'ingestion' | 'processing', env: Record<string, string>): string[] {
    const readSettings = service === 'ingestion' ? 'readIngestionSettings' : 'readProcessingSettings';
    const script = `
      const settings = require('./dist/apps/${service}/settings').${readSettings}(${JSON.stringify({ LOG_LEVEL: 'silent', METRICS_FLUSH_INTERVAL_MS: '0', ...env })});
      require('./dist/apps/${service}/configured-app').buildConfiguredApp(settings)
        .then(async (app) => {
          await app.ready();
          const loaded = Object.keys(require.cache).filter((path) => path.includes('@opentelemetry'));
          await app.close();
          process.stdout.write(JSON.stringify(loaded));
        });`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`node exited with ${result.status}: ${result.stderr}`);
    return JSON.parse(result.stdout) as string[];
  }

  test.each(['ingestion', 'processing'] as const)('%s without an endpoint: none; with one: the SDK', (service) => {
    expect(loadedOpenTelemetryModules(service, {})).toEqual([]);
    // The check can fail: with an endpoint the same probe sees the SDK.
    const loaded = loadedOpenTelemetryModules(service, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(loaded.some((path) => path.includes('sdk-trace-base'))).toBe(true);
  });
});
