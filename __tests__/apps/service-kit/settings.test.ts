import { readIngestionSettings } from '../../../apps/ingestion/settings';
import { readProcessingSettings } from '../../../apps/processing/settings';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../../../apps/processing/anomaly-thresholds';
import { DEFAULT_PROCESSING_CONNECTIONS, defaultProcessingTimeoutMs } from '../../../apps/ingestion/app';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from '../../../apps/processing/app';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_LOG_LEVEL } from '../../../apps/service-kit/server-settings';
import { ENVOY_DEFAULT_BACKOFF, PROCESSING_CALL_TIMEOUT_MS } from '../../../contract/retry-policy';
import { RETRY_QUEUE_SETTINGS } from '../../../contract/retry-queue';
import { LOCAL_DATA_PROCESSING_URL, type RetryMode } from '../../../contract/services';

describe('settings from the environment', () => {
  test('defaults: contract ports, all interfaces, info, 64 KiB, local processing', () => {
    expect(readIngestionSettings({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      bodyLimitBytes: 65_536,
      shutdownGraceMs: 10_000,
      requestTimeoutMs: 10_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 1_024,
      dataProcessingUrl: new URL('http://127.0.0.1:3001/ev'),
      processingConnections: 128,
      processingTimeoutMs: 5_000,
      retryMode: 'app',
      retryBackoff: { baseIntervalMs: 25, maxIntervalMs: 250 },
      retryOverallTimeoutMs: 68_000,
      redisUrl: undefined,
      retryQueueUrl: undefined,
      retryQueueDir: undefined,
      metricsFlushIntervalMs: 60_000,
      tracing: expect.objectContaining({ tracesUrl: undefined }),
      vehicleAuth: 'none',
      faultInjection: false,
      answerDeadlineMs: 25_000,
    });
    expect(readProcessingSettings({})).toMatchObject({
      faultInjection: false,
      port: 3001,
      thresholds: DEFAULT_ANOMALY_THRESHOLDS,
      fault503Rate: 0,
      idempotencyKeyTtlSeconds: 86_400,
      retryQueueSettings: RETRY_QUEUE_SETTINGS,
      metricsFlushIntervalMs: 60_000,
    });
  });

  test('reads the resilience variables', () => {
    const shared = { REDIS_URL: 'redis://127.0.0.1:6380', RETRY_QUEUE_DIR: '.tmp/retry-queue', METRICS_FLUSH_INTERVAL_MS: '0' };
    expect(
      readIngestionSettings({
        ...shared,
        RETRY_MODE: 'off',
        RETRY_BACKOFF_BASE_MS: '10',
        RETRY_BACKOFF_MAX_MS: '100',
        RETRY_OVERALL_TIMEOUT_MS: '15000',
      }),
    ).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6380',
      retryQueueDir: '.tmp/retry-queue',
      metricsFlushIntervalMs: 0,
      retryMode: 'off',
      retryBackoff: { baseIntervalMs: 10, maxIntervalMs: 100 },
      retryOverallTimeoutMs: 15_000,
      processingTimeoutMs: 5_000,
    });
    expect(
      readProcessingSettings({
        ...shared,
        RETRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry',
        FAULT_INJECTION: 'enabled',
        FAULT_503_RATE: '0.3',
        IDEMPOTENCY_KEY_TTL_SECONDS: '3600',
        RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS: '5',
        RETRY_QUEUE_BACKOFF_BASE_SECONDS: '0.5',
        RETRY_QUEUE_BACKOFF_MAX_SECONDS: '4',
      }),
    ).toMatchObject({
      retryQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ev-retry',
      fault503Rate: 0.3,
      idempotencyKeyTtlSeconds: 3600,
      retryQueueSettings: { ...RETRY_QUEUE_SETTINGS, visibilityTimeoutSeconds: 5, backoffBaseSeconds: 0.5, backoffMaxSeconds: 4 },
    });
  });

  test('the front-door bounds: ANSWER_DEADLINE_MS, REQUEST_TIMEOUT_MS (at most the default answer deadline), KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS', () => {
    expect(
      readIngestionSettings({
        ANSWER_DEADLINE_MS: '20000',
        REQUEST_TIMEOUT_MS: '5000',
        KEEP_ALIVE_TIMEOUT_MS: '70000',
        MAX_CONNECTIONS: '256',
      }),
    ).toMatchObject({ answerDeadlineMs: 20_000, requestTimeoutMs: 5_000, keepAliveTimeoutMs: 70_000, maxConnections: 256 });
    expect(() => readProcessingSettings({ REQUEST_TIMEOUT_MS: '30000' })).toThrow(
      /REQUEST_TIMEOUT_MS="30000" is invalid: expected an integer from 1 to 25000/,
    );
    expect(() => readIngestionSettings({ MAX_CONNECTIONS: '0' })).toThrow(/MAX_CONNECTIONS="0" is invalid/);
  });

  test('RETRY_MODE=mesh: one call to processing may last the whole overall timeout (Envoy retries inside it)', () => {
    expect(readIngestionSettings({ RETRY_MODE: 'mesh' }).processingTimeoutMs).toBe(68_000);
    expect(readIngestionSettings({ RETRY_MODE: 'mesh', RETRY_OVERALL_TIMEOUT_MS: '20000' }).processingTimeoutMs).toBe(20_000);
    expect(readIngestionSettings({ RETRY_MODE: 'mesh', PROCESSING_TIMEOUT_MS: '9000' }).processingTimeoutMs).toBe(9_000);
  });

  test.each(['app', 'mesh', 'off'])('RETRY_MODE=%s: the environment-built app takes the defaults of buildApp', (mode) => {
    const settings = readIngestionSettings({ RETRY_MODE: mode });
    const retryMode = mode as RetryMode;
    expect(settings).toMatchObject({
      dataProcessingUrl: new URL(LOCAL_DATA_PROCESSING_URL),
      processingConnections: DEFAULT_PROCESSING_CONNECTIONS,
      retryOverallTimeoutMs: PROCESSING_CALL_TIMEOUT_MS,
      processingTimeoutMs: defaultProcessingTimeoutMs(retryMode, PROCESSING_CALL_TIMEOUT_MS),
      retryBackoff: ENVOY_DEFAULT_BACKOFF,
      logLevel: DEFAULT_LOG_LEVEL,
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    });
    expect(readProcessingSettings({})).toMatchObject({
      idempotencyKeyTtlSeconds: DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
      thresholds: DEFAULT_ANOMALY_THRESHOLDS,
      retryQueueSettings: RETRY_QUEUE_SETTINGS,
    });
  });

  test.each([
    ['RETRY_MODE', 'envoy', /RETRY_MODE="envoy" is invalid: expected one of mesh, app, off/],
    ['RETRY_BACKOFF_BASE_MS', 'fast', /RETRY_BACKOFF_BASE_MS="fast" is invalid: expected an integer/],
    ['RETRY_BACKOFF_MAX_MS', '-1', /RETRY_BACKOFF_MAX_MS="-1" is invalid/],
    ['RETRY_BACKOFF_MAX_MS', '10', /RETRY_BACKOFF_MAX_MS="10" is invalid: expected an integer of at least RETRY_BACKOFF_BASE_MS \(25\)/],
    ['RETRY_OVERALL_TIMEOUT_MS', '0', /RETRY_OVERALL_TIMEOUT_MS="0" is invalid/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL="localhost:6379" is invalid: expected a URL starting with redis:\/\/ or rediss:\/\//],
    ['REDIS_URL', 'not a url', /REDIS_URL="not a url" is invalid: expected an absolute URL/],
    ['RETRY_QUEUE_URL', 'ev-retry', /RETRY_QUEUE_URL="ev-retry" is invalid/],
    ['METRICS_FLUSH_INTERVAL_MS', '1m', /METRICS_FLUSH_INTERVAL_MS="1m" is invalid/],
  ])('ingestion: %s=%s is rejected with a message naming it', (name, value, message) => {
    expect(() => readIngestionSettings({ [name]: value })).toThrow(message);
  });

  test.each([
    ['FAULT_503_RATE', '1.5', /FAULT_503_RATE="1.5" is invalid: expected a number from 0 to 1/],
    ['FAULT_503_RATE', 'often', /FAULT_503_RATE="often" is invalid: expected a finite number/],
    ['FAULT_503_RATE', '-0.1', /FAULT_503_RATE="-0.1" is invalid/],
    ['IDEMPOTENCY_KEY_TTL_SECONDS', '0', /IDEMPOTENCY_KEY_TTL_SECONDS="0" is invalid/],
    ['RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS', '50000', /RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS="50000" is invalid/],
    ['RETRY_QUEUE_BACKOFF_BASE_SECONDS', 'x', /RETRY_QUEUE_BACKOFF_BASE_SECONDS="x" is invalid/],
    [
      'RETRY_QUEUE_BACKOFF_MAX_SECONDS',
      '1',
      /RETRY_QUEUE_BACKOFF_MAX_SECONDS="1" is invalid: expected a number of at least RETRY_QUEUE_BACKOFF_BASE_SECONDS \(2\)/,
    ],
    ['REDIS_URL', 'http://cache:6379', /REDIS_URL="http:\/\/cache:6379" is invalid/],
  ])('processing: %s=%s is rejected with a message naming it', (name, value, message) => {
    expect(() => readProcessingSettings({ [name]: value })).toThrow(message);
  });

  test('reads every variable', () => {
    const env = {
      APP_PORT: '8080',
      APP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BODY_LIMIT_BYTES: '1024',
      DATA_PROCESSING_URL: 'http://data-processing.ev.local:3000/ev',
    };
    expect(readIngestionSettings(env)).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'warn',
      bodyLimitBytes: 1024,
      dataProcessingUrl: new URL('http://data-processing.ev.local:3000/ev'),
    });
    expect(readProcessingSettings({ ANOMALY_MAX_BATTERY_TEMPERATURE_C: '55.5' }).thresholds.maxBatteryTemperatureC).toBe(55.5);
  });

  test.each([
    ['APP_PORT', 'http', /APP_PORT="http" is invalid: expected an integer from 0 to 65535/],
    ['APP_PORT', '70000', /APP_PORT="70000"/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is invalid: expected one of fatal, error, warn, info, debug, trace, silent/],
    ['BODY_LIMIT_BYTES', '64k', /BODY_LIMIT_BYTES="64k"/],
    ['BODY_LIMIT_BYTES', '0', /BODY_LIMIT_BYTES="0"/],
    [
      'DATA_PROCESSING_URL',
      'data-processing:3001',
      /DATA_PROCESSING_URL="data-processing:3001" is invalid: expected a URL starting with http:\/\/ or https:\/\//,
    ],
    ['DATA_PROCESSING_URL', '::nope', /DATA_PROCESSING_URL="::nope" is invalid: expected an absolute URL/],
  ])('%s=%s is rejected with a message naming it', (name, value, message) => {
    expect(() => readIngestionSettings({ [name]: value })).toThrow(message);
  });

  test('contradicting anomaly thresholds are rejected', () => {
    expect(() => readProcessingSettings({ ANOMALY_MIN_VOLTAGE_V: '500', ANOMALY_MAX_VOLTAGE_V: '400' })).toThrow(
      /minVoltageV \(500\) must be below maxVoltageV \(400\)/,
    );
    expect(() => readProcessingSettings({ ANOMALY_MAX_VOLTAGE_V: 'high' })).toThrow(
      /ANOMALY_MAX_VOLTAGE_V="high" is invalid: expected a finite number/,
    );
  });
});
