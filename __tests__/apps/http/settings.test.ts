import { readIngestionSettings } from '../../../apps/ingestion/settings';
import { readProcessingSettings } from '../../../apps/processing/settings';
import { DEFAULT_ANOMALY_THRESHOLDS } from '../../../apps/processing/anomaly-thresholds';

describe('settings from the environment', () => {
  test('defaults: contract ports, all interfaces, info, 64 KiB, local processing', () => {
    expect(readIngestionSettings({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      bodyLimitBytes: 65_536,
      shutdownGraceMs: 10_000,
      dataProcessingUrl: new URL('http://127.0.0.1:3001/ev'),
      processingConnections: 128,
      processingTimeoutMs: 5_000,
    });
    expect(readProcessingSettings({})).toMatchObject({ port: 3001, thresholds: DEFAULT_ANOMALY_THRESHOLDS });
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
    ['DATA_PROCESSING_URL', 'data-processing:3001', /DATA_PROCESSING_URL="data-processing:3001" is invalid: expected an http/],
    ['DATA_PROCESSING_URL', '::nope', /DATA_PROCESSING_URL="::nope" is invalid: expected an absolute URL/],
  ])('%s=%s is rejected with a message naming it', (name, value, message) => {
    expect(() => readIngestionSettings({ [name]: value })).toThrow(message);
  });

  test('contradicting anomaly thresholds are rejected', () => {
    expect(() => readProcessingSettings({ ANOMALY_MIN_VOLTAGE_V: '500', ANOMALY_MAX_VOLTAGE_V: '400' })).toThrow(/minVoltageV \(500\) must be below maxVoltageV \(400\)/);
    expect(() => readProcessingSettings({ ANOMALY_MAX_VOLTAGE_V: 'high' })).toThrow(/ANOMALY_MAX_VOLTAGE_V="high" is invalid: expected a finite number/);
  });
});
