/**
 * CloudWatch metrics the services publish in embedded metric format (EMF) on
 * stdout, and that the stack's failure-rate alarm reads. No cdktf or fastify
 * imports here.
 */

/** CloudWatch namespace of the pipeline's own metrics. */
export const METRICS_NAMESPACE = 'EvPipeline';

/** Dimension that names the service (`data-ingestion`, `data-processing`). */
export const SERVICE_DIMENSION = 'Service';

/** Metric names, all with unit Count and the dimension {@link SERVICE_DIMENSION}. */
export enum PipelineMetric {
  /** Every `POST /ev` the service answered. */
  REQUESTS = 'Requests',
  /** `POST /ev` answers with a 5xx status (server-side failures; client mistakes are 4xx and not counted). */
  ERRORS = 'Errors',
  /** Events parked in the retry queue by ingestion. */
  PARKED = 'Parked',
  /** Events processing applied from the retry queue. */
  DRAINED = 'Drained',
}
