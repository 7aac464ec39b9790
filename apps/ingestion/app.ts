/** `buildApp` of data-ingestion: health check and `POST /ev`, forwarded to data-processing. */
import { DATA_INGESTION } from '../../contract/services';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../http/service-app';
import { evRoute } from './ev-route';
import type { ProcessingClient } from './processing-client';
import { UndiciProcessingClient } from './undici-processing-client';

/** Default `DATA_PROCESSING_URL`: processing on the same host. */
export const DEFAULT_DATA_PROCESSING_URL = 'http://127.0.0.1:3001/ev';

/** Options of the ingestion app. */
export interface IngestionAppOptions extends ServiceAppOptions {
  /** Processing's `POST /ev` URL, used when no `processing` client is given. @default DEFAULT_DATA_PROCESSING_URL */
  readonly dataProcessingUrl?: URL;
  /** Connections to processing, used when no `processing` client is given. @default 128 */
  readonly processingConnections?: number;
  /** Per-call timeout towards processing, in milliseconds. @default 5000 */
  readonly processingTimeoutMs?: number;
  /** The client that forwards events (e.g. wrapped with retries); the app closes it on close. @default an UndiciProcessingClient */
  readonly processing?: ProcessingClient;
}

/** Builds the data-ingestion app (not listening; call `listen` or use `inject`). */
export function buildApp(options: IngestionAppOptions = {}): ServiceApp {
  const processing =
    options.processing ??
    new UndiciProcessingClient({
      url: options.dataProcessingUrl ?? new URL(DEFAULT_DATA_PROCESSING_URL),
      connections: options.processingConnections,
      timeoutMs: options.processingTimeoutMs,
    });
  const app = createServiceApp(DATA_INGESTION, options);
  app.register(evRoute, { processing });
  app.addHook('onClose', async () => processing.close());
  return app;
}
