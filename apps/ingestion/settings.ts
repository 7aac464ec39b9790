/** Environment of the data-ingestion server entry. */
import { PROCESSING_RETRY_POLICY } from '../../contract/retry-policy';
import { DATA_INGESTION } from '../../contract/services';
import { readHttpUrl, readInteger, type Env } from '../http/env';
import { readServerSettings, type ServerSettings } from '../http/server-settings';
import { DEFAULT_DATA_PROCESSING_URL } from './app';

/** Everything the ingestion server reads from the environment. */
export interface IngestionSettings extends ServerSettings {
  /** `DATA_PROCESSING_URL`. @default http://127.0.0.1:3001/ev */
  readonly dataProcessingUrl: URL;
  /** `PROCESSING_CONNECTIONS`. @default 128 */
  readonly processingConnections: number;
  /** `PROCESSING_TIMEOUT_MS`. @default 5000 (the retry policy's per-retry timeout) */
  readonly processingTimeoutMs: number;
}

/** Reads the settings; throws `EnvError` naming the variable on an invalid value. */
export function readIngestionSettings(env: Env): IngestionSettings {
  return {
    ...readServerSettings(env, DATA_INGESTION),
    dataProcessingUrl: readHttpUrl(env, 'DATA_PROCESSING_URL', DEFAULT_DATA_PROCESSING_URL),
    processingConnections: readInteger(env, 'PROCESSING_CONNECTIONS', 128, 1, 10_000),
    processingTimeoutMs: readInteger(env, 'PROCESSING_TIMEOUT_MS', PROCESSING_RETRY_POLICY.perRetryTimeoutMs, 1, 600_000),
  };
}
