/**
 * `npm run bench:retries`: the latency cost of in-process retries. For each
 * fault rate (processing's `FAULT_503_RATE`), starts the pipeline fresh
 * (redis-server when installed, both built services, `RETRY_MODE=app`, no
 * kills), runs a closed loop of distinct events against ingestion on loopback
 * and prints p50 / p90 / p99 / max latency and requests per second, as medians
 * of interleaved rounds.
 *
 *   npm run bench:retries -- [--rates 0,0.1,0.3] [--modes app] [--rounds 3] [--concurrency 2]
 *                            [--duration 4] [--warmup 1] [--no-redis]
 */
import { parseArgs } from 'node:util';
import { probe503Rate } from '../drill/client';
import { startPipelineCluster } from '../drill/cluster';
import { localLauncher } from '../launch/pipeline-launcher';
import { measureLatency, type LatencyResult } from '../drill/latency';
import { formatTable, ms, percentile } from '../drill/stats';

const USAGE = `Usage: npm run bench:retries -- [options]
  --rates 0,0.1,0.3   FAULT_503_RATE values, one fresh pipeline each
  --modes app         RETRY_MODE values to compare (app, off)
  --rounds N          interleaved rounds; the table gives medians (3)
  --concurrency N     calls in flight (2: on a small machine more measures CPU queueing, not retries)
  --duration S        measured seconds per case and round (4)
  --warmup S          unmeasured seconds before each row (1)
  --no-redis          processing and the breaker in memory even when redis-server is installed`;

type Mode = 'app' | 'off';

function list(raw: string, name: string): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value) || value < 0 || value > 1))
    throw new Error(`--${name} ${raw}: expected numbers from 0 to 1, comma-separated`);
  return values;
}

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 3_600) throw new Error(`--${name} ${raw}: expected a positive number`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  let rates: number[];
  let modes: Mode[];
  let concurrency: number;
  let rounds: number;
  let durationMs: number;
  let warmupMs: number;
  let redis: boolean;
  try {
    const option = { type: 'string' } as const;
    const { values } = parseArgs({
      args: argv,
      options: {
        rates: option,
        modes: option,
        rounds: option,
        concurrency: option,
        duration: option,
        warmup: option,
        'no-redis': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help === true) {
      console.log(USAGE);
      return 0;
    }
    rates = list(values.rates ?? '0,0.1,0.3', 'rates');
    modes = (values.modes ?? 'app').split(',').map((mode) => {
      if (mode !== 'app' && mode !== 'off') throw new Error(`--modes ${values.modes}: expected app and/or off`);
      return mode;
    });
    concurrency = Math.round(positive(values.concurrency, 'concurrency', 2));
    rounds = Math.round(positive(values.rounds, 'rounds', 3));
    durationMs = positive(values.duration, 'duration', 4) * 1_000;
    warmupMs = positive(values.warmup, 'warmup', 1) * 1_000;
    redis = values['no-redis'] !== true;
  } catch (error) {
    console.error(`bench:retries: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  const launcher = localLauncher;
  if (redis && !launcher.redisAvailable()) {
    console.error('bench:retries: warning: redis-server is not on PATH: memory mode');
    redis = false;
  }
  console.log(
    `bench:retries: closed loop, ${concurrency} in flight, ${durationMs / 1000} s measured after ${warmupMs / 1000} s warm-up, ${rounds} interleaved rounds, ` +
      `distinct events, ${redis ? 'Redis' : 'memory mode'}, loopback, no kills`,
  );
  // Rounds interleave the cases in a rotated order, so that the drifts of a shared machine hit all alike; the table gives medians.
  const cases = modes.flatMap((mode) => rates.map((rate) => ({ mode, rate })));
  const runs = cases.map(() => ({ direct: [] as number[], results: [] as LatencyResult[] }));
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < cases.length; step++) {
      const index = (step + round) % cases.length;
      const { mode, rate } = cases[index];
      const cluster = await startPipelineCluster(launcher, { faultRate: rate, redis, retryMode: mode });
      try {
        const direct = await probe503Rate(cluster.processingUrl, `PROBE-${mode}-${rate}-${round}`, 200);
        const result = await measureLatency(cluster, { concurrency, durationMs, warmupMs, runId: `BENCH-${mode}-${rate}-${round}` });
        runs[index].direct.push(direct);
        runs[index].results.push(result);
        console.log(
          `bench:retries: round ${round + 1}/${rounds} RETRY_MODE=${mode} FAULT_503_RATE=${rate}: direct 503 ${Math.round(direct * 100)} %, ` +
            `${result.calls} calls, ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms`,
        );
        if (rate > 0 && direct === 0)
          console.error(`bench:retries: warning: FAULT_503_RATE ${rate} is not in effect (no 503 in 200 direct calls to processing)`);
      } finally {
        await cluster.stop();
      }
    }
  }
  const rows = cases.map(({ mode, rate }, index) => {
    const { direct, results } = runs[index];
    const median = (pick: (result: LatencyResult) => number) => percentile(results.map(pick), 50);
    const total = (status: string) => results.reduce((sum, result) => sum + (result.byStatus[status] ?? 0), 0);
    const others = [...new Set(results.flatMap((result) => Object.keys(result.byStatus)))]
      .filter((status) => !['200', '202', '503'].includes(status))
      .map((status) => `${status}:${total(status)}`)
      .join(' ');
    const p99s = results.map((result) => result.p99);
    return [
      mode,
      rate,
      `${Math.round((direct.reduce((a, b) => a + b, 0) / direct.length) * 100)} %`,
      results.reduce((sum, result) => sum + result.calls, 0),
      median((result) => result.requestsPerSecond).toFixed(0),
      ms(median((result) => result.p50)),
      ms(median((result) => result.p90)),
      ms(median((result) => result.p99)),
      `${ms(Math.min(...p99s))}–${ms(Math.max(...p99s))}`,
      ms(Math.max(...results.map((result) => result.max))),
      total('200'),
      total('202'),
      total('503'),
      others === '' ? '-' : others,
    ];
  });
  console.log('');
  console.log(`medians of ${rounds} rounds (calls and statuses: totals; max: the largest)`);
  console.log(
    formatTable(
      [
        'RETRY_MODE',
        'FAULT_503_RATE',
        'direct 503',
        'calls',
        'req/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'p99 range',
        'max ms',
        '200',
        '202',
        '503',
        'other',
      ],
      rows,
    ),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench:retries: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
