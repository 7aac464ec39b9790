import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { parseRows } from '../../scripts/bench/bench-rows';
import { cpuPerRequestRecord } from '../../scripts/bench/cpu-per-request';
import { capacityChart } from '../../scripts/capacity/capacity-chart';
import { type CapacityInput, type MeasuredCpu } from '../../scripts/capacity/capacity-model';
import { CapacityOptionError, parseCapacityCommand, type RepositoryDefaults } from '../../scripts/capacity/capacity-options';
import { knees, logSpaced, sweep } from '../../scripts/capacity/capacity-sweep';
import { measuredCpu } from '../../scripts/capacity/measured-cpu';
import { pricesOf, REGION_PRICES } from '../../scripts/capacity/prices';
import { tempDir } from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');
const TASK = { cpu: 1024, memoryMiB: 2048, sidecarCpu: 288 };
const DEFAULTS: RepositoryDefaults = {
  environments: {
    dev: {
      ingestionTask: { cpu: 512, memoryMiB: 1024, sidecarCpu: 160 },
      processingTask: { cpu: 512, memoryMiB: 1024, sidecarCpu: 160 },
      minTasks: 1,
      logRetentionDays: 30,
    },
    prd: { ingestionTask: TASK, processingTask: TASK, minTasks: 2, logRetentionDays: 365 },
  },
  environment: 'prd',
  eventBytes: 201,
  keyTtlSeconds: 86_400,
  logBytesPerLine: 248,
  cpuFile: 'docs/bench/cpu-per-request.json',
};
const parse = (...argv: string[]) => parseCapacityCommand(argv, DEFAULTS)!;

