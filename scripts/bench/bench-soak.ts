/**
 * `npm run bench:soak`: the pipeline under sustained `unique` load, to show
 * that memory stays flat and latency does not drift.
 *
 * Starts both built services (`dist/`, after `npm run build`) on loopback as
 * `scripts/bench/bench.sh` runs them (on Node 22.12 or newer: the npm script
 * puts `.ci/node22.sh`'s Node first on PATH; logs on, to /dev/null; no Redis, no retry
 * queue: processing keeps keys and vehicles in memory, the case that needs
 * bounds), each with `scripts/bench/bench-soak-memory-probe.cjs` preloaded, which
 * appends `process.memoryUsage()` to a file every 10 s (no endpoint). Then
 * runs wrk with `scripts/bench/bench-soak-unique.lua` (a distinct event per
 * request) for one minute at a time, back to back, `--minutes` times; every
 * `--sample-seconds` reads each service's RSS from `/proc/<pid>/status` and
 * its heap from the probe's latest line.
 *
 * Verdict: warm-up lasts until processing's in-memory key window is full
 * (as many events sent as `IDEMPOTENCY_MEMORY_MAX_KEYS`), at least one
 * minute; until then memory is meant to grow. The minutes after it are split
 * into a first and a second half. The run passes when, for each service,
 * RSS stays under `--rss-max-mb` and the second half's heap floor (the lowest
 * sample of the heap outside the young generation, which falls right after a
 * full collection) is at most `--heap-growth` × the first half's: a leak
 * raises the floor, while the peaks between full collections move with when
 * V8 chooses to collect; the median p99 of
 * the second half's minutes is at most `--p99-drift` × the first half's; and
 * no request failed. Each minute also reports each service's CPU time per
 * request (from `/proc/<pid>/stat`) and the machine's load average, to tell
 * a slower service from a busier machine. Exit 0 on pass, 1 on fail, 2 on a
 * usage error.
 *
 *   npm run bench:soak -- [--minutes 10] [--connections 64] [--max-keys N] [--no-build]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MEMORY_MAX_KEYS } from '../../apps/resilience/idempotent-store';
import { formatTable } from '../drill/stats';
import { freeLoopbackPort } from '../launch/redis-server';
import { serviceNodeArgs, type ServiceName } from '../launch/service-process';
import { cpuSeconds, rssMb } from './process-stats';

const USAGE = `Usage: npm run bench:soak -- [options]
  --minutes N          minutes of load, one wrk run each (10; 2 to 180)
  --connections N      wrk connections (64)
  --sample-seconds S   RSS and heap sampling period (10)
  --max-keys N         IDEMPOTENCY_MEMORY_MAX_KEYS of processing (the service's default, ${DEFAULT_MEMORY_MAX_KEYS})
  --rss-max-mb MB      pass bound: RSS of each service after warm-up (704: a 1 GB task less Envoy and X-Ray)
  --heap-growth X      pass bound: second half's lowest tenured heap / first half's (1.1)
  --p99-drift X        pass bound: second half's median p99 / first half's (1.5)
  --out DIR            where the samples go (bench-results/, git-ignored)
  --no-build           do not run \`npm run build\` first`;

const ROOT = join(__dirname, '..', '..');
const MINUTE_MS = 60_000;
/** A wrk run that has not ended this long after its minute is killed. */
const WRK_GRACE_MS = 30_000;
const HEALTH_TIMEOUT_MS = 15_000;

interface Options {
  readonly minutes: number;
  readonly connections: number;
  readonly sampleSeconds: number;
  readonly maxKeys: number | undefined;
  readonly rssMaxMb: number;
  readonly heapGrowth: number;
  readonly p99Drift: number;
  readonly out: string;
  readonly build: boolean;
}

interface Service {
  readonly name: ServiceName;
  readonly process: ChildProcess;
  readonly pid: number;
  readonly memoryLog: string;
}

/** One sample of one service. */
interface MemorySample {
  readonly second: number;
  readonly service: ServiceName;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  /** Heap used outside the young generation (the probe's `tenuredUsed`). */
  readonly tenuredMb: number;
}

/** One minute of load: wrk's RESULT line. */
interface MinuteResult {
  readonly minute: number;
  /** Seconds from the start of the load to the end of this minute's wrk run (filled in by the caller). */
  endedAtSecond: number;
  /** CPU time of each service during the minute, in microseconds per request (filled in by the caller). */
  cpuMicrosPerRequest: Partial<Record<ServiceName, number>>;
  /** The machine's 1-minute load average at the end of the minute (filled in by the caller). */
  loadAverage: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
}

function integer(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new Error(`--${name} ${raw}: expected an integer from ${min} to ${max}`);
  return value;
}

