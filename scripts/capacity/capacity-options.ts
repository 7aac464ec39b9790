/**
 * The command line of `npm run capacity`: options to the model's input, each
 * checked; a bad value throws a CapacityOptionError naming the option, the
 * value and what is allowed.
 */
import { parseArgs } from 'node:util';
import { FARGATE_SIZES, type CapacityInput, type TaskSize } from './capacity-model';
import { REGION_PRICES } from './prices';

/** A bad command line: names the option as the user wrote it. */
export class CapacityOptionError extends Error {
  constructor(option: string | undefined, value: string | undefined, allowed: string) {
    super(
      option === undefined ? allowed : value === undefined ? `--${option} is required: ${allowed}` : `--${option} ${value}: ${allowed}`,
    );
    this.name = 'CapacityOptionError';
  }
}

/** `--option -5` as `--option=-5`, so that a negative number reaches the check that names it instead of looking like an option. */
const joinNegativeValues = (argv: readonly string[]): string[] =>
  argv.reduce<string[]>((out, arg) => {
    const last = out[out.length - 1];
    if (/^-\d|^-\.\d/.test(arg) && last?.startsWith('--') && !last.includes('=')) out[out.length - 1] = `${last}=${arg}`;
    else out.push(arg);
    return out;
  }, []);

/** What an environment of the stacks gives the model: task sizes, fewest tasks, log retention. */
export interface EnvironmentDefaults {
  readonly ingestionTask: TaskSize;
  readonly processingTask: TaskSize;
  readonly minTasks: number;
  readonly logRetentionDays: number;
}

/** Defaults that come from the repository (the environments, the services' settings, the bench payload). */
export interface RepositoryDefaults {
  readonly environments: Readonly<Record<string, EnvironmentDefaults>>;
  readonly environment: string;
  readonly eventBytes: number;
  readonly keyTtlSeconds: number;
  readonly logBytesPerLine: number;
  readonly cpuFile: string;
}

/** The parsed command line. */
export interface CapacityCommand {
  readonly input: CapacityInput;
  readonly region: string;
  readonly environment: string;
  readonly cpuFile: string;
  readonly load: string;
  readonly conns: number;
  readonly json: boolean;
  readonly chart?: string;
}

export const USAGE = `Usage: npm run capacity -- --vehicles N --interval SECONDS [options]
  --vehicles N              vehicles sending (required)
  --interval S              seconds between two events of one vehicle (required)
  --event-bytes B           bytes of one event's JSON (default: the bench's sample event)
  --region R                price region (us-east-1)
  --target-utilisation U    busy share of a task's CPU the scaler aims at, 0 < U <= 1 (0.6)
  --anomaly-share S         share of events with an anomaly: one more log line each, 0–1 (0.01)
  --retry-share S           share of events parked in the retry queue, 0–1 (0.01)
  --env dev|prd             task sizes, fewest tasks and log retention of that environment (prd)
  --task-cpu UNITS          Fargate CPU units of each service's task (256 ... 16384; default: the environment's)
  --task-memory MIB         memory of each service's task, MiB (default: the environment's)
  --sidecar-cpu UNITS       CPU units the task's sidecars reserve (default: the environment's Envoy + X-Ray)
  --min-tasks N             fewest tasks per service (default: the environment's: 2 in prd)
  --vcpu-per-core F         speed of a Fargate vCPU relative to one core of the measured host (1)
  --key-ttl S               idempotency key TTL, seconds (the service's default: 86400)
  --log-bytes B             bytes of one request log line (measured: see docs/capacity.md)
  --outage-minutes M        processing outage the retry queue must absorb (15)
  --cpu-file FILE           CPU per request written by npm run bench (docs/bench/cpu-per-request.json)
  --load post|unique        which bench load's CPU per request to use (unique: every event new)
  --conns N                 which connection count's (64)
  --json                    print the result as JSON
  --chart FILE.svg          draw tasks and monthly cost against fleet size, 1,000 to 10,000,000 vehicles`;

