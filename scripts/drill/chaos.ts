/**
 * The chaos scenario (no event lost or applied twice while processing fails and restarts), shared by `__tests__/chaos/` and
 * `npm run drill`: several concurrent clients send distinct events to
 * ingestion, each retrying an event on a 503 or a connection error with the
 * same idempotency key until it is acknowledged (200 or 202); processing
 * answers random transient 503s (`FAULT_503_RATE`, set on the cluster) and is
 * killed with SIGKILL at random moments and restarted. Afterwards the retry
 * queue is drained and every vehicle's `events` at processing is compared
 * with the events acknowledged for it.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { PipelineCluster, QueueDepth } from './cluster';
import { drillEvent, postEvent, sleep, type DrillEvent } from './client';
import { percentile, seededRandom } from './stats';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** Distinct events to send; with {@link durationMs} a cap (default: none). @default 500 */
  readonly events?: number;
  /** Send new events for this long instead of a fixed count; kills are then spread over this time. */
  readonly durationMs?: number;
  /** Concurrent clients. @default 8 */
  readonly clients?: number;
  /** Vehicles the events are spread over. @default 40 */
  readonly vehicles?: number;
  /** SIGKILLs of processing, at random moments of the run. @default 2 */
  readonly kills?: number;
  /**
   * How long processing stays down before its restart: kill k draws uniformly from range k (ms), cycling
   * through the list. The default alternates a short outage, which ingestion's in-process retries
   * (about 1.3 s of back-off on average, 2.5 s at most) ride out, and a long one, which exhausts them and
   * opens the circuit breaker, so events are parked (202) and drained later.
   * @default [[100, 1000], [3000, 4000]]
   */
  readonly downtimesMs?: ReadonlyArray<readonly [number, number]>;
  /** Pause of each client between two events (ms), so the run lasts long enough for the kills. @default 0 */
  readonly thinkTimeMs?: number;
  /**
   * Share of acknowledged events a client sends once more, same key and body, as a client does whose
   * acknowledgement was lost (a timeout after processing applied the event). @default 0.05
   */
  readonly resendShare?: number;
  /** Calls per event before the client gives up (the event stays unacknowledged). @default 20 */
  readonly clientMaxAttempts?: number;
  /** No new event and no client retry after this (ms from the start). @default 120 000 */
  readonly sendDeadlineMs?: number;
  /** How long to wait for the retry queue to drain (ms). @default 30 000 */
  readonly drainTimeoutMs?: number;
  /** Seed of the event order, back-offs and kill moments. @default random */
  readonly seed?: number;
  /** Progress lines (kills, restarts, drain). */
  readonly log?: (line: string) => void;
}

/** One kill of processing. */
export interface KillRecord {
  /** When, ms from the start. */
  readonly atMs: number;
  /** Fraction of the run done then (0..1). */
  readonly progress: number;
  /** Client calls waiting for an answer from ingestion at that moment. */
  readonly callsInFlight: number;
  /** Time processing was down before its restart began (ms). */
  readonly downMs: number;
  /** Time the restart took until the health check answered (ms). */
  readonly restartMs: number;
}

/** A vehicle whose applied count differs from its acknowledged events. */
export interface VehicleMismatch {
  readonly vehicleId: string;
  readonly acknowledged: number;
  readonly applied: number;
}

