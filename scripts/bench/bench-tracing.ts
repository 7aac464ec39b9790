/**
 * `npm run bench:tracing`: what tracing costs (on Node 22.12 or newer: the
 * npm script puts `.ci/node22.sh`'s Node first on PATH). Starts one built pipeline
 * (processing, and ingestion forwarding to it, on loopback) per case —
 * tracing off (no OTEL_* variable), on (OTEL_EXPORTER_OTLP_ENDPOINT at a
 * local OTLP/HTTP sink standing in for the collector sidecar, SDK defaults
 * otherwise) and optionally `unsampled` (SDK loaded, no trace sampled:
 * propagation only) — warms them up, then drives all of them at the same
 * time, each with its own wrk, for several rounds: whatever else runs on a
 * shared machine at a given moment weighs on every case alike (run one
 * after the other, cases met different neighbours and their ratios spread
 * over an order of magnitude). Prints medians of requests per second,
 * latency and the CPU time per request of each service (from
 * /proc/<pid>/stat), the spans each sink received per request, and the
 * ratios to `off` within each round: compare ratios, not absolute figures,
 * which depend on the machine's other load and on the cases sharing it.
 *
 *   npm run bench:tracing -- [--rounds 10] [--duration 5] [--warmup 5] [--connections 64]
 *                            [--load unique|post] [--cases off,on,unsampled] [--rate R]
 *
 * Driven as fast as they answer, a slower case also serves fewer requests
 * per wake-up of its event loop, which raises its CPU per request beyond
 * what tracing itself costs; `--rate` offers every case the same load
 * instead, so CPU per request compares like with like.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localLauncher } from '../launch/pipeline-launcher';
import { serviceNodeArgs } from '../launch/service-process';
import { cpuSeconds } from './process-stats';
import { formatTable, percentile } from '../drill/stats';
import { OtlpReceiver } from '../tracing/otlp-receiver';

const USAGE = `Usage: npm run bench:tracing -- [options]
  --rounds N            rounds; every round drives all cases at once; the tables give medians (10)
  --duration S          measured seconds per round (5)
  --warmup S            unmeasured seconds before the first round (5)
  --connections N       wrk connections (64)
  --load unique|post    unique: a distinct event per request; post: the article's sample every time (unique)
  --cases off,on        off: no OTEL_* variable; on: spans exported to a local sink; unsampled: SDK loaded, nothing sampled
  --rate R              offer at most R requests per second per case (paced connections): CPU per request compared at the
                        same load, instead of each case as fast as it goes (unset)`;

const ROOT = join(__dirname, '..', '..');

/** A tracing configuration to measure. */
type Case = 'off' | 'on' | 'unsampled';
const CASES: readonly Case[] = ['off', 'on', 'unsampled'];

/** The OTEL_* environment of each case, towards `sink`. */
function caseEnv(kind: Case, sink: OtlpReceiver): Record<string, string> {
  if (kind === 'off') return {};
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint };
  return kind === 'on' ? env : { ...env, OTEL_TRACES_SAMPLER: 'always_off' };
}

/**
 * wrk script: a distinct event per request (1,000 vehicles, each a little
 * further on every pass) or the article's sample every time; with
 * `pauseMs`, each connection waits that long after an answer before its next
 * request (wrk's `delay()`), which caps the offered rate; prints one RESULT line.
 */
function wrkScript(load: 'unique' | 'post', pauseMs: number | undefined): string {
  const request =
    load === 'unique'
      ? `
local n = 0
local body = '{"vehicle_id":"BENCH-%04d","timestamp":"%s","location":{"latitude":%.6f,"longitude":-122.4194},' ..
  '"battery":{"percentage":75,"voltage":390,"temperature":25.3},"speed":60,"odometer":%.1f}'
function request()
  n = n + 1
  local pass = math.floor(n / 1000)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" },
    string.format(body, n % 1000, os.date("!%Y-%m-%dT%H:%M:%SZ", 1707991800 + pass * 10), 37.7 + pass * 0.0001, 12500 + pass * 0.2))
end`
      : `
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"vehicle_id":"EV-001","timestamp":"2024-02-15T10:30:00Z","location":{"latitude":37.7749,"longitude":-122.4194},' ..
  '"battery":{"percentage":75,"voltage":390,"temperature":25.3},"speed":60,"odometer":12500}'`;
  const pace = pauseMs === undefined ? '' : `\nfunction delay()\n  return ${pauseMs}\nend`;
  return `${request}${pace}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f errors=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout))
end
`;
}

interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

function runWrk(script: string, url: string, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', script, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('RESULT '));
      if (code !== 0 || line === undefined) return reject(new Error(`wrk failed (exit ${code}): ${output}`));
      const field = (name: string) => Number(new RegExp(`(?:^| )${name}=([\\d.]+)`).exec(line)?.[1]);
      resolve({
        requests: field('requests'),
        seconds: field('seconds'),
        p50Ms: field('p50_ms'),
        p99Ms: field('p99_ms'),
        errors: field('errors'),
      });
    });
  });
}