const OPTIONS = {
  vehicles: { type: 'string' },
  interval: { type: 'string' },
  'event-bytes': { type: 'string' },
  region: { type: 'string' },
  'target-utilisation': { type: 'string' },
  'anomaly-share': { type: 'string' },
  'retry-share': { type: 'string' },
  env: { type: 'string' },
  'task-cpu': { type: 'string' },
  'task-memory': { type: 'string' },
  'sidecar-cpu': { type: 'string' },
  'min-tasks': { type: 'string' },
  'vcpu-per-core': { type: 'string' },
  'key-ttl': { type: 'string' },
  'log-bytes': { type: 'string' },
  'outage-minutes': { type: 'string' },
  'cpu-file': { type: 'string' },
  load: { type: 'string' },
  conns: { type: 'string' },
  json: { type: 'boolean' },
  chart: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A number option: finite, within [min, max] (min exclusive when `above`), an integer when asked. */
function numberOption(
  values: Record<string, unknown>,
  name: string,
  fallback: number | undefined,
  range: { min: number; max?: number; above?: boolean; integer?: boolean },
): number {
  const text = values[name] as string | undefined;
  const bounds = `${range.above ? `> ${range.min}` : `>= ${range.min}`}${range.max === undefined ? '' : ` and <= ${range.max}`}`;
  const allowed = `${range.integer ? 'a whole number' : 'a number'} ${bounds}`;
  if (text === undefined) {
    if (fallback === undefined) throw new CapacityOptionError(name, undefined, allowed);
    return fallback;
  }
  const value = Number(text.replace(/_/g, ''));
  const ok =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (range.above ? value > range.min : value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (!range.integer || Number.isInteger(value));
  if (!ok) throw new CapacityOptionError(name, text, allowed);
  return value;
}

/** Parses `argv` (the arguments after `--`); undefined when help was asked for. */
export function parseCapacityCommand(argv: readonly string[], defaults: RepositoryDefaults): CapacityCommand | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), options: OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new CapacityOptionError(undefined, undefined, `${(error as Error).message}\n${USAGE}`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help === true) return undefined;

  const environment = (values.env as string | undefined) ?? defaults.environment;
  const env = defaults.environments[environment];
  if (env === undefined) throw new CapacityOptionError('env', environment, `one of ${Object.keys(defaults.environments).join(', ')}`);
  const region = (values.region as string | undefined) ?? 'us-east-1';
  if (!(region in REGION_PRICES)) {
    throw new CapacityOptionError(
      'region',
      region,
      `a region of the price table (scripts/capacity/prices.ts): ${Object.keys(REGION_PRICES).join(', ')}`,
    );
  }
  const load = (values.load as string | undefined) ?? 'unique';
  if (load !== 'unique' && load !== 'post') throw new CapacityOptionError('load', load, 'post or unique');

  const taskCpu = values['task-cpu'] === undefined ? undefined : numberOption(values, 'task-cpu', undefined, { min: 256, integer: true });
  if (taskCpu !== undefined && !(taskCpu in FARGATE_SIZES)) {
    throw new CapacityOptionError(
      'task-cpu',
      String(values['task-cpu']),
      `one of Fargate's CPU sizes: ${Object.keys(FARGATE_SIZES).join(', ')}`,
    );
  }
  const task = (base: TaskSize): TaskSize => {
    const cpu = taskCpu ?? base.cpu;
    const [least, most] = FARGATE_SIZES[cpu];
    const memoryMiB = numberOption(values, 'task-memory', values['task-cpu'] === undefined ? base.memoryMiB : least, {
      min: 512,
      integer: true,
    });
    if (memoryMiB < least || memoryMiB > most) {
      throw new CapacityOptionError('task-memory', String(memoryMiB), `Fargate allows ${least}–${most} MiB with ${cpu} CPU units`);
    }
    const sidecarCpu = numberOption(values, 'sidecar-cpu', base.sidecarCpu, { min: 0, integer: true });
    if (sidecarCpu >= cpu) throw new CapacityOptionError('sidecar-cpu', String(sidecarCpu), `less than the task's ${cpu} CPU units`);
    return { cpu, memoryMiB, sidecarCpu };
  };

  const share = { min: 0, max: 1 };
  const input: CapacityInput = {
    vehicles: numberOption(values, 'vehicles', undefined, { min: 1, integer: true }),
    intervalSeconds: numberOption(values, 'interval', undefined, { min: 0, above: true }),
    eventBytes: numberOption(values, 'event-bytes', defaults.eventBytes, { min: 1, max: 1_048_576, integer: true }),
    anomalyShare: numberOption(values, 'anomaly-share', 0.01, share),
    retryShare: numberOption(values, 'retry-share', 0.01, share),
    targetUtilisation: numberOption(values, 'target-utilisation', 0.6, { min: 0, max: 1, above: true }),
    minTasks: numberOption(values, 'min-tasks', env.minTasks, { min: 1, integer: true }),
    ingestionTask: task(env.ingestionTask),
    processingTask: task(env.processingTask),
    vcpuPerHostCore: numberOption(values, 'vcpu-per-core', 1, { min: 0, above: true, max: 10 }),
    keyTtlSeconds: numberOption(values, 'key-ttl', defaults.keyTtlSeconds, { min: 1, max: 31_536_000, integer: true }),
    bytesPerKey: 100,
    bytesPerVehicle: 500,
    cacheOpsPerEvent: 2,
    cacheOpsPerShard: 100_000,
    cacheReplicas: 1,
    logBytesPerLine: numberOption(values, 'log-bytes', defaults.logBytesPerLine, { min: 1, integer: true }),
    logRetentionDays: env.logRetentionDays,
    wafRules: 2,
    zones: 2,
    connectionLifetimeSeconds: 3600,
    requestHeaderBytes: 2_000,
    responseBytes: 250,
    outageMinutes: numberOption(values, 'outage-minutes', 15, { min: 0 }),
    interfaceEndpoints: 5,
  };
  return {
    input,
    region,
    environment,
    cpuFile: (values['cpu-file'] as string | undefined) ?? defaults.cpuFile,
    load,
    conns: numberOption(values, 'conns', 64, { min: 1, integer: true }),
    json: values.json === true,
    chart: values.chart as string | undefined,
  };
}