/** What {@link runChaos} observed. */
export interface ChaosReport {
  readonly seed: number;
  /** Distinct events sent at least once. */
  readonly sent: number;
  /** HTTP calls made (first tries and client retries). */
  readonly calls: number;
  /** Calls by answer status (`conn-error` for no answer). */
  readonly callsByStatus: Readonly<Record<string, number>>;
  /** Events acknowledged with 200 (processed). */
  readonly accepted: number;
  /** Events acknowledged with 202 (parked in the retry queue). */
  readonly parked: number;
  /** Events never acknowledged: the client gave up, or ingestion answered a status other than 200/202/503. */
  readonly unacknowledged: number;
  /** Answers marked `idempotent-replayed: true`. */
  readonly replays: number;
  /** Acknowledged events sent once more (see {@link ChaosOptions.resendShare}). */
  readonly resent: number;
  /** Of those, resends the client gave up on. */
  readonly resendsUnacknowledged: number;
  /** Answers whose body broke the contract (a 200 not `processed`, a 202 without this event's key), at most 10. */
  readonly contractViolations: readonly string[];
  /** Answers other than 200/202/503, at most 10 (status and body). */
  readonly unexpectedAnswers: readonly string[];
  readonly kills: readonly KillRecord[];
  /** Whether the queue drained (no message left besides dead-letters) within the drain timeout. */
  readonly drained: boolean;
  readonly drainMs: number;
  /** The queue after the drain wait. */
  readonly queue: QueueDepth;
  /** Vehicles events were sent for. */
  readonly vehicles: number;
  /** Sum of `events` of `GET /vehicles/:id` over those vehicles. */
  readonly processed: number;
  /** Acknowledged events minus applied ones, summed over vehicles where positive. */
  readonly lost: number;
  /** Applied events minus acknowledged ones, summed over vehicles where positive. */
  readonly duplicated: number;
  /** Every vehicle whose counts differ. */
  readonly mismatches: readonly VehicleMismatch[];
  /** Latency of single calls (ms). */
  readonly callLatency: { readonly p50: number; readonly p99: number; readonly max: number };
  /** From an event's first call to its acknowledgement (ms). */
  readonly ackLatency: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Duration of the send phase (ms). */
  readonly sendMs: number;
}

const MAX_SAMPLES = 10;

const DEFAULT_DOWNTIMES_MS: ReadonlyArray<readonly [number, number]> = [
  [100, 1_000],
  [3_000, 4_000],
];

