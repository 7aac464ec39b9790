/**
 * The pipeline as real processes on loopback, for the chaos test, the drill
 * and the retry-latency bench: a redis-server (when wanted; TLS and an ACL
 * user, as in AWS), data-processing and data-ingestion (the built services)
 * sharing a retry queue: the embedded queue in a temporary directory, or SQS
 * as `local-aws-sqs` emulates it. Processing can be killed with SIGKILL and
 * restarted on the same port with the same environment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETRY_QUEUE_SETTINGS } from '../../contract/retry-queue';
import { EmbeddedRetryQueue } from '../../apps/resilience/retry-queue/embedded-retry-queue';
import type { LaunchedRedis, LaunchedService, LaunchedSqs, PipelineLauncher } from '../launch/pipeline-launcher';

/** Where the services park and drain events. */
export type QueueBackend = 'embedded' | 'sqs';

/** Options of {@link startPipelineCluster}. */
export interface PipelineClusterOptions {
  /** `FAULT_503_RATE` of processing (0..1). @default 0 */
  readonly faultRate?: number;
  /** Start a redis-server and give both services `REDIS_URL`. @default true */
  readonly redis?: boolean;
  /** The retry queue: the embedded queue (`RETRY_QUEUE_DIR`) or SQS on `local-aws-sqs` (`RETRY_QUEUE_URL`, `AWS_ENDPOINT_URL_SQS`). @default 'embedded' */
  readonly queueBackend?: QueueBackend;
  /** `RETRY_MODE` of ingestion. @default 'app' */
  readonly retryMode?: 'app' | 'mesh' | 'off';
  /** Queue overrides for processing, in whole seconds (they drain fast in tests). @default visibility 2, back-off base 1, max 2 */
  readonly queue?: { readonly visibilityTimeoutSeconds: number; readonly backoffBaseSeconds: number; readonly backoffMaxSeconds: number };
  /** `LOG_LEVEL` of both services. @default 'warn' (one line per request costs CPU on a shared machine) */
  readonly logLevel?: string;
  /** More environment for both services. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Messages of the retry queue, by state. */
export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly deadLetters: number;
}

/** A running pipeline; see {@link startPipelineCluster}. */
export interface PipelineCluster {
  readonly ingestionUrl: string;
  readonly processingUrl: string;
  /** Undefined in memory mode. */
  readonly redisUrl: string | undefined;
  /** The retry queue the services share. */
  readonly queueBackend: QueueBackend;
  /** Environment of processing (and, with `DATA_PROCESSING_URL` and `RETRY_MODE`, of ingestion). */
  readonly processingEnv: Readonly<Record<string, string>>;
  /** Whether processing is up (not between a kill and its restart). */
  processingRunning(): boolean;
  /** SIGKILL processing and wait until it has exited. */
  killProcessing(): Promise<void>;
  /** Start processing again on the same port with the same environment; resolves once it answers its health check. */
  restartProcessing(): Promise<void>;
  /** The retry queue's messages by state. */
  queueDepth(): Promise<QueueDepth>;
  /** Waits until the retry queue holds no message besides dead-letters; false when `timeoutMs` passed first. */
  waitForDrain(timeoutMs: number): Promise<boolean>;
  /** `events` of `GET /vehicles/:id` at processing; 0 for a 404. */
  vehicleEvents(vehicleId: string): Promise<number>;
  /** The last `maxChars` of every process's output, labelled (for failure messages). */
  outputs(maxChars?: number): string;
  /** Stops everything this cluster started (also after a failure; harmless twice) and removes the queue directory. */
  stop(): Promise<void>;
}

const DEFAULT_QUEUE = { visibilityTimeoutSeconds: 2, backoffBaseSeconds: 1, backoffMaxSeconds: 2 } as const;