/** CPU time (user + system) a process has used so far, in microseconds. */
const cpuMicros = (pid: number): number => cpuSeconds(pid) * 1_000_000;

/** A built service started for the bench, its output discarded (as a deployment's log driver would take it), stderr's tail kept. */
interface BenchService {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startBenchService(service: 'ingestion' | 'processing', port: number, env: Record<string, string>): Promise<BenchService> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const child: ChildProcess = spawn(process.execPath, serviceNodeArgs(service), {
    cwd: ROOT,
    env: { ...inherited, APP_HOST: '127.0.0.1', APP_PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/health-check`)).ok) return { url, pid: child.pid ?? -1, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`${service} did not answer /health-check within 15 s: ${stderr}`);
}

/** One measured run of one case. */
interface Measurement {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly ingestionCpuUs: number;
  readonly processingCpuUs: number;
}

interface Options {
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  readonly load: 'unique' | 'post';
  readonly cases: readonly Case[];
  /** Offered rate per case, requests per second; undefined: as fast as the pipeline answers. */
  readonly rate: number | undefined;
}

/** The running pipeline of one case, with its own sink. */
interface Pipeline {
  readonly kind: Case;
  readonly ingestion: BenchService;
  readonly processing: BenchService;
  readonly sink: OtlpReceiver;
  /** Requests wrk sent to it so far (warm-up included). */
  requests: number;
  errors: number;
}

async function startPipeline(kind: Case): Promise<Pipeline> {
  const launcher = localLauncher;
  const sink = await OtlpReceiver.start('counts');
  const env = caseEnv(kind, sink);
  const processing = await startBenchService('processing', await launcher.freeLoopbackPort(), env);
  try {
    const ingestion = await startBenchService('ingestion', await launcher.freeLoopbackPort(), {
      ...env,
      DATA_PROCESSING_URL: `${processing.url}/ev`,
    });
    return { kind, ingestion, processing, sink, requests: 0, errors: 0 };
  } catch (error) {
    await processing.stop();
    await sink.close();
    throw error;
  }
}

/** Drives `pipeline` with wrk for `seconds`, measuring the CPU its two processes spend. */
async function drive(pipeline: Pipeline, script: string, connections: number, seconds: number): Promise<Measurement> {
  const { ingestion, processing } = pipeline;
  const before = { ingestion: cpuMicros(ingestion.pid), processing: cpuMicros(processing.pid) };
  const result = await runWrk(script, `${ingestion.url}/ev`, connections, seconds);
  pipeline.requests += result.requests;
  pipeline.errors += result.errors;
  return {
    rps: result.requests / result.seconds,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    ingestionCpuUs: (cpuMicros(ingestion.pid) - before.ingestion) / result.requests,
    processingCpuUs: (cpuMicros(processing.pid) - before.processing) / result.requests,
  };
}

/** Stops the pipeline (SIGTERM: the services flush the spans still batched) and returns the spans its sink received per request. */
async function stopPipeline(pipeline: Pipeline): Promise<number> {
  await pipeline.ingestion.stop();
  await pipeline.processing.stop();
  await pipeline.sink.close();
  return pipeline.requests === 0 ? 0 : pipeline.sink.spanCount / pipeline.requests;
}

function parseOptions(argv: string[]): Options | 'help' {
  const option = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: option,
      duration: option,
      warmup: option,
      connections: option,
      load: option,
      cases: option,
      rate: option,
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const positive = (raw: string | undefined, name: string, fallback: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0 || value > 3_600) throw new Error(`--${name} ${raw}: expected a positive integer`);
    return value;
  };
  const load = values.load ?? 'unique';
  if (load !== 'unique' && load !== 'post') throw new Error(`--load ${load}: expected unique or post`);
  const cases = (values.cases ?? 'off,on').split(',').map((name) => {
    if (!(CASES as readonly string[]).includes(name)) throw new Error(`--cases ${values.cases}: expected some of ${CASES.join(', ')}`);
    return name as Case;
  });
  return {
    rounds: positive(values.rounds, 'rounds', 10),
    durationS: positive(values.duration, 'duration', 5),
    warmupS: positive(values.warmup, 'warmup', 5),
    connections: positive(values.connections, 'connections', 64),
    load,
    cases,
    rate: values.rate === undefined ? undefined : positive(values.rate, 'rate', 0),
  };
}

const fixed = (digits: number) => (value: number) => value.toFixed(digits);

/** Median and range of `values`, formatted. */
function summary(values: readonly number[], format: (value: number) => string): string {
  return `${format(percentile(values, 50))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    console.error(`bench:tracing: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (spawnSync('wrk', ['--version']).error !== undefined) {
    console.error('bench:tracing: wrk not found (apt-get install wrk)');
    return 1;
  }
  localLauncher.ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), 'bench-tracing-'));
  const script = join(work, `ev-${options.load}.lua`);
  // At most `rate` requests per second: each of the connections pauses connections / rate seconds between its requests.
  writeFileSync(
    script,
    wrkScript(options.load, options.rate === undefined ? undefined : Math.round((options.connections * 1000) / options.rate)),
  );
  const results = new Map<Case, Measurement[]>(options.cases.map((kind) => [kind, []]));
  const spansPerRequest = new Map<Case, number>();
  const rows: string[] = ['round\tcase\trps\tp50_ms\tp99_ms\terrors\tingestion_cpu_us\tprocessing_cpu_us'];
  console.log(
    `bench:tracing: ${options.load} load, wrk -c${options.connections} per case${options.rate === undefined ? '' : ` paced to at most ${options.rate} req/s`}; a pipeline per case (${options.cases.join(', ')}), all driven at once: ` +
      `${options.warmupS} s warm-up, then ${options.rounds} rounds of ${options.durationS} s; loopback`,
  );
  const pipelines: Pipeline[] = [];
  try {
    for (const kind of options.cases) pipelines.push(await startPipeline(kind));
    await Promise.all(pipelines.map((pipeline) => drive(pipeline, script, options.connections, options.warmupS)));
    for (let round = 0; round < options.rounds; round++) {
      const measured = await Promise.all(pipelines.map((pipeline) => drive(pipeline, script, options.connections, options.durationS)));
      pipelines.forEach((pipeline, index) => {
        const result = measured[index];
        results.get(pipeline.kind)?.push(result);
        rows.push(
          [
            round + 1,
            pipeline.kind,
            result.rps,
            result.p50Ms,
            result.p99Ms,
            result.errors,
            result.ingestionCpuUs,
            result.processingCpuUs,
          ].join('\t'),
        );
        console.log(
          `bench:tracing: round ${round + 1}/${options.rounds} ${pipeline.kind}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
            `CPU/request ingestion ${result.ingestionCpuUs.toFixed(0)} µs, processing ${result.processingCpuUs.toFixed(0)} µs, ${result.errors} errors`,
        );
      });
    }
  } finally {
    for (const pipeline of pipelines) spansPerRequest.set(pipeline.kind, await stopPipeline(pipeline));
    rmSync(work, { recursive: true, force: true });
  }
  const resultsDir = join(ROOT, 'bench-results');
  mkdirSync(resultsDir, { recursive: true });
  const rowsFile = join(resultsDir, `bench-tracing-${new Date().toISOString().replace(/[:.]/g, '-')}.tsv`);
  writeFileSync(rowsFile, `${rows.join('\n')}\n`);