function positive(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} ${raw}: expected a number of at least ${min}`);
  return value;
}

function parseOptions(argv: string[]): Options | 'help' {
  const option = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: option,
      connections: option,
      'sample-seconds': option,
      'max-keys': option,
      'rss-max-mb': option,
      'heap-growth': option,
      'p99-drift': option,
      out: option,
      'no-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  return {
    minutes: integer(values.minutes, 'minutes', 10, 2, 180),
    connections: integer(values.connections, 'connections', 64, 1, 1_024),
    sampleSeconds: integer(values['sample-seconds'], 'sample-seconds', 10, 1, 60),
    maxKeys: values['max-keys'] === undefined ? undefined : integer(values['max-keys'], 'max-keys', 0, 1, 50_000_000),
    rssMaxMb: positive(values['rss-max-mb'], 'rss-max-mb', 704, 1),
    heapGrowth: positive(values['heap-growth'], 'heap-growth', 1.1, 1),
    p99Drift: positive(values['p99-drift'], 'p99-drift', 1.5, 1),
    out: values.out ?? join(ROOT, 'bench-results'),
    build: values['no-build'] !== true,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `GET /health-check` answers 200; throws after {@link HEALTH_TIMEOUT_MS} or when the process exits. */
async function waitHealthy(service: Service, port: number): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null)
      throw new Error(`${service.name} exited with ${service.process.exitCode} before answering /health-check`);
    const ok = await fetch(`http://127.0.0.1:${port}/health-check`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${service.name} did not answer /health-check on port ${port} within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

/** Starts a built service with the memory probe preloaded; stdout (the request log) goes to /dev/null, stderr to a file. */
function startService(name: ServiceName, port: number, env: Record<string, string>, options: Options, stamp: string): Service {
  const memoryLog = join(options.out, `soak-${stamp}-${name}-memory.jsonl`);
  writeFileSync(memoryLog, '');
  const stderr = openSync(join(options.out, `soak-${stamp}-${name}-stderr.log`), 'w');
  const inherited = { ...process.env };
  // memory mode, whatever the caller's shell says: the bounds under test are the in-process ones
  for (const variable of ['REDIS_URL', 'RETRY_QUEUE_URL', 'RETRY_QUEUE_DIR', 'NODE_OPTIONS']) delete inherited[variable];
  const child = spawn(
    process.execPath,
    ['--require', join(ROOT, 'scripts', 'bench', 'bench-soak-memory-probe.cjs'), ...serviceNodeArgs(name)],
    {
      env: {
        ...inherited,
        APP_HOST: '127.0.0.1',
        APP_PORT: String(port),
        SOAK_MEMORY_LOG: memoryLog,
        SOAK_MEMORY_INTERVAL_MS: String(options.sampleSeconds * 1_000),
        ...env,
      },
      stdio: ['ignore', 'ignore', stderr],
    },
  );
  closeSync(stderr);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  return { name, process: child, pid: child.pid, memoryLog };
}