/** Runs the scenario against a started cluster; the cluster stays up (the caller stops it). */
export async function runChaos(cluster: PipelineCluster, options: ChaosOptions = {}): Promise<ChaosReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const clients = options.clients ?? 8;
  const vehicles = options.vehicles ?? 40;
  const eventCap = options.events ?? (options.durationMs === undefined ? 500 : Number.POSITIVE_INFINITY);
  const killsWanted = options.kills ?? 2;
  const downtimes = options.downtimesMs ?? DEFAULT_DOWNTIMES_MS;
  const maxAttempts = options.clientMaxAttempts ?? 20;
  const resendShare = options.resendShare ?? 0.05;
  const sendDeadline = options.sendDeadlineMs ?? 120_000;
  const log = options.log ?? (() => undefined);
  const runId = `DRILL${seed.toString(36).toUpperCase()}`;

  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let nextIndex = 0;
  let finishedEvents = 0;
  let sendingDone = false;
  const progress = () =>
    Math.max(
      Number.isFinite(eventCap) ? finishedEvents / eventCap : 0,
      options.durationMs === undefined ? 0 : elapsed() / options.durationMs,
    );
  const stopTakingEvents = () =>
    nextIndex >= eventCap || elapsed() >= sendDeadline || (options.durationMs !== undefined && elapsed() >= options.durationMs);

  const callsByStatus: Record<string, number> = {};
  const callLatencies: number[] = [];
  const ackLatencies: number[] = [];
  const acknowledgedByVehicle = new Map<string, number>();
  const sentVehicles = new Set<string>();
  const contractViolations: string[] = [];
  const unexpectedAnswers: string[] = [];
  let sent = 0;
  let accepted = 0;
  let parked = 0;
  let unacknowledged = 0;
  let replays = 0;
  let resent = 0;
  let resendsUnacknowledged = 0;
  let callsInFlight = 0;

  const pool = new Pool(cluster.ingestionUrl, { connections: clients });

  /**
   * Sends one event until it is acknowledged, like a real client: retry on 503 or no answer, with back-off.
   * The acknowledging status, or undefined when the client gave up.
   */
  const sendUntilAcknowledged = async (event: DrillEvent): Promise<200 | 202 | undefined> => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      callsInFlight += 1;
      const outcome = await postEvent(pool, event);
      callsInFlight -= 1;
      callLatencies.push(outcome.latencyMs);
      const label = outcome.kind === 'answer' ? String(outcome.status) : 'conn-error';
      callsByStatus[label] = (callsByStatus[label] ?? 0) + 1;
      if (outcome.kind === 'answer' && (outcome.status === 200 || outcome.status === 202)) {
        const violation = contractViolation(outcome.status, outcome.body, event);
        if (violation !== undefined && contractViolations.length < MAX_SAMPLES) contractViolations.push(violation);
        if (outcome.replayed) replays += 1;
        return outcome.status;
      }
      if (outcome.kind === 'answer' && outcome.status !== 503) {
        if (unexpectedAnswers.length < MAX_SAMPLES)
          unexpectedAnswers.push(`${event.idempotencyKey}: ${outcome.status} ${outcome.body.slice(0, 300)}`);
        return undefined;
      }
      if (elapsed() >= sendDeadline) return undefined;
      await sleep(random() * Math.min(1_000, 50 * 2 ** attempt));
    }
    return undefined;
  };

  /** One distinct event: sent until acknowledged, then (sometimes) sent again as if the acknowledgement had been lost. */
  const deliver = async (event: DrillEvent): Promise<void> => {
    sent += 1;
    sentVehicles.add(event.vehicleId);
    const first = performance.now();
    const status = await sendUntilAcknowledged(event);
    if (status === undefined) {
      unacknowledged += 1;
      return;
    }
    ackLatencies.push(performance.now() - first);
    if (status === 200) accepted += 1;
    else parked += 1;
    acknowledgedByVehicle.set(event.vehicleId, (acknowledgedByVehicle.get(event.vehicleId) ?? 0) + 1);
    if (random() < resendShare) {
      resent += 1;
      // Already acknowledged: whatever the resend gets, the event counts once.
      if ((await sendUntilAcknowledged(event)) === undefined) resendsUnacknowledged += 1;
    }
  };

  const client = async (): Promise<void> => {
    while (!stopTakingEvents()) {
      const event = drillEvent(runId, nextIndex, vehicles);
      nextIndex += 1;
      await deliver(event);
      finishedEvents += 1;
      if (options.thinkTimeMs !== undefined && options.thinkTimeMs > 0) await sleep(options.thinkTimeMs);
    }
  };

  const kills: KillRecord[] = [];
  const monkey = async (): Promise<void> => {
    for (let k = 1; k <= killsWanted; k++) {
      // Kill k lands at a random point of its own slice of the run, so the kills are spread out.
      const target = (k - 0.5 + random()) / (killsWanted + 1);
      while (!sendingDone && progress() < target) await sleep(10);
      // Then strike while a call is on its way (clients may all be pausing between events), waiting at most 2 s.
      const strikeBy = elapsed() + 2_000;
      while (!sendingDone && callsInFlight === 0 && elapsed() < strikeBy) await sleep(1);
      if (sendingDone) return;
      const atMs = elapsed();
      const at = progress();
      const inFlight = callsInFlight;
      await cluster.killProcessing();
      const [downMin, downMax] = downtimes[(k - 1) % downtimes.length];
      const downMs = downMin + random() * (downMax - downMin);
      log(
        `kill ${k}: processing SIGKILLed at ${(atMs / 1000).toFixed(1)} s (${Math.round(at * 100)} % of the run), ${inFlight} client calls in flight, down ${Math.round(downMs)} ms`,
      );
      await sleep(downMs);
      const restartStarted = performance.now();
      await cluster.restartProcessing();
      kills.push({ atMs, progress: at, callsInFlight: inFlight, downMs, restartMs: performance.now() - restartStarted });
      log(`kill ${k}: processing restarted in ${Math.round(performance.now() - restartStarted)} ms`);
    }
  };

  const monkeyDone = monkey();
  try {
    await Promise.all(Array.from({ length: clients }, () => client()));
  } finally {
    sendingDone = true;
    await monkeyDone.catch((error: unknown) => log(`kill loop failed: ${String(error)}`));
    await pool.close();
  }
  const sendMs = elapsed();
  if (!cluster.processingRunning()) await cluster.restartProcessing();
  log(`sent ${sent} events in ${(sendMs / 1000).toFixed(1)} s; waiting for the retry queue to drain`);

  const drainStarted = performance.now();
  const drained = await cluster.waitForDrain(options.drainTimeoutMs ?? 30_000);
  const drainMs = performance.now() - drainStarted;
  const queue = await cluster.queueDepth();

  let processed = 0;
  let lost = 0;
  let duplicated = 0;
  const mismatches: VehicleMismatch[] = [];
  for (const vehicleId of [...sentVehicles].sort()) {
    const acknowledged = acknowledgedByVehicle.get(vehicleId) ?? 0;
    const applied = await cluster.vehicleEvents(vehicleId);
    processed += applied;
    if (applied < acknowledged) lost += acknowledged - applied;
    if (applied > acknowledged) duplicated += applied - acknowledged;
    if (applied !== acknowledged) mismatches.push({ vehicleId, acknowledged, applied });
  }

  const summary = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99), max: percentile(values, 100) });
  return {
    seed,
    sent,
    calls: callLatencies.length,
    callsByStatus,
    accepted,
    parked,
    unacknowledged,
    replays,
    resent,
    resendsUnacknowledged,
    contractViolations,
    unexpectedAnswers,
    kills,
    drained,
    drainMs,
    queue,
    vehicles: sentVehicles.size,
    processed,
    lost,
    duplicated,
    mismatches,
    callLatency: summary(callLatencies),
    ackLatency: summary(ackLatencies),
    sendMs,
  };
}