describe('the command line', () => {
  test('the fleet and the defaults of the environment', () => {
    const command = parse('--vehicles', '1000000', '--interval', '10');
    expect(command.input).toMatchObject({
      vehicles: 1_000_000,
      intervalSeconds: 10,
      eventBytes: 201,
      targetUtilisation: 0.6,
      minTasks: 2,
      ingestionTask: TASK,
      logRetentionDays: 365,
      keyTtlSeconds: 86_400,
    });
    expect(command).toMatchObject({ region: 'us-east-1', environment: 'prd', load: 'unique', conns: 64, json: false });
  });

  test('options override: environment, task size, utilisation, shares, JSON', () => {
    const command = parse(
      ...['--vehicles', '10_000', '--interval', '2.5', '--env', 'dev', '--task-cpu', '2048', '--task-memory', '4096'],
      ...['--target-utilisation', '0.75', '--anomaly-share', '0.1', '--retry-share', '0', '--json', '--key-ttl', '3600'],
    );
    expect(command.input).toMatchObject({
      vehicles: 10_000,
      intervalSeconds: 2.5,
      minTasks: 1,
      logRetentionDays: 30,
      ingestionTask: { cpu: 2048, memoryMiB: 4096, sidecarCpu: 160 },
      targetUtilisation: 0.75,
      anomalyShare: 0.1,
      retryShare: 0,
      keyTtlSeconds: 3600,
    });
    expect(command.json).toBe(true);
  });

  test('--task-cpu alone takes the smallest memory Fargate allows with it', () => {
    expect(parse('--vehicles', '1', '--interval', '1', '--task-cpu', '4096').input.processingTask.memoryMiB).toBe(8192);
  });

  test('--help asks for the usage', () => {
    expect(parseCapacityCommand(['--help'], DEFAULTS)).toBeUndefined();
  });

  test.each([
    [[], /--vehicles is required: a whole number >= 1/],
    [['--vehicles', '1000'], /--interval is required: a number > 0/],
    [['--vehicles', '-5', '--interval', '10'], /--vehicles -5: a whole number >= 1/],
    [['--vehicles', '2.5', '--interval', '10'], /--vehicles 2\.5: a whole number >= 1/],
    [['--vehicles', 'many', '--interval', '10'], /--vehicles many: a whole number/],
    [['--vehicles', '10', '--interval', '0'], /--interval 0: a number > 0/],
    [['--vehicles', '10', '--interval', '10', '--target-utilisation', '1.5'], /--target-utilisation 1\.5: a number > 0 and <= 1/],
    [['--vehicles', '10', '--interval', '10', '--anomaly-share', '-0.1'], /--anomaly-share -0\.1: a number >= 0 and <= 1/],
    [['--vehicles', '10', '--interval', '10', '--region', 'eu-west-9'], /--region eu-west-9: a region of the price table .*: us-east-1/],
    [['--vehicles', '10', '--interval', '10', '--env', 'qa'], /--env qa: one of dev, prd/],
    [['--vehicles', '10', '--interval', '10', '--task-cpu', '300'], /--task-cpu 300: one of Fargate's CPU sizes: 256, 512/],
    [
      ['--vehicles', '10', '--interval', '10', '--task-cpu', '1024', '--task-memory', '512'],
      /--task-memory 512: Fargate allows 2048–8192 MiB with 1024 CPU units/,
    ],
    [['--vehicles', '10', '--interval', '10', '--sidecar-cpu', '1024'], /--sidecar-cpu 1024: less than the task's 1024 CPU units/],
    [['--vehicles', '10', '--interval', '10', '--load', 'burst'], /--load burst: post or unique/],
    [['--vehicles', '10', '--interval', '10', '--fleet', '3'], /Unknown option '--fleet'/],
  ])('%j is refused, naming the option', (argv, message) => {
    expect(() => parseCapacityCommand(argv, DEFAULTS)).toThrow(CapacityOptionError);
    expect(() => parseCapacityCommand(argv, DEFAULTS)).toThrow(message);
  });
});

/** A bench record as npm run bench writes it, with the Fastify pipeline's CPU per request on both loads. */
function benchRecord(): string {
  const header =
    'load\timpl\ttarget\tconns\tround\trps\tp50_ms\tp99_ms\terrors\tingestion_rss_mb\tprocessing_rss_mb\tingestion_cpu_us\tprocessing_cpu_us';
  const rows = [
    ['post', 'fastify', 'pipeline', 64, 1, 5000, 5, 10, 0, 130, 90, 200, 100],
    ['unique', 'fastify', 'pipeline', 64, 1, 4000, 6, 12, 0, 130, 90, 240, 130],
    ['unique', 'fastify', 'pipeline', 64, 2, 4100, 6, 12, 0, 131, 91, 260, 150],
  ].map((row) => row.join('\t'));
  const record = cpuPerRequestRecord(parseRows([header, ...rows].join('\n')), {
    host: 'AMD EPYC',
    cores: 2,
    date: '2026-12-07T19:00:00.000Z',
    node: 'v20.20.2',
    go: null,
    loadAverageBefore: 0.5,
    durationSeconds: 10,
    warmupSeconds: 5,
    warmupRequests: 15_000,
  });
  return JSON.stringify(record);
}

describe('the measured CPU per request', () => {
  test("the Fastify pipeline's medians at the load and connection count asked for", () => {
    expect(measuredCpu(benchRecord(), 'cpu.json', 'unique', 64)).toEqual({
      ingestionUs: 250,
      processingUs: 140,
      host: 'AMD EPYC (2 cores)',
      date: '2026-12-07T19:00:00.000Z',
      load: 'unique',
      conns: 64,
    });
  });

  test('a load or connection count the bench did not measure is named, with what it has', () => {
    expect(() => measuredCpu(benchRecord(), 'cpu.json', 'unique', 16)).toThrow(
      'cpu.json has no Fastify measurement of load unique at 16 connections (it has: post at 64, unique at 64)',
    );
  });

  test('a file that is not a record of this version is refused', () => {
    expect(() => measuredCpu('{', 'cpu.json', 'unique', 64)).toThrow(/cpu.json is not JSON/);
    expect(() => measuredCpu(JSON.stringify({ version: 0 }), 'cpu.json', 'unique', 64)).toThrow(/cpu.json has version 0/);
  });
});

describe('the price table', () => {
  test('every price of us-east-1 names its AWS page; the unconfirmed ones say why', () => {
    const prices = pricesOf(REGION_PRICES['us-east-1']);
    expect(prices.length).toBeGreaterThan(20);
    for (const { price } of prices) {
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(price.usd).toBeGreaterThan(0);
      expect(price.note).not.toBe('');
    }
    expect(prices.filter(({ price }) => !price.confirmed).map(({ name }) => name)).toEqual(
      REGION_PRICES['us-east-1'].cacheNodes.map((node) => node.nodeType),
    );
  });
});

describe('the sweep and its chart', () => {
  const cpu: MeasuredCpu = {
    ingestionUs: 250,
    processingUs: 140,
    host: 'AMD EPYC (2 cores)',
    date: '2026-12-07',
    load: 'unique',
    conns: 64,
  };
  const input: CapacityInput = parse('--vehicles', '1000', '--interval', '10').input;
  const results = sweep(input, cpu, REGION_PRICES['us-east-1'], logSpaced(1_000, 10_000_000, 81));
  const found = knees(results);

  test('fleet sizes evenly spread on a log scale, ends included', () => {
    expect(logSpaced(1_000, 10_000_000, 5)).toEqual([1_000, 10_000, 100_000, 1_000_000, 10_000_000]);
  });

  test('the knees: services leave their floor, the cache steps up its node and goes to cluster mode, FIFO would saturate', () => {
    const texts = found.map((knee) => knee.text);
    expect(texts).toContain('ingestion: above 2 task(s)');
    expect(texts).toContain('processing: above 2 task(s)');
    expect(texts).toContain('SQS: a FIFO queue would pass 300 msg/s');
    expect(texts.some((text) => /^cache: cluster mode \(\d+ × cache\.\S+\)$/.test(text))).toBe(true);
    expect(found.filter((knee) => knee.component === 'cache').length).toBeGreaterThan(2);
    // each knee is where its state changed: the result before it is in the old state
    const fifo = found.find((knee) => knee.component === 'queue')!;
    const at = results.findIndex((r) => r.input.vehicles === fifo.vehicles);
    expect(results[at].queue.overFifoLimit).toBe(true);
    expect(results[at - 1].queue.overFifoLimit).toBe(false);
  });

  test('the chart: well-formed SVG, one line per series, one dashed line per knee in each panel', () => {
    const svg = capacityChart(results, found, { title: 'Capacity <test>', subtitle: 'how' });
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(`SVG is not well-formed: ${message}`);
      },
    }).parseFromString(svg, 'image/svg+xml');
    const all = (tag: string) => Array.from(document.getElementsByTagName(tag)) as Element[];
    const byClass = (tag: string, name: string) => all(tag).filter((element) => element.getAttribute('class') === name);
    expect(byClass('polyline', 'series').map((line) => line.getAttribute('data-name'))).toEqual([
      'ingestion tasks',
      'processing tasks',
      'total',
      'Fargate (both services)',
      'cache',
      'logs',
      'load balancer',
      'WAF',
      'NAT + egress',
      'retry queue',
    ]);
    expect(byClass('polyline', 'series')[0].getAttribute('points')!.split(' ')).toHaveLength(81);
    expect(byClass('g', 'knee')).toHaveLength(2 * found.length);
    expect(byClass('text', 'knee-label').map((label) => label.textContent)).toEqual(
      found.map((knee, i) => `${i + 1}. ${knee.text}, from ${knee.vehicles.toLocaleString('en-US')} vehicles`),
    );
    expect(byClass('text', 'title')[0].textContent).toBe('Capacity <test>');
  });
});

