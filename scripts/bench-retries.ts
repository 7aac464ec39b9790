/**
 * `npm run bench:retries`: the latency cost of in-process retries. For each
 * fault rate (processing's `FAULT_503_RATE`), starts the pipeline fresh
 * (redis-server when installed, both built services, `RETRY_MODE=app`, no
 * kills), runs a closed loop of distinct events against ingestion on loopback
 * and prints p50 / p90 / p99 / max latency and requests per second.
 *
 *   npm run bench:retries -- [--rates 0,0.1,0.3] [--modes app] [--concurrency 8]
 *                            [--duration 5] [--warmup 1] [--no-redis]
 */
import { parseArgs } from 'node:util';
import { probe503Rate } from './drill/client';
import { startPipelineCluster } from './drill/cluster';
import { loadTestLauncher } from './drill/launcher';
import { measureLatency, type LatencyResult } from './drill/latency';
import { formatTable, ms } from './drill/stats';

const USAGE = `Usage: npm run bench:retries -- [options]
  --rates 0,0.1,0.3   FAULT_503_RATE values, one fresh pipeline each
  --modes app         RETRY_MODE values to compare (app, off)
  --concurrency N     calls in flight (8)
  --duration S        measured seconds per row (5)
  --warmup S          unmeasured seconds before each row (1)
  --no-redis          processing and the breaker in memory even when redis-server is installed`;

type Mode = 'app' | 'off';

function list(raw: string, name: string): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value) || value < 0 || value > 1)) throw new Error(`--${name} ${raw}: expected numbers from 0 to 1, comma-separated`);
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
  let durationMs: number;
  let warmupMs: number;
  let redis: boolean;
  try {
    const option = { type: 'string' } as const;
    const { values } = parseArgs({
      args: argv,
      options: { rates: option, modes: option, concurrency: option, duration: option, warmup: option, 'no-redis': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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
    concurrency = Math.round(positive(values.concurrency, 'concurrency', 8));
    durationMs = positive(values.duration, 'duration', 5) * 1_000;
    warmupMs = positive(values.warmup, 'warmup', 1) * 1_000;
    redis = values['no-redis'] !== true;
  } catch (error) {
    console.error(`bench:retries: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  const launcher = loadTestLauncher();
  if (redis && !launcher.redisAvailable()) {
    console.error('bench:retries: warning: redis-server is not on PATH: memory mode');
    redis = false;
  }
  console.log(
    `bench:retries: closed loop, ${concurrency} in flight, ${durationMs / 1000} s measured after ${warmupMs / 1000} s warm-up per row, ` +
      `distinct events, ${redis ? 'Redis' : 'memory mode'}, loopback, no kills`,
  );
  const rows: Array<Array<string | number>> = [];
  for (const mode of modes) {
    for (const rate of rates) {
      const cluster = await startPipelineCluster(launcher, { faultRate: rate, redis, retryMode: mode });
      let result: LatencyResult;
      let direct503Share: number;
      try {
        direct503Share = await probe503Rate(cluster.processingUrl, `PROBE-${mode}-${rate}`, 200);
        result = await measureLatency(cluster, { concurrency, durationMs, warmupMs, runId: `BENCH-${mode}-${rate}` });
      } finally {
        await cluster.stop();
      }
      const others = Object.entries(result.byStatus)
        .filter(([status]) => !['200', '202', '503'].includes(status))
        .map(([status, count]) => `${status}:${count}`)
        .join(' ');
      const row = [
        `${mode}`,
        rate,
        `${Math.round(direct503Share * 100)} %`,
        result.calls,
        result.requestsPerSecond.toFixed(0),
        ms(result.p50),
        ms(result.p90),
        ms(result.p99),
        ms(result.max),
        result.byStatus['200'] ?? 0,
        result.byStatus['202'] ?? 0,
        result.byStatus['503'] ?? 0,
        others === '' ? '-' : others,
      ];
      rows.push(row);
      console.log(`bench:retries: RETRY_MODE=${mode} FAULT_503_RATE=${rate}: ${result.calls} calls, ${row[4]} req/s, p50 ${row[5]} ms, p99 ${row[7]} ms`);
      if (rate > 0 && direct503Share === 0) console.error(`bench:retries: warning: FAULT_503_RATE ${rate} is not in effect (no 503 in 200 direct calls to processing)`);
    }
  }
  console.log('');
  console.log(formatTable(['RETRY_MODE', 'FAULT_503_RATE', 'direct 503', 'calls', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', '200', '202', '503', 'other'], rows));
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
