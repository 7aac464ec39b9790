/**
 * The EMF lines, checked against the rules of the CloudWatch embedded metric
 * format specification.
 */
import { METRICS_NAMESPACE, PipelineMetric } from '../../contract/metrics';
import { EmbeddedMetrics } from '../../apps/resilience/embedded-metrics';

/** Units the EMF specification allows. */
const EMF_UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/** The specification's structural rules; returns the violations. */
function emfViolations(line: string): string[] {
  const problems: string[] = [];
  const root = JSON.parse(line) as Record<string, unknown>;
  const aws = root._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws !== 'object' || aws === null) return ['_aws missing'];
  if (!Number.isInteger(aws.Timestamp) || (aws.Timestamp as number) < 0) problems.push('Timestamp must be ms since epoch');
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...problems, 'CloudWatchMetrics must be an array'];
  for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || namespace.length < 1 || namespace.length > 1024) problems.push('Namespace 1..1024 chars');
    for (const set of directive.Dimensions as unknown[][]) {
      if (!Array.isArray(set) || set.length > 30) problems.push('DimensionSet: array of at most 30');
      for (const name of set)
        if (typeof root[name as string] !== 'string') problems.push(`dimension ${String(name)} must be a string member`);
    }
    const metrics = directive.Metrics as { Name: string; Unit?: string; StorageResolution?: number }[];
    if (metrics.length > 100) problems.push('at most 100 metrics');
    for (const metric of metrics) {
      if (typeof root[metric.Name] !== 'number') problems.push(`metric ${metric.Name} must be a number member`);
      if (metric.Unit !== undefined && !EMF_UNITS.has(metric.Unit)) problems.push(`unit ${metric.Unit}`);
      if (metric.StorageResolution !== undefined && ![1, 60].includes(metric.StorageResolution)) problems.push('StorageResolution 1 or 60');
    }
  }
  return problems;
}

describe('EmbeddedMetrics', () => {
  it('flushes the counts as one valid EMF line with the contract names, then resets', () => {
    const lines: string[] = [];
    const metrics = new EmbeddedMetrics({
      service: 'data-ingestion',
      metrics: [PipelineMetric.REQUESTS, PipelineMetric.ERRORS, PipelineMetric.PARKED],
      write: (line) => lines.push(line),
      now: () => 1_763_900_000_123,
    });
    metrics.count(PipelineMetric.REQUESTS);
    metrics.count(PipelineMetric.REQUESTS);
    metrics.count(PipelineMetric.PARKED, 3);
    metrics.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(emfViolations(lines[0])).toEqual([]);
    expect(JSON.parse(lines[0])).toEqual({
      _aws: {
        Timestamp: 1_763_900_000_123,
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['Service']],
            Metrics: [
              { Name: 'Requests', Unit: 'Count', StorageResolution: 60 },
              { Name: 'Errors', Unit: 'Count', StorageResolution: 60 },
              { Name: 'Parked', Unit: 'Count', StorageResolution: 60 },
            ],
          },
        ],
      },
      Service: 'data-ingestion',
      Requests: 2,
      Errors: 0,
      Parked: 3,
    });
    metrics.flush();
    expect(lines).toHaveLength(1);
    metrics.count(PipelineMetric.ERRORS);
    metrics.flush();
    expect(JSON.parse(lines[1])).toMatchObject({ Requests: 0, Errors: 1, Parked: 0 });
  });

  it('writes high-resolution metrics when asked, and flushes what is left on stop', () => {
    const lines: string[] = [];
    const metrics = new EmbeddedMetrics({
      service: 'data-processing',
      metrics: [PipelineMetric.DRAINED],
      storageResolution: 1,
      write: (l) => lines.push(l),
    });
    metrics.startFlushing(60_000);
    metrics.count(PipelineMetric.DRAINED);
    metrics.stop();
    expect(lines).toHaveLength(1);
    expect(emfViolations(lines[0])).toEqual([]);
    expect(JSON.parse(lines[0])._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'Drained', Unit: 'Count', StorageResolution: 1 }]);
  });

  it('the validator rejects a malformed document (so the checks above can fail)', () => {
    expect(
      emfViolations(
        '{"_aws":{"Timestamp":"now","CloudWatchMetrics":[{"Namespace":"","Dimensions":[["Service"]],"Metrics":[{"Name":"X","Unit":"Things"}]}]}}',
      ),
    ).toEqual([
      'Timestamp must be ms since epoch',
      'Namespace 1..1024 chars',
      'dimension Service must be a string member',
      'metric X must be a number member',
      'unit Things',
    ]);
  });
});
