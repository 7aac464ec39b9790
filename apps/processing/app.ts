/** `buildApp` of data-processing: health check, `POST /ev`, `GET /vehicles/:vehicleId`. */
import { DATA_PROCESSING } from '../../contract/services';
import { MemoryIdempotentStore, type IdempotentStore } from '../resilience/idempotent-store';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../http/service-app';
import { DEFAULT_ANOMALY_THRESHOLDS, checkAnomalyThresholds, type AnomalyThresholds } from './anomaly-thresholds';
import { evRoute } from './ev-route';
import { vehicleRoute } from './vehicle-route';
import type { EvResult, VehicleState } from './vehicle-state';

/** Options of the processing app. */
export interface ProcessingAppOptions extends ServiceAppOptions {
  /** Where applied keys and vehicle aggregates live; the app closes it on close. @default a new MemoryIdempotentStore */
  readonly store?: IdempotentStore<VehicleState, EvResult>;
  /** Anomaly limits. @default DEFAULT_ANOMALY_THRESHOLDS */
  readonly thresholds?: AnomalyThresholds;
}

/** Builds the data-processing app (not listening; call `listen` or use `inject`). */
export function buildApp(options: ProcessingAppOptions = {}): ServiceApp {
  const store = options.store ?? new MemoryIdempotentStore<VehicleState, EvResult>();
  const thresholds = checkAnomalyThresholds(options.thresholds ?? DEFAULT_ANOMALY_THRESHOLDS);
  const app = createServiceApp(DATA_PROCESSING, options);
  app.register(evRoute, { store, thresholds });
  app.register(vehicleRoute, { store });
  app.addHook('onClose', async () => store.close());
  return app;
}