/** SIGTERM, then SIGKILL after 15 s. */
async function stopService(service: Service): Promise<void> {
  if (service.process.exitCode !== null || service.process.signalCode !== null) return;
  const exited = new Promise((resolve) => service.process.once('exit', resolve));
  service.process.kill('SIGTERM');
  const timer = setTimeout(() => service.process.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The machine's 1-minute load average. */
function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** The probe's latest `process.memoryUsage()` line. */
function latestHeap(service: Service): { heapUsedMb: number; heapTotalMb: number; tenuredMb: number } {
  const lines = readFileSync(service.memoryLog, 'utf8').trimEnd().split('\n');
  const last = JSON.parse(lines[lines.length - 1]) as { heapUsed: number; heapTotal: number; tenuredUsed: number };
  return { heapUsedMb: last.heapUsed / 1_048_576, heapTotalMb: last.heapTotal / 1_048_576, tenuredMb: last.tenuredUsed / 1_048_576 };
}

/** The value of `name=` in wrk's RESULT line. */
function field(line: string, name: string): number {
  const match = new RegExp(`(?:^| )${name}=([0-9.]+)`).exec(line);
  if (match === null) throw new Error(`no ${name} in wrk's ${line}`);
  return Number(match[1]);
}

/** One minute of wrk against ingestion's `POST /ev`; killed if still running {@link WRK_GRACE_MS} after its minute. */
function runWrkMinute(url: string, minute: number, connections: number): Promise<MinuteResult> {
  return new Promise((resolve, reject) => {
    const wrk = spawn(
      'wrk',
      ['-t1', `-c${connections}`, '-d60s', '--timeout', '5s', '-s', join(ROOT, 'scripts', 'bench', 'bench-soak-unique.lua'), url],
      {
        env: { ...process.env, SOAK_RUN: String(minute) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    wrk.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    wrk.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => wrk.kill('SIGKILL'), MINUTE_MS + WRK_GRACE_MS);
    wrk.once('error', reject);
    wrk.once('close', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').find((candidate) => candidate.startsWith('RESULT '));
      if (code !== 0 || line === undefined) return reject(new Error(`wrk (minute ${minute + 1}) ended with ${code}: ${output.trim()}`));
      const errors = ['non2xx', 'connect_err', 'read_err', 'write_err', 'timeouts'].reduce((sum, name) => sum + field(line, name), 0);
      resolve({
        minute: minute + 1,
        endedAtSecond: Number.NaN,
        cpuMicrosPerRequest: {},
        loadAverage: Number.NaN,
        requests: field(line, 'requests'),
        rps: field(line, 'rps'),
        p50Ms: field(line, 'p50_ms'),
        p99Ms: field(line, 'p99_ms'),
        maxMs: field(line, 'max_ms'),
        errors,
      });
    });
  });
}

const mb = (value: number) => value.toFixed(1);

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
    console.error(`bench:soak: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (spawnSync('wrk', ['--version']).error !== undefined) {
    console.error('bench:soak: wrk not found (apt-get install -y wrk)');
    return 1;
  }
  if (options.build) {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) return 1;
  }
  mkdirSync(options.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const keyWindow = options.maxKeys ?? DEFAULT_MEMORY_MAX_KEYS;
  const services: Service[] = [];
  const samples: MemorySample[] = [];
  const minutes: MinuteResult[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const [processingPort, ingestionPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const processingEnv: Record<string, string> =
      options.maxKeys === undefined ? {} : { IDEMPOTENCY_MEMORY_MAX_KEYS: String(options.maxKeys) };
    services.push(startService('processing', processingPort, processingEnv, options, stamp));
    await waitHealthy(services[0], processingPort);
    services.push(
      startService('ingestion', ingestionPort, { DATA_PROCESSING_URL: `http://127.0.0.1:${processingPort}/ev` }, options, stamp),
    );
    await waitHealthy(services[1], ingestionPort);
    console.log(
      `bench:soak: ${options.minutes} × 1 min of wrk -t1 -c${options.connections} (distinct events) on 127.0.0.1:${ingestionPort} → ${processingPort}; ` +
        `key window ${keyWindow}; samples every ${options.sampleSeconds} s in ${options.out}`,
    );
    const started = Date.now();
    let samplingError: Error | undefined;
    const sample = () => {
      const second = (Date.now() - started) / 1_000;
      try {
        for (const service of services) samples.push({ second, service: service.name, rssMb: rssMb(service.pid), ...latestHeap(service) });
      } catch (error) {
        samplingError ??= new Error(`sampling at ${second.toFixed(0)} s failed (did a service exit?): ${(error as Error).message}`);
      }
    };
    sample();
    sampler = setInterval(sample, options.sampleSeconds * 1_000);
    let cpuBefore = services.map((service) => cpuSeconds(service.pid));
    for (let minute = 0; minute < options.minutes; minute++) {
      if (samplingError !== undefined) throw samplingError;
      const result = await runWrkMinute(`http://127.0.0.1:${ingestionPort}/ev`, minute, options.connections);
      result.endedAtSecond = (Date.now() - started) / 1_000;
      result.loadAverage = loadAverage();
      const cpuNow = services.map((service) => cpuSeconds(service.pid));
      services.forEach(
        (service, i) => (result.cpuMicrosPerRequest[service.name] = ((cpuNow[i] - cpuBefore[i]) * 1e6) / Math.max(1, result.requests)),
      );
      cpuBefore = cpuNow;
      minutes.push(result);
      const rss = services.map((service) => `${service.name} ${mb(rssMb(service.pid))} MB`).join(', ');
      console.log(
        `minute ${result.minute}: ${Math.round(result.rps)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors; RSS ${rss}; load ${result.loadAverage}`,
      );
    }
    sample();
    if (samplingError !== undefined) throw samplingError;
  } catch (error) {
    console.error(`bench:soak: ${(error as Error).message}`);
    return 1;
  } finally {
    clearInterval(sampler);
    for (const service of [...services].reverse()) await stopService(service);
  }
  return report(options, stamp, keyWindow, samples, minutes) ? 0 : 1;
}

/** Median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Prints the tables and the verdict, writes the samples; true when the run passes. */
function report(
  options: Options,
  stamp: string,
  keyWindow: number,
  samples: readonly MemorySample[],
  minutes: readonly MinuteResult[],
): boolean {
  const samplesFile = join(options.out, `soak-${stamp}.tsv`);
  writeFileSync(
    samplesFile,
    [
      'second\tservice\trss_mb\theap_used_mb\theap_total_mb\ttenured_mb',
      ...samples.map((s) => [s.second.toFixed(1), s.service, mb(s.rssMb), mb(s.heapUsedMb), mb(s.heapTotalMb), mb(s.tenuredMb)].join('\t')),
    ].join('\n') + '\n',
  );
  const atEndOf = (minute: MinuteResult, service: ServiceName) =>
    [...samples].reverse().find((s) => s.service === service && s.second <= minute.endedAtSecond);
  console.log(
    `\n${formatTable(
      [
        'minute',
        'req/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'proc. RSS MB',
        'heap MB',
        'CPU µs/req',
        'ingest. RSS MB',
        'heap MB',
        'CPU µs/req',
        'load',
      ],
      minutes.map((m) => {
        const processing = atEndOf(m, 'processing');
        const ingestion = atEndOf(m, 'ingestion');
        return [
          m.minute,
          Math.round(m.rps),
          m.p50Ms.toFixed(2),
          m.p99Ms.toFixed(2),
          m.maxMs.toFixed(0),
          m.errors,
          mb(processing?.rssMb ?? NaN),
          mb(processing?.heapUsedMb ?? NaN),
          Math.round(m.cpuMicrosPerRequest.processing ?? NaN),
          mb(ingestion?.rssMb ?? NaN),
          mb(ingestion?.heapUsedMb ?? NaN),
          Math.round(m.cpuMicrosPerRequest.ingestion ?? NaN),
          m.loadAverage.toFixed(1),
        ];
      }),
    )}\n`,
  );
  console.log(`samples: ${samplesFile}`);

  const failures: string[] = [];
  let sent = 0;
  const warmup = minutes.findIndex((m) => (sent += m.requests) >= keyWindow) + 1;
  const half = Math.floor((minutes.length - Math.max(1, warmup)) / 2);
  if (warmup === 0 || half < 1) {
    failures.push(
      `the key window (${keyWindow} keys) ${warmup === 0 ? 'never filled' : `filled only after ${warmup} of ${minutes.length} min`}: run longer (--minutes) or set --max-keys lower`,
    );
  } else {
    const firstHalf = minutes.slice(warmup, warmup + half);
    const secondHalf = minutes.slice(minutes.length - half);
    const during = (part: readonly MinuteResult[], service: ServiceName) => {
      const from = minutes[part[0].minute - 2].endedAtSecond;
      const to = part[part.length - 1].endedAtSecond;
      return samples.filter((s) => s.service === service && s.second > from && s.second <= to);
    };
    const span = (part: readonly MinuteResult[]) => `${part[0].minute}–${part[part.length - 1].minute}`;
    console.log(
      `warm-up: ${warmup} min (the key window of ${keyWindow} keys was full); halves compared: minutes ${span(firstHalf)} and ${span(secondHalf)}`,
    );
    for (const service of ['processing', 'ingestion'] as const) {
      const first = during(firstHalf, service);
      const second = during(secondHalf, service);
      const steady = samples.filter((s) => s.service === service && s.second > minutes[warmup - 1].endedAtSecond);
      const peak = (part: readonly MemorySample[]) => Math.max(...part.map((s) => s.rssMb));
      const lowest = (part: readonly MemorySample[], of: (s: MemorySample) => number) => Math.min(...part.map(of));
      const floor = (part: readonly MemorySample[]) => lowest(part, (s) => s.tenuredMb);
      const growth = floor(second) / floor(first);
      console.log(
        `${service}: RSS after warm-up ${mb(lowest(steady, (s) => s.rssMb))}–${mb(peak(steady))} MB (bound ${options.rssMaxMb}), ` +
          `peak ${mb(peak(first))} → ${mb(peak(second))} MB; ` +
          `lowest tenured heap ${mb(floor(first))} → ${mb(floor(second))} MB (×${growth.toFixed(2)}, bound ×${options.heapGrowth})`,
      );
      if (peak(steady) > options.rssMaxMb) failures.push(`${service} RSS ${mb(peak(steady))} MB > ${options.rssMaxMb} MB`);
      if (growth > options.heapGrowth) failures.push(`${service} heap floor grew ×${growth.toFixed(2)} > ×${options.heapGrowth}`);
    }
    const p99First = median(firstHalf.map((m) => m.p99Ms));
    const p99Second = median(secondHalf.map((m) => m.p99Ms));
    const drift = p99Second / p99First;
    console.log(
      `p99 (median of the minutes): ${p99First.toFixed(2)} → ${p99Second.toFixed(2)} ms (×${drift.toFixed(2)}, bound ×${options.p99Drift})`,
    );
    if (drift > options.p99Drift) failures.push(`p99 drifted ×${drift.toFixed(2)} > ×${options.p99Drift}`);
  }
  const errors = minutes.reduce((sum, m) => sum + m.errors, 0);
  if (errors > 0) failures.push(`${errors} requests failed`);
  console.log(failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`);
  return failures.length === 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