/** Checks an acknowledgement's body against the contract; a description of the problem, or undefined. */
function contractViolation(status: number, body: string, event: DrillEvent): string | undefined {
  let parsed: { status?: unknown; idempotencyKey?: unknown; anomalies?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `${event.idempotencyKey}: ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
  }
  if (status === 200 && (parsed.status !== 'processed' || !Array.isArray(parsed.anomalies))) {
    return `${event.idempotencyKey}: 200 without {"status":"processed","anomalies":[...]}: ${body.slice(0, 200)}`;
  }
  if (status === 202 && (parsed.status !== 'queued' || parsed.idempotencyKey !== event.idempotencyKey)) {
    return `${event.idempotencyKey}: 202 without {"status":"queued","idempotencyKey":"${event.idempotencyKey}"}: ${body.slice(0, 200)}`;
  }
  return undefined;
}

/** The one-line summary the test and the drill print. */
export function chaosSummaryLine(report: ChaosReport, faultRate: number): string {
  const calls = Object.entries(report.callsByStatus)
    .sort()
    .map(([status, count]) => `${status}:${count}`)
    .join(' ');
  return (
    `chaos seed=${report.seed} fault=${faultRate} sent=${report.sent} acked=${report.accepted + report.parked} (200:${report.accepted} 202:${report.parked}) ` +
    `unacked=${report.unacknowledged} resent=${report.resent} replays=${report.replays} calls=${report.calls} [${calls}] kills=${report.kills.length} ` +
    `processed=${report.processed} lost=${report.lost} duplicated=${report.duplicated} dead-letters=${report.queue.deadLetters} ` +
    `drained=${report.drained} in ${(report.drainMs / 1000).toFixed(1)} s, send ${(report.sendMs / 1000).toFixed(1)} s`
  );
}
