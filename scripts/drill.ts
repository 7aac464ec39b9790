/**
 * `npm run drill`: the chaos test's scenario, longer and configurable. Starts
 * its own redis-server (when `redis-server` is on PATH; TLS and an ACL user),
 * both built services (builds `dist/` first when stale) sharing a retry queue
 * (the embedded queue, or SQS as `local-aws-sqs` emulates it), runs
 * concurrent clients against ingestion while processing answers random 503s
 * and is SIGKILLed and restarted, waits for the retry queue to drain, and
 * prints accepted / parked / processed / dead-lettered / lost / duplicated and
 * the client-observed latency. Exit 0 when nothing was lost, duplicated,
 * dead-lettered or left unacknowledged; 1 otherwise; 2 on a usage error.
 *
 *   npm run drill -- [--events 5000] [--duration S] [--clients 8] [--vehicles 100]
 *                    [--fault-rate 0.2] [--kills 4] [--think-ms 5] [--seed N]
 *                    [--drain-timeout S] [--no-redis] [--queue embedded|sqs]
 */
import { chaosSummaryLine, runChaos, type ChaosReport } from './drill/chaos';
import { probe503Rate } from './drill/client';
import { startPipelineCluster, type PipelineCluster, type QueueBackend } from './drill/cluster';
import { localLauncher } from './launch/pipeline-launcher';
import { formatTable, ms } from './drill/stats';
import { main, UsageError, type OptionValues } from './cli/run-cli';

const USAGE = `usage: npm run drill -- [options]
  --events N         distinct events to send (5000; with --duration: a cap, default none)
  --duration S       send for S seconds instead of a fixed count; kills are spread over them
  --clients N        concurrent clients (8)
  --vehicles N       vehicles the events are spread over (100)
  --fault-rate P     processing's FAULT_503_RATE, 0..1 (0.2)
  --kills N          SIGKILLs of processing at random moments, each followed by a restart (4)
  --downtimes LIST   seconds processing stays down after kill 1, 2, ... (cycling), as ranges: "0.1-1,3-4"
                     (a short outage ingestion's retries ride out, a long one that parks events)
  --think-ms N       pause of each client between events (5)
  --seed N           seed of event order, back-offs and kill moments (random)
  --drain-timeout S  how long to wait for the retry queue to drain (60)
  --no-redis         memory mode even when redis-server is installed (kills must be 0)
  --queue BACKEND    retry queue: embedded (a directory) or sqs (local-aws-sqs, through AWS_ENDPOINT_URL_SQS) (embedded)
  -h, --help         this text`;

interface DrillArgs {
  readonly events: number | undefined;
  readonly durationMs: number | undefined;
  readonly clients: number;
  readonly vehicles: number;
  readonly faultRate: number;
  readonly kills: number;
  readonly killsGiven: boolean;
  readonly thinkMs: number;
  readonly downtimesMs: ReadonlyArray<readonly [number, number]> | undefined;
  readonly seed: number | undefined;
  readonly drainTimeoutMs: number;
  readonly redis: boolean;
  readonly queueBackend: QueueBackend;
}