/** Starts redis (optional), processing, then ingestion; on a failure to start, stops what did start and rethrows. */
export async function startPipelineCluster(launcher: PipelineLauncher, options: PipelineClusterOptions = {}): Promise<PipelineCluster> {
  launcher.ensureBuilt();
  const queueBackend = options.queueBackend ?? 'embedded';
  const queueDir = mkdtempSync(join(tmpdir(), 'pipeline-queue-'));
  const queueSettings = options.queue ?? DEFAULT_QUEUE;
  let redis: LaunchedRedis | undefined;
  let sqs: LaunchedSqs | undefined;
  let processing: LaunchedService | undefined;
  let ingestion: LaunchedService | undefined;
  let processingUp = false;
  const retired: Array<{ label: string; service: LaunchedService }> = [];
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    for (const step of [() => ingestion?.stop(), () => processing?.stop(), () => redis?.stop(), () => sqs?.stop()]) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    rmSync(queueDir, { recursive: true, force: true });
    if (errors.length > 0) throw errors[0];
  };

  try {
    if (options.redis !== false) redis = await launcher.startRedisServer();
    if (queueBackend === 'sqs') sqs = await launcher.startLocalSqs();
    const common: Record<string, string> = {
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...(sqs === undefined ? { RETRY_QUEUE_DIR: queueDir } : sqs.env()),
      ...(redis === undefined ? {} : redis.serviceEnv()),
      ...options.env,
    };
    const processingEnv: Record<string, string> = {
      ...common,
      FAULT_503_RATE: String(options.faultRate ?? 0),
      ...((options.faultRate ?? 0) > 0 ? { FAULT_INJECTION: 'enabled' } : {}),
      RETRY_QUEUE_VISIBILITY_TIMEOUT_SECONDS: String(queueSettings.visibilityTimeoutSeconds),
      RETRY_QUEUE_BACKOFF_BASE_SECONDS: String(queueSettings.backoffBaseSeconds),
      RETRY_QUEUE_BACKOFF_MAX_SECONDS: String(queueSettings.backoffMaxSeconds),
      // local-aws-sqs answers a long poll only when the batch is full or the wait is over: keep the wait short of the visibility timeout.
      ...(sqs === undefined ? {} : { RETRY_QUEUE_RECEIVE_WAIT_SECONDS: '1' }),
    };
    processing = await launcher.startService('processing', processingEnv);
    processingUp = true;
    const processingPort = processing.port;
    ingestion = await launcher.startService('ingestion', {
      ...common,
      DATA_PROCESSING_URL: `${processing.url}/ev`,
      RETRY_MODE: options.retryMode ?? 'app',
    });
    const embedded =
      sqs === undefined ? await EmbeddedRetryQueue.open(queueDir, { maxReceiveCount: RETRY_QUEUE_SETTINGS.maxReceiveCount }) : undefined;
    const queueDepth = async (): Promise<QueueDepth> => {
      if (embedded !== undefined) return embedded.depth();
      const [retry, deadLetters] = await Promise.all([sqs!.depth('retry'), sqs!.depth('dead-letter')]);
      return { visible: retry.visible, inFlight: retry.inFlight, deadLetters: deadLetters.visible + deadLetters.inFlight };
    };
    const cluster: PipelineCluster = {
      ingestionUrl: ingestion.url,
      processingUrl: processing.url,
      redisUrl: redis?.url,
      queueBackend,
      processingEnv,
      processingRunning: () => processingUp,
      async killProcessing() {
        const victim = processing;
        if (victim === undefined || !processingUp) throw new Error('processing is not running');
        processingUp = false;
        victim.signal('SIGKILL');
        await victim.exited();
        retired.push({ label: `processing #${retired.length + 1} (killed, pid ${victim.pid})`, service: victim });
      },
      async restartProcessing() {
        if (processingUp) throw new Error('processing is already running');
        processing = await launcher.startService('processing', processingEnv, processingPort);
        processingUp = true;
      },
      queueDepth,
      async waitForDrain(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const depth = await queueDepth();
          if (depth.visible + depth.inFlight === 0) return true;
          if (Date.now() >= deadline) return false;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      async vehicleEvents(vehicleId) {
        if (!processingUp || processing === undefined) throw new Error('processing is not running');
        const response = await fetch(`${processing.url}/vehicles/${encodeURIComponent(vehicleId)}`);
        if (response.status === 404) return 0;
        const body = (await response.json()) as { events?: unknown };
        if (response.status !== 200 || typeof body.events !== 'number') {
          throw new Error(`GET /vehicles/${vehicleId} answered ${response.status} ${JSON.stringify(body)}`);
        }
        return body.events;
      },
      outputs(maxChars = 4_000) {
        const all = [
          ...retired,
          ...(processing !== undefined && processingUp
            ? [{ label: `processing (running, pid ${processing.pid})`, service: processing }]
            : []),
          ...(ingestion !== undefined ? [{ label: `ingestion (pid ${ingestion.pid})`, service: ingestion }] : []),
        ];
        return all.map(({ label, service }) => `--- ${label} ---\n${service.output().slice(-maxChars)}`).join('\n');
      },
      stop,
    };
    return cluster;
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
