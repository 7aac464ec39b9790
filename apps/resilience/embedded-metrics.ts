/**
 * Counts requests, failures, parked and drained events and prints them as
 * CloudWatch embedded metric format (EMF): one JSON line per flush on stdout,
 * which the awslogs driver ships to CloudWatch Logs and CloudWatch turns into
 * metrics (no PutMetricData calls: no API request, throttling or extra
 * latency on the request path). Spec:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { METRICS_NAMESPACE, PipelineMetric, SERVICE_DIMENSION } from '../../contract/metrics';

/** One EMF document: the `_aws` metadata plus the dimension and metric members it references. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: 'Count'; readonly StorageResolution: 1 | 60 }[];
    }[];
  };
  readonly [member: string]: unknown;
}

/** Options of {@link EmbeddedMetrics}. */
export interface EmbeddedMetricsOptions {
  /** Value of the `Service` dimension (`data-ingestion`, `data-processing`). */
  readonly service: string;
  /** The metrics this service publishes; a flush reports all of them, zeros included. */
  readonly metrics: readonly PipelineMetric[];
  /** 1 for high-resolution (per-second) metrics, 60 for standard. @default 60 */
  readonly storageResolution?: 1 | 60;
  /** Writes one line. @default process.stdout */
  readonly write?: (line: string) => void;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
}

/** Builds the EMF document of `counts` at `timestamp`. */
export function emfDocument(
  service: string,
  counts: ReadonlyMap<PipelineMetric, number>,
  timestamp: number,
  storageResolution: 1 | 60 = 60,
): EmfDocument {
  const members: Record<string, number> = {};
  for (const [metric, value] of counts) members[metric] = value;
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[SERVICE_DIMENSION]],
          Metrics: [...counts.keys()].map((Name) => ({ Name, Unit: 'Count' as const, StorageResolution: storageResolution })),
        },
      ],
    },
    [SERVICE_DIMENSION]: service,
    ...members,
  };
}

/** Counters flushed as one EMF line; nothing is printed for an interval without any count. */
export class EmbeddedMetrics {
  private readonly counts = new Map<PipelineMetric, number>();
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EmbeddedMetricsOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? Date.now;
    for (const metric of options.metrics) this.counts.set(metric, 0);
  }

  /** Adds `by` (default 1) to `metric`. */
  count(metric: PipelineMetric, by = 1): void {
    this.counts.set(metric, (this.counts.get(metric) ?? 0) + by);
  }

  /** Prints the counts since the last flush as one EMF line and resets them. */
  flush(): void {
    if ([...this.counts.values()].every((value) => value === 0)) return;
    this.write(JSON.stringify(emfDocument(this.options.service, this.counts, this.now(), this.options.storageResolution)));
    for (const metric of this.counts.keys()) this.counts.set(metric, 0);
  }

  /** Flushes every `intervalMs` (the timer does not keep the process alive). */
  startFlushing(intervalMs: number): void {
    this.timer ??= setInterval(() => this.flush(), intervalMs).unref();
  }

  /** Stops the timer and flushes what is left (call on shutdown). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