function number(values: OptionValues<typeof DRILL_OPTIONS>, name: string, min: number, max: number, integer: boolean): number | undefined {
  const raw = values[name as keyof typeof DRILL_OPTIONS];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UsageError(`--${name} ${String(raw)}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** `"0.1-1,3-4"` → `[[100, 1000], [3000, 4000]]` (ms). */
function parseDowntimes(raw: string): Array<[number, number]> {
  return raw.split(',').map((part) => {
    const bounds = part.split('-').map((bound) => Number(bound.trim()));
    const [low, high] = bounds.length === 1 ? [bounds[0], bounds[0]] : bounds;
    if (bounds.length > 2 || !Number.isFinite(low) || !Number.isFinite(high) || low < 0 || high < low || high > 600) {
      throw new UsageError(`--downtimes ${raw}: expected ranges of seconds such as 0.1-1,3-4 (each 0 to 600)`);
    }
    return [low * 1_000, high * 1_000];
  });
}

const option = { type: 'string' } as const;
const DRILL_OPTIONS = {
  events: option,
  duration: option,
  clients: option,
  vehicles: option,
  'fault-rate': option,
  kills: option,
  'think-ms': option,
  downtimes: option,
  seed: option,
  'drain-timeout': option,
  'no-redis': { type: 'boolean' },
  queue: option,
} as const;

function drillArgs(values: OptionValues<typeof DRILL_OPTIONS>): DrillArgs {
  const duration = number(values, 'duration', 1, 3_600, false);
  const queueBackend = values.queue ?? 'embedded';
  if (queueBackend !== 'embedded' && queueBackend !== 'sqs') throw new UsageError(`--queue ${queueBackend}: expected embedded or sqs`);
  const kills = number(values, 'kills', 0, 1_000, true);
  return {
    events: number(values, 'events', 1, 10_000_000, true) ?? (duration === undefined ? 5_000 : undefined),
    durationMs: duration === undefined ? undefined : duration * 1_000,
    clients: number(values, 'clients', 1, 1_000, true) ?? 8,
    vehicles: number(values, 'vehicles', 1, 100_000, true) ?? 100,
    faultRate: number(values, 'fault-rate', 0, 1, false) ?? 0.2,
    kills: kills ?? 4,
    killsGiven: kills !== undefined,
    thinkMs: number(values, 'think-ms', 0, 10_000, false) ?? 5,
    downtimesMs: values.downtimes === undefined ? undefined : parseDowntimes(values.downtimes),
    seed: number(values, 'seed', 0, 2 ** 31 - 1, true),
    drainTimeoutMs: (number(values, 'drain-timeout', 1, 3_600, false) ?? 60) * 1_000,
    redis: values['no-redis'] !== true,
    queueBackend,
  };
}

function drillTable(report: ChaosReport): string {
  const byStatus = Object.entries(report.callsByStatus)
    .sort()
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const kills = report.kills.map((kill) => `${Math.round(kill.progress * 100)} % / ${kill.callsInFlight}`).join(', ');
  return formatTable(
    ['drill', 'value'],
    [
      ['events sent', report.sent],
      ['accepted (200)', report.accepted],
      ['parked (202)', report.parked],
      ['processed (sum of events)', report.processed],
      ['dead-lettered', report.queue.deadLetters],
      ['lost', report.lost],
      ['duplicated', report.duplicated],
      ['unacknowledged', report.unacknowledged],
      ['resent after ack (lost-ack clients)', report.resent],
      ['replayed answers', report.replays],
      ['client calls', `${report.calls} (${byStatus})`],
      [
        'call latency p50 / p99 / max (ms)',
        `${ms(report.callLatency.p50)} / ${ms(report.callLatency.p99)} / ${ms(report.callLatency.max)}`,
      ],
      ['ack latency p50 / p99 / max (ms)', `${ms(report.ackLatency.p50)} / ${ms(report.ackLatency.p99)} / ${ms(report.ackLatency.max)}`],
      ['kills of processing', report.kills.length === 0 ? '0' : `${report.kills.length} (% of the run / client calls in flight: ${kills})`],
      ['send phase / drain (s)', `${(report.sendMs / 1000).toFixed(1)} / ${(report.drainMs / 1000).toFixed(1)}`],
    ],
    'left',
  );
}

async function drill(args: DrillArgs): Promise<number> {
  const launcher = localLauncher;
  let redis = args.redis;
  let kills = args.kills;
  if (redis && !launcher.redisAvailable()) {
    console.error(
      'drill: warning: redis-server is not on PATH (apt-get install redis-server): memory mode, processing keeps its state in memory',
    );
    redis = false;
  }
  if (!redis && kills > 0) {
    if (args.killsGiven) {
      throw new UsageError(
        `--kills ${kills} needs Redis: in memory mode a killed processing loses every applied event. Install redis-server, or pass --kills 0.`,
      );
    }
    console.error("drill: warning: memory mode: a kill would lose processing's state, so kills are off (--kills 0)");
    kills = 0;
  }

  let cluster: PipelineCluster | undefined;
  const interrupt = () => {
    console.error('drill: interrupted; stopping the processes');
    void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const scope =
    args.durationMs === undefined
      ? `${args.events} events`
      : `${args.durationMs / 1000} s${args.events === undefined ? '' : ` (at most ${args.events} events)`}`;
  console.log(
    `drill: ${scope}, ${args.clients} clients, ${args.vehicles} vehicles, FAULT_503_RATE ${args.faultRate}, ${kills} kills of processing, ` +
      `RETRY_MODE=app, ${redis ? 'Redis (TLS, ACL user)' : 'memory mode'}, ${args.queueBackend === 'sqs' ? 'SQS retry queue (local-aws-sqs)' : 'embedded retry queue'}`,
  );
  try {
    cluster = await startPipelineCluster(launcher, { faultRate: args.faultRate, redis, retryMode: 'app', queueBackend: args.queueBackend });
    const direct503Share = await probe503Rate(cluster.processingUrl, `PROBE${Date.now().toString(36)}`, 200);
    console.log(
      `drill: processing answered 503 to ${Math.round(direct503Share * 100)} % of 200 direct calls (FAULT_503_RATE ${args.faultRate})`,
    );
    const report = await runChaos(cluster, {
      events: args.events,
      durationMs: args.durationMs,
      clients: args.clients,
      vehicles: args.vehicles,
      kills,
      thinkTimeMs: args.thinkMs,
      downtimesMs: args.downtimesMs,
      seed: args.seed,
      drainTimeoutMs: args.drainTimeoutMs,
      sendDeadlineMs: (args.durationMs ?? 600_000) + 60_000,
      log: (line) => console.log(`drill: ${line}`),
    });
    console.log('');
    console.log(drillTable(report));
    console.log('');
    console.log(chaosSummaryLine(report, args.faultRate));
    const problems = [
      ...(args.faultRate > 0 && direct503Share === 0
        ? [`FAULT_503_RATE ${args.faultRate} is not in effect: no 503 in 200 direct calls to processing`]
        : []),
      ...(report.lost > 0 ? [`${report.lost} lost`] : []),
      ...(report.duplicated > 0 ? [`${report.duplicated} duplicated`] : []),
      ...(report.queue.deadLetters > 0 ? [`${report.queue.deadLetters} dead-lettered`] : []),
      ...(report.unacknowledged > 0 ? [`${report.unacknowledged} unacknowledged`] : []),
      ...(report.resendsUnacknowledged > 0 ? [`${report.resendsUnacknowledged} resends unacknowledged`] : []),
      ...(report.drained ? [] : [`queue not drained (${report.queue.visible} visible, ${report.queue.inFlight} in flight)`]),
      ...(report.kills.length < kills ? [`only ${report.kills.length} of ${kills} kills happened`] : []),
      ...report.contractViolations.map((violation) => `contract: ${violation}`),
      ...report.unexpectedAnswers.map((answer) => `unexpected answer: ${answer}`),
    ];
    for (const vehicle of report.mismatches.slice(0, 10))
      problems.push(`${vehicle.vehicleId}: acknowledged ${vehicle.acknowledged}, applied ${vehicle.applied}`);
    if (problems.length === 0) {
      console.log('drill: OK — every acknowledged event applied exactly once');
      return 0;
    }
    console.log(`drill: FAILED\n  ${problems.join('\n  ')}`);
    console.log(cluster.outputs(1_500));
    return 1;
  } catch (error) {
    console.error(`drill: ${(error as Error).stack ?? String(error)}`);
    if (cluster !== undefined) console.error(cluster.outputs(1_500));
    return 1;
  } finally {
    await cluster?.stop().catch((error: unknown) => console.error(`drill: stopping: ${String(error)}`));
  }
}

main({ name: 'drill', usage: USAGE, options: DRILL_OPTIONS, run: ({ values }) => drill(drillArgs(values)) });