  const pick = (kind: Case, field: keyof Measurement) => (results.get(kind) ?? []).map((result) => result[field]);
  console.log(
    `\nmedians (min–max) of ${options.rounds} rounds; CPU in µs per request; spans per request over the whole run (flush on shutdown included)`,
  );
  console.log(
    formatTable(
      ['case', 'req/s', 'p50 ms', 'p99 ms', 'ingestion CPU', 'processing CPU', 'spans/req', 'errors'],
      options.cases.map((kind) => [
        kind,
        summary(pick(kind, 'rps'), fixed(0)),
        fixed(2)(percentile(pick(kind, 'p50Ms'), 50)),
        summary(pick(kind, 'p99Ms'), fixed(2)),
        summary(pick(kind, 'ingestionCpuUs'), fixed(0)),
        summary(pick(kind, 'processingCpuUs'), fixed(0)),
        fixed(2)(spansPerRequest.get(kind) ?? 0),
        pipelines.find((pipeline) => pipeline.kind === kind)?.errors ?? 0,
      ]),
    ),
  );
  if (options.cases.includes('off')) {
    console.log(
      '\nratios to off within each round, median (min–max) (req/s: below 1 is a cost; p99 and CPU per request: above 1 is a cost)',
    );
    const ratio = (kind: Case, field: keyof Measurement) => pick(kind, field).map((value, round) => value / pick('off', field)[round]);
    console.log(
      formatTable(
        ['case', 'req/s', 'p99', 'ingestion CPU/req', 'processing CPU/req'],
        options.cases
          .filter((kind) => kind !== 'off')
          .map((kind) => [
            kind,
            ...(['rps', 'p99Ms', 'ingestionCpuUs', 'processingCpuUs'] as const).map((field) => `×${summary(ratio(kind, field), fixed(2))}`),
          ]),
      ),
    );
  }
  console.log(`\nraw rows: ${rowsFile}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench:tracing: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  },
);
