/**
 * The OpenTelemetry settings the services read from the environment, under
 * the standard `OTEL_*` names. Tracing is on only when an OTLP endpoint is
 * set (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`)
 * and not turned off by `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 * Invalid values stop the start with an error naming the variable, where the
 * SDK would fall back silently.
 *
 * The exporter itself also reads `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_EXPORTER_OTLP_TIMEOUT` and `OTEL_EXPORTER_OTLP_COMPRESSION`; the
 * resource reads `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`.
 */
import { EnvError, readChoice, readInteger, readNumber, type Env } from '../service-kit/env';
import { EnvVar } from '../../contract/environment-variables';

/** Values of `OTEL_TRACES_SAMPLER` the services support (the specification's built-in samplers). */
export enum TraceSampler {
  ALWAYS_ON = 'always_on',
  ALWAYS_OFF = 'always_off',
  TRACE_ID_RATIO = 'traceidratio',
  PARENT_BASED_ALWAYS_ON = 'parentbased_always_on',
  PARENT_BASED_ALWAYS_OFF = 'parentbased_always_off',
  PARENT_BASED_TRACE_ID_RATIO = 'parentbased_traceidratio',
}

/** How finished spans are batched before export (the SDK's batch span processor). */
export interface SpanBatchSettings {
  /** `OTEL_BSP_SCHEDULE_DELAY`: longest wait before a batch is exported, in ms. @default 5000 */
  readonly scheduleDelayMs: number;
  /** `OTEL_BSP_MAX_QUEUE_SIZE`: spans held at most; more are dropped (the memory bound). @default 2048 */
  readonly maxQueueSize: number;
  /** `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`: spans per export request, at most `maxQueueSize`. @default 512 */
  readonly maxExportBatchSize: number;
  /** `OTEL_BSP_EXPORT_TIMEOUT`: longest an export may take, in ms. @default 30000 */
  readonly exportTimeoutMs: number;
}

/** Tracing settings. */
export interface TracingSettings {
  /**
   * Where spans are sent (OTLP/HTTP, JSON): `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. Undefined: tracing is off (no SDK loaded).
   * @default undefined
   */
  readonly tracesUrl: URL | undefined;
  /** `OTEL_TRACES_SAMPLER`. @default parentbased_always_on (follows the caller's, e.g. Envoy's, sampling decision) */
  readonly sampler: TraceSampler;
  /** `OTEL_TRACES_SAMPLER_ARG`: sampled share of new traces for the ratio samplers, 0..1. @default 1 */
  readonly samplerRatio: number;
  /** `OTEL_BSP_*`. */
  readonly batch: SpanBatchSettings;
}

/** OTLP's path of the traces signal, appended to `OTEL_EXPORTER_OTLP_ENDPOINT`. */
const TRACES_PATH = 'v1/traces';

function readEndpoint(env: Env, name: string): URL | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EnvError(name, value, 'an absolute URL such as http://127.0.0.1:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EnvError(name, value, 'an http:// or https:// URL');
  return url;
}

/** The traces URL the settings name, or undefined when none is set. */
function readTracesUrl(env: Env): URL | undefined {
  const specific = readEndpoint(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = readEndpoint(env, EnvVar.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (specific !== undefined) return specific;
  if (base === undefined) return undefined;
  return new URL(base.pathname.endsWith('/') ? TRACES_PATH : `${base.pathname}/${TRACES_PATH}`, base);
}

/** `true` or `false` in any case; false when unset. */
function readBoolean(env: Env, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new EnvError(name, String(env[name]).trim(), 'true or false');
}

/** Whether tracing is turned off although an endpoint may be set. */
function readTracingDisabled(env: Env): boolean {
  const disabled = readBoolean(env, 'OTEL_SDK_DISABLED');
  const exporter = readChoice(env, 'OTEL_TRACES_EXPORTER', 'otlp', ['otlp', 'none']);
  // Only OTLP over HTTP with JSON bodies is built in (@opentelemetry/exporter-trace-otlp-http).
  readChoice(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/json', ['http/json']);
  readChoice(env, 'OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json', ['http/json']);
  return disabled || exporter === 'none';
}

function readBatchSettings(env: Env): SpanBatchSettings {
  const maxQueueSize = readInteger(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1, 1_000_000);
  return {
    scheduleDelayMs: readInteger(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000, 0, 3_600_000),
    maxQueueSize,
    maxExportBatchSize: readInteger(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', Math.min(512, maxQueueSize), 1, maxQueueSize),
    exportTimeoutMs: readInteger(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000, 1, 3_600_000),
  };
}

/** Reads {@link TracingSettings}; throws {@link EnvError} naming the variable on an invalid value. */
export function readTracingSettings(env: Env): TracingSettings {
  const tracesUrl = readTracesUrl(env);
  const samplerRatio = readNumber(env, 'OTEL_TRACES_SAMPLER_ARG', 1);
  if (samplerRatio < 0 || samplerRatio > 1)
    throw new EnvError('OTEL_TRACES_SAMPLER_ARG', String(env.OTEL_TRACES_SAMPLER_ARG).trim(), 'a number from 0 to 1');
  return {
    tracesUrl: readTracingDisabled(env) ? undefined : tracesUrl,
    sampler: readChoice(env, 'OTEL_TRACES_SAMPLER', TraceSampler.PARENT_BASED_ALWAYS_ON, Object.values(TraceSampler)),
    samplerRatio,
    batch: readBatchSettings(env),
  };
}