describe('npm run capacity', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/capacity.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

  test('prints the table of a fleet from a bench record, and its chart', () => {
    const dir = tempDir('capacity-');
    try {
      writeFileSync(join(dir, 'cpu.json'), benchRecord());
      const result = run([
        '--vehicles',
        '1000000',
        '--interval',
        '10',
        '--cpu-file',
        join(dir, 'cpu.json'),
        '--chart',
        join(dir, 'capacity.svg'),
      ]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^1,000,000 vehicles, one event every 10 s \(201 B\): 100,000 events\/s/);
      expect(result.stdout).toMatch(
        /CPU per request: ingestion 250 µs, processing 140 µs \(npm run bench, load unique at 64 connections, on AMD EPYC \(2 cores\)/,
      );
      // 0.71875e6 / 250 = 2,875 req/s a task: 100,000 / 1,725 → 58 tasks
      expect(result.stdout).toMatch(/^ingestion +100,000 +250 +0\.72\/1\.00 +2,875 +58 /m);
      expect(result.stdout).toMatch(/^ {2}per million events +\$\d+\.\d{3}$/m);
      expect(result.stdout).toMatch(/Unconfirmed prices used: cache\.r7g/);
      expect(readFileSync(join(dir, 'capacity.svg'), 'utf8')).toMatch(/^<\?xml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('--json prints the result as JSON', () => {
    const dir = tempDir('capacity-');
    try {
      writeFileSync(join(dir, 'cpu.json'), benchRecord());
      const result = run(['--vehicles', '10000', '--interval', '10', '--cpu-file', join(dir, 'cpu.json'), '--json']);
      expect(result.status).toBe(0);
      const json = JSON.parse(result.stdout);
      expect(json).toMatchObject({ environment: 'prd', region: 'us-east-1', eventsPerSecond: 1000, ingestion: { tasks: 2 } });
      expect(json.monthlyUsd).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('a bad option exits 2 naming it', () => {
    const result = run(['--vehicles', '0', '--interval', '10']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('capacity: --vehicles 0: a whole number >= 1\n');
  }, 120_000);
});
