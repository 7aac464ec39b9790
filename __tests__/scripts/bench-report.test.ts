import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { axisScale, benchChart, wrap, xmlText } from '../../scripts/bench/bench-chart';
import { parseRows, summarise, type Row } from '../../scripts/bench/bench-rows';
import { ratiosToGo } from '../../scripts/bench/bench-ratios';
import { benchReport } from '../../scripts/bench/bench-text-report';
import { cpuPerRequestRecord } from '../../scripts/bench/cpu-per-request';
import { judgeSpeedTarget } from '../../scripts/bench/speed-target';
import { SAMPLE_EVENT } from '../apps/sample-event';
import { freeLoopbackPort } from '../../scripts/launch/redis-server';
import { tempDir } from '../helpers/terraform';

const ROOT = resolve(__dirname, '..', '..');
const HEADER = 'load\timpl\ttarget\tconns\tround\trps\tp50_ms\tp99_ms\terrors';
/** The columns bench.sh appends since it records each service's peak RSS. */
const RSS_COLUMNS = 'ingestion_rss_mb\tprocessing_rss_mb';
/** The columns bench.sh appends since it records each service's CPU time per request. */
const CPU_COLUMNS = 'ingestion_cpu_us\tprocessing_cpu_us';
/** The columns bench.sh appends since it records each service's idle RSS. */
const IDLE_COLUMNS = 'ingestion_idle_rss_mb\tprocessing_idle_rss_mb';

/**
 * One round: rps and p99; with RSS columns ingestion's and processing's peak RSS in MiB; with CPU columns too,
 * their CPU time per request in µs; with idle columns too, their idle RSS in MiB.
 */
type Round =
  | [rps: number, p99: number]
  | [rps: number, p99: number, ingestionRssMb: number, processingRssMb: number]
  | [rps: number, p99: number, ingestionRssMb: number, processingRssMb: number, ingestionCpuUs: number, processingCpuUs: number]
  | [
      rps: number,
      p99: number,
      ingestionRssMb: number,
      processingRssMb: number,
      ingestionCpuUs: number,
      processingCpuUs: number,
      ingestionIdleRssMb: number,
      processingIdleRssMb: number,
    ];

/**
 * Rows as bench.sh writes them: for every load, connection count and round, each implementation's rps and p99;
 * with the RSS (and CPU) columns when a round gives them, without them (as older files) otherwise.
 */
function rowsText(measurements: Record<string, Record<string, Round[]>>): string {
  const widest = Math.max(
    ...Object.values(measurements).flatMap((byImpl) => Object.values(byImpl).flatMap((rounds) => rounds.map((r) => r.length))),
  );
  const lines = [
    [HEADER, ...(widest >= 4 ? [RSS_COLUMNS] : []), ...(widest >= 6 ? [CPU_COLUMNS] : []), ...(widest === 8 ? [IDLE_COLUMNS] : [])].join(
      '\t',
    ),
  ];
  for (const [group, byImpl] of Object.entries(measurements)) {
    const [load, conns] = group.split('/');
    for (const [impl, rounds] of Object.entries(byImpl)) {
      rounds.forEach(([rps, p99, ...rss], i) =>
        lines.push([load, impl, 'pipeline', conns, i + 1, rps, (p99 / 2).toFixed(3), p99, 0, ...rss].join('\t')),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const WITH_GO = rowsText({
  'post/16': {
    fastify: [
      [6000, 9],
      [6200, 10],
      [5800, 11],
    ],
    'go-faithful': [
      [5000, 12],
      [5100, 12],
      [4900, 13],
    ],
    'go-tuned': [
      [9000, 6],
      [9100, 6],
      [8900, 7],
    ],
  },
  'post/64': {
    fastify: [
      [8000, 15],
      [8600, 14],
      [7400, 16],
    ],
    'go-faithful': [
      [7000, 20],
      [7100, 21],
      [6900, 19],
    ],
    'go-tuned': [
      [15000, 11],
      [15200, 12],
      [14800, 11],
    ],
  },
  'unique/16': {
    fastify: [
      [6500, 9],
      [6600, 9],
      [6400, 10],
    ],
    'go-faithful': [
      [5000, 14],
      [5200, 14],
      [4800, 15],
    ],
    'go-tuned': [
      [9500, 6],
      [9600, 6],
      [9400, 6],
    ],
  },
  'unique/64': {
    fastify: [
      [9000, 16],
      [9400, 15],
      [8800, 17],
    ],
    'go-faithful': [
      [7000, 22],
      [7100, 22],
      [6900, 23],
    ],
    'go-tuned': [
      [15000, 11],
      [15100, 11],
      [14900, 12],
    ],
  },
});
const FASTIFY_ALONE = rowsText({
  'post/64': {
    fastify: [
      [8000, 15],
      [8600, 14],
      [7400, 16],
    ],
  },
  'unique/64': {
    fastify: [
      [9000, 16],
      [9400, 15],
      [8800, 17],
    ],
  },
});
const WITH_RSS = rowsText({
  'post/16': {
    fastify: [
      [6000, 9, 80.1, 60.0],
      [6200, 10, 82.3, 61.5],
      [5800, 11, 81.0, 59.8],
    ],
    'go-faithful': [
      [5000, 12, 12.4, 10.2],
      [5100, 12, 12.0, 10.0],
      [4900, 13, 12.9, 10.4],
    ],
  },
  'post/64': {
    fastify: [
      [8000, 15, 95.0, 70.0],
      [8600, 14, 97.5, 72.0],
      [7400, 16, 96.2, 71.1],
    ],
    'go-faithful': [
      [7000, 20, 14.0, 11.0],
      [7100, 21, 14.5, 11.2],
      [6900, 19, 13.8, 10.9],
    ],
  },
});
/** Post at 64 connections with the CPU columns: the Fastify pipeline, the Node floor and go-faithful. */
const WITH_CPU_POST: Record<string, Round[]> = {
  fastify: [
    [8000, 15, 95.0, 70.0, 120, 70],
    [8600, 14, 97.5, 72.0, 110, 66],
    [7400, 16, 96.2, 71.1, 130, 72],
  ],
  'node-floor': [
    [9000, 12, 90.0, 70.0, 95, 68],
    [9500, 11, 91.0, 71.0, 90, 64],
    [8700, 13, 90.5, 70.5, 100, 70],
  ],
  'go-faithful': [
    [7000, 20, 14.0, 11.0, 200, 95],
    [7100, 21, 14.5, 11.2, 196, 94],
    [6900, 19, 13.8, 10.9, 205, 100],
  ],
};
/** With the CPU columns, a Go variant and the Node floor. */
const WITH_CPU = rowsText({ 'post/64': WITH_CPU_POST });
/** With the idle RSS columns: each service's resident set before the load of each start. */
const WITH_IDLE = rowsText({
  'post/64': {
    fastify: [
      [8000, 15, 95.0, 70.0, 120, 70, 96.5, 94.0],
      [8600, 14, 97.5, 72.0, 110, 66, 97.1, 95.2],
      [7400, 16, 96.2, 71.1, 130, 72, 95.9, 94.8],
    ],
    'go-faithful': [
      [7000, 20, 14.0, 11.0, 200, 95, 9.1, 8.0],
      [7600, 19, 14.5, 11.2, 196, 94, 9.3, 8.2],
      [7200, 20, 13.8, 10.9, 205, 100, 9.2, 8.1],
    ],
  },
});
/** As bench.sh writes rows where /proc gives no VmHWM. */
const RSS_NAN = rowsText({
  'post/64': {
    fastify: [
      [8000, 15, NaN, NaN],
      [8600, 14, NaN, NaN],
    ],
  },
});

/** The chart as a DOM; a document that is not well-formed XML fails the test. */
function parseSvg(svg: string) {
  const document = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`SVG is not well-formed: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  const all = (tag: string) => Array.from(document.getElementsByTagName(tag)) as Element[];
  const byClass = (tag: string, name: string) => all(tag).filter((element) => element.getAttribute('class') === name);
  return { document, all, byClass };
}

const panelOf = (element: Element): string | null => {
  for (let node = element.parentNode as Element | null; node; node = node.parentNode as Element | null) {
    if (node.getAttribute?.('class') === 'panel') return node.getAttribute('data-metric');
  }
  return null;
};

describe('the chart of a bench run', () => {
  const rows = parseRows(WITH_GO);
  const summaries = summarise(rows);
  const svg = benchChart(summaries, { title: 'A title & more', subtitle: 'measured <here>' });
  const { all, byClass } = parseSvg(svg);

  test('one bar per panel, load and connection count, and implementation, each holding its median', () => {
    const bars = byClass('rect', 'bar');
    expect(bars).toHaveLength(2 * 4 * 3);
    for (const metric of ['rps', 'p99'] as const) {
      for (const s of summaries) {
        const bar = bars.find(
          (b) =>
            panelOf(b) === metric &&
            b.getAttribute('data-impl') === s.impl &&
            b.getAttribute('data-group') === `${s.load}, ${s.conns} conns`,
        );
        expect(Number(bar?.getAttribute('data-value'))).toBe(s[metric].median);
      }
    }
  });

  test('bar heights are proportional to the values, and the axis covers the largest round', () => {
    for (const metric of ['rps', 'p99']) {
      const bars = byClass('rect', 'bar').filter((bar) => panelOf(bar) === metric);
      const perUnit = bars.map((bar) => Number(bar.getAttribute('height')) / Number(bar.getAttribute('data-value')));
      for (const ratio of perUnit) expect(ratio).toBeCloseTo(perUnit[0], 2);
      const ticks = byClass('text', 'tick')
        .filter((tick) => panelOf(tick) === metric)
        .map((tick) => Number(tick.textContent!.replace(/,/g, '')));
      const largest = Math.max(...summaries.map((s) => s[metric as 'rps' | 'p99'].max));
      expect(Math.max(...ticks)).toBeGreaterThanOrEqual(largest);
      expect(Math.min(...ticks)).toBe(0);
    }
    // 15,200 req/s (go-tuned, post, 64) is the largest round: an axis to 20,000 in steps of 5,000 (the plot's 200 px)
    const tallest = byClass('rect', 'bar').find((bar) => panelOf(bar) === 'rps' && bar.getAttribute('data-value') === '15000')!;
    expect(Number(tallest.getAttribute('height'))).toBeCloseTo((15000 / 20000) * 200, 0);
  });

  test('medians are written above the bars, with the legend, the group labels and the escaped title', () => {
    const values = byClass('text', 'value').map((text) => text.textContent);
    expect(values).toEqual(expect.arrayContaining(['8,000', '15,000', '15.0', '22.0']));
    expect(values).toHaveLength(24);
    expect(byClass('g', 'legend').map((g) => g.getAttribute('data-impl'))).toEqual(['fastify', 'go-faithful', 'go-tuned']);
    expect(byClass('text', 'group-label').map((text) => text.textContent)).toEqual(
      Array(2).fill(['post, 16 conns', 'post, 64 conns', 'unique, 16 conns', 'unique, 64 conns']).flat(),
    );
    expect(byClass('text', 'title')[0].textContent).toBe('A title & more');
    expect(byClass('text', 'subtitle').map((line) => line.textContent)).toEqual(['measured <here>']);
    // a whisker wherever the rounds differ (unique, 16 connections, go-tuned: p99 6 ms in every round, none)
    const spreads = summaries.flatMap((s) => [s.rps, s.p99]).filter((spread) => spread.max > spread.min);
    expect(spreads).toHaveLength(23);
    expect(all('path').filter((path) => path.getAttribute('class') === 'range')).toHaveLength(spreads.length);
  });
});

describe('chart helpers', () => {
  test('the axis ends on a round step above the largest value', () => {
    expect(axisScale(15200)).toEqual({ max: 20000, step: 5000 });
    expect(axisScale(9000)).toEqual({ max: 10000, step: 2000 });
    expect(axisScale(23)).toEqual({ max: 25, step: 5 });
    expect(axisScale(0.9)).toEqual({ max: 1, step: 0.2 });
    expect(axisScale(0)).toEqual({ max: 1, step: 0.2 });
  });

  test('a long subtitle is broken at spaces into lines of at most the given width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('short', 130)).toEqual(['short']);
  });

  test('text is escaped for XML', () => {
    expect(xmlText(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});

describe('the rows', () => {
  test("with the RSS columns: each service's peak RSS per run", () => {
    const rows = parseRows(WITH_RSS);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual({
      load: 'post',
      impl: 'fastify',
      conns: 16,
      round: 1,
      rps: 6000,
      p50: 4.5,
      p99: 9,
      errors: 0,
      ingestionRssMb: 80.1,
      processingRssMb: 60,
      ingestionCpuUs: NaN,
      processingCpuUs: NaN,
      ingestionIdleRssMb: NaN,
      processingIdleRssMb: NaN,
    });
    expect(parseRows(RSS_NAN).every((row) => Number.isNaN(row.ingestionRssMb) && Number.isNaN(row.processingRssMb))).toBe(true);
  });

  test('without them (files written before): RSS is NaN, the other columns as before', () => {
    const rows = parseRows(FASTIFY_ALONE);
    expect(rows.map((row) => [row.load, row.conns, row.round, row.rps, row.p99])).toEqual([
      ['post', 64, 1, 8000, 15],
      ['post', 64, 2, 8600, 14],
      ['post', 64, 3, 7400, 16],
      ['unique', 64, 1, 9000, 16],
      ['unique', 64, 2, 9400, 15],
      ['unique', 64, 3, 8800, 17],
    ]);
    expect(rows.every((row) => Number.isNaN(row.ingestionRssMb) && Number.isNaN(row.processingRssMb))).toBe(true);
  });

  test("with the CPU columns: each service's CPU time per request, summarised as median and range", () => {
    const rows = parseRows(WITH_CPU);
    expect(rows[0]).toMatchObject({ impl: 'fastify', ingestionCpuUs: 120, processingCpuUs: 70 });
    const floor = summarise(rows).find((s) => s.impl === 'node-floor')!;
    expect(floor.ingestionCpuUs).toEqual({ median: 95, min: 90, max: 100 });
    expect(floor.processingCpuUs).toEqual({ median: 68, min: 64, max: 70 });
    expect(parseRows(WITH_RSS).every((row) => Number.isNaN(row.ingestionCpuUs) && Number.isNaN(row.processingCpuUs))).toBe(true);
  });

  test("with the idle columns: each service's resident set before the load, summarised as median and range", () => {
    const rows = parseRows(WITH_IDLE);
    expect(rows[0]).toMatchObject({ impl: 'fastify', ingestionCpuUs: 120, ingestionIdleRssMb: 96.5, processingIdleRssMb: 94 });
    const fastify = summarise(rows).find((s) => s.impl === 'fastify')!;
    expect(fastify.ingestionIdleRssMb).toEqual({ median: 96.5, min: 95.9, max: 97.1 });
    expect(fastify.processingIdleRssMb).toEqual({ median: 94.8, min: 94, max: 95.2 });
    expect(parseRows(WITH_CPU).every((row) => Number.isNaN(row.ingestionIdleRssMb) && Number.isNaN(row.processingIdleRssMb))).toBe(true);
  });

  test("the summary holds the median and range of each service's peak RSS, NaN without it", () => {
    const fastify64 = summarise(parseRows(WITH_RSS)).find((s) => s.impl === 'fastify' && s.conns === 64)!;
    expect(fastify64.ingestionRssMb).toEqual({ median: 96.2, min: 95, max: 97.5 });
    expect(fastify64.processingRssMb).toEqual({ median: 71.1, min: 70, max: 72 });
    const [alone] = summarise(parseRows(FASTIFY_ALONE));
    expect(alone.ingestionRssMb).toEqual({ median: NaN, min: NaN, max: NaN });
  });
});

const RATIOS = 'Node / Go, per round (req/s ratio: higher is better; p99 and CPU per request ratios: lower is better)';

describe('the text report', () => {
  test("with RSS: a table of each service's peak RSS after the main table, median and min–max over the rounds", () => {
    const lines = benchReport(parseRows(WITH_RSS));
    const title = lines.indexOf('Peak RSS under load (MiB, median over rounds, min–max)');
    expect(title).toBeGreaterThan(lines.findIndex((line) => line.startsWith('post   64    go-faithful')));
    expect(title).toBeLessThan(lines.indexOf(RATIOS));
    expect(lines.slice(title + 1, title + 6)).toEqual([
      'load   conns impl         ingestion             processing',
      'post   16    fastify      81.0 (80.1–82.3)      60.0 (59.8–61.5)',
      'post   16    go-faithful  12.4 (12.0–12.9)      10.2 (10.0–10.4)',
      'post   64    fastify      96.2 (95.0–97.5)      71.1 (70.0–72.0)',
      'post   64    go-faithful  14.0 (13.8–14.5)      11.0 (10.9–11.2)',
    ]);
    expect(lines[title + 6]).toBe('');
  });

  test('with idle RSS: a table of it before the peak RSS table', () => {
    const lines = benchReport(parseRows(WITH_IDLE));
    const title = lines.indexOf('Idle RSS, a second after start (MiB, median over rounds, min–max)');
    expect(title).toBeGreaterThan(0);
    expect(title).toBeLessThan(lines.indexOf('Peak RSS under load (MiB, median over rounds, min–max)'));
    expect(lines.slice(title + 1, title + 4)).toEqual([
      'load   conns impl         ingestion             processing',
      'post   64    fastify      96.5 (95.9–97.1)      94.8 (94.0–95.2)',
      'post   64    go-faithful  9.2 (9.1–9.3)         8.1 (8.0–8.2)',
    ]);
    expect(benchReport(parseRows(WITH_CPU)).some((line) => line.startsWith('Idle RSS'))).toBe(false);
  });

  test('without RSS (older rows, or NaN where /proc gave none): no RSS table', () => {
    for (const text of [WITH_GO, FASTIFY_ALONE, RSS_NAN]) {
      expect(benchReport(parseRows(text)).some((line) => /RSS/.test(line))).toBe(false);
    }
  });

  test('with CPU: a table of CPU time per request after the RSS table, and the ratio of both services together per round', () => {
    const lines = benchReport(parseRows(WITH_CPU));
    const title = lines.indexOf('CPU time per request (µs, user + system of all threads, median over rounds, min–max)');
    expect(title).toBeGreaterThan(lines.indexOf('Peak RSS under load (MiB, median over rounds, min–max)'));
    expect(lines.slice(title + 1, title + 5)).toEqual([
      'load   conns impl         ingestion             processing',
      'post   64    fastify      120 (110–130)         70 (66–72)',
      'post   64    node-floor   95 (90–100)           68 (64–70)',
      'post   64    go-faithful  200 (196–205)         95 (94–100)',
    ]);
    // per round (120+70)/(200+95), (110+66)/(196+94), (130+72)/(205+100): 0.64, 0.61, 0.66
    expect(lines).toContain(
      'post   64    fastify    vs go-faithful  req/s ×1.14 (1.07–1.21)   p99 ×0.75 (0.67–0.84)   CPU/request ×0.64 (0.61–0.66)',
    );
    expect(lines.find((line) => line.startsWith('post   64    node-floor vs go-faithful'))).toMatch(/req\/s ×1\.29 .* CPU\/request ×0\.55/);
  });

  test('older rows without CPU: no CPU table and no CPU ratio (the speed target says it was not recorded)', () => {
    for (const text of [WITH_GO, WITH_RSS]) {
      const lines = benchReport(parseRows(text));
      const target = lines.findIndex((line) => line.startsWith('Speed target'));
      expect(lines.slice(0, target).some((line) => /CPU/.test(line.replace(RATIOS, '')))).toBe(false);
    }
  });

  test('with the Go reference but no CPU columns: ratios per round, and the speed target not met for want of CPU time', () => {
    const lines = benchReport(parseRows(WITH_GO));
    expect(lines).toContain(RATIOS);
    expect(lines.find((line) => line.startsWith('post   64    fastify    vs go-faithful'))).toMatch(/req\/s ×1\.14 .* p99 ×0\.75/);
    expect(lines.slice(lines.findIndex((line) => line.startsWith('Speed target')) + 1)).toEqual([
      '  post: CPU/request not recorded (target ≤ 0.90), p99 ×0.75 (target ≤ 1.00): NOT met',
      '  unique: CPU/request not recorded (target ≤ 0.90), p99 ×0.73 (target ≤ 1.00): NOT met',
      '  Speed target: NOT MET',
    ]);
  });

  test("the Node floor gets ratios too, but the target is the Fastify pipeline's alone, and a load not measured fails it", () => {
    const lines = benchReport(parseRows(WITH_CPU));
    // per round (120+70)/(200+95), (110+66)/(196+94), (130+72)/(205+100): median 0.64; p99 15/20, 14/21, 16/19: median 0.75
    expect(lines.slice(lines.findIndex((line) => line.startsWith('Speed target')) + 1)).toEqual([
      '  post: CPU/request ×0.64 (target ≤ 0.90), p99 ×0.75 (target ≤ 1.00): met',
      '  unique: not measured',
      '  Speed target: NOT MET',
    ]);
  });

  test('the speed target is met when both loads are at most 0.9× the CPU per request and at most the p99 of go-faithful', () => {
    const verdict = (uniqueFastifyCpu: [number, number][]) =>
      judgeSpeedTarget(
        ratiosToGo(
          parseRows(
            rowsText({
              'post/64': WITH_CPU_POST,
              'unique/64': {
                fastify: uniqueFastifyCpu.map(([ingestion, processing], i) => [9000, 16 - i, 90, 70, ingestion, processing] as Round),
                'go-faithful': [
                  [7000, 22, 14, 11, 200, 100],
                  [7100, 22, 14, 11, 200, 95],
                  [6900, 23, 14, 11, 205, 100],
                ],
              },
            }),
          ),
        ),
      )!;
    // unique per round 260/300, 250/295, 270/305: median 0.867 ≤ 0.9
    expect(
      verdict([
        [180, 80],
        [170, 80],
        [180, 90],
      ]),
    ).toMatchObject({ met: true, missing: [] });
    // 275/300, 260/295, 290/305: median 0.917 > 0.9
    const notMet = verdict([
      [180, 95],
      [170, 90],
      [190, 100],
    ]);
    expect(notMet.met).toBe(false);
    expect(notMet.loads.find((load) => load.load === 'unique')).toMatchObject({ met: false });
    expect(notMet.loads.find((load) => load.load === 'unique')!.cpuPerRequestRatio).toBeCloseTo(275 / 300, 6);
  });

  test('without it: the Fastify pipeline alone, said so, with no ratio and no target', () => {
    const lines = benchReport(parseRows(FASTIFY_ALONE));
    expect(lines[1]).toMatch(/^The Fastify pipeline alone: no Go reference was measured \(set GO_REFERENCE_DIR to compare\)/);
    expect(lines.some((line) => /Fastify \/ Go|Targets/.test(line))).toBe(false);
    expect(lines.filter((line) => /^(post|unique) +64 +fastify +(8000|9000) /.test(line))).toHaveLength(2);
  });

  test('bench-report.ts draws the chart of the Fastify pipeline alone, titled so', () => {
    const dir = tempDir('bench-report-');
    try {
      writeFileSync(join(dir, 'rows.tsv'), FASTIFY_ALONE);
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/bench/bench-report.ts',
          join(dir, 'rows.tsv'),
          '--chart',
          join(dir, 'chart.svg'),
          '--setup',
          '10 s runs',
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/The Fastify pipeline alone/);
      const { byClass } = parseSvg(readFileSync(join(dir, 'chart.svg'), 'utf8'));
      expect(byClass('text', 'title')[0].textContent).toBe('npm run bench: the Fastify pipeline alone (no Go reference measured)');
      expect(byClass('text', 'subtitle').map((line) => line.textContent)).toEqual([
        'Medians of 3 interleaved round(s), whiskers min–max; 10 s runs',
      ]);
      expect(new Set(byClass('rect', 'bar').map((bar) => bar.getAttribute('data-impl')))).toEqual(new Set(['fastify']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('the CPU per request record', () => {
  const setup = {
    host: 'AMD EPYC',
    cores: 2,
    date: '2026-12-07T19:00:00.000Z',
    node: 'v20.20.2',
    go: 'go version go1.19.8 linux/amd64',
    loadAverageBefore: 1.5,
    durationSeconds: 10,
    warmupSeconds: 5,
    warmupRequests: 15_000,
  };

  test("holds per implementation each service's CPU per request and the per-round sums, with the host and how it ran", () => {
    const record = cpuPerRequestRecord(parseRows(WITH_CPU), setup);
    expect(record).toMatchObject({ version: 1, ...setup, rounds: 3, connections: [64] });
    expect(record.measurements.find((m) => m.impl === 'fastify')).toMatchObject({
      load: 'post',
      conns: 64,
      rounds: 3,
      rps: { median: 8000, min: 7400, max: 8600 },
      ingestionUs: { median: 120, min: 110, max: 130 },
      processingUs: { median: 70, min: 66, max: 72 },
      // per round 120+70, 110+66, 130+72
      totalUs: { median: 190, min: 176, max: 202 },
    });
  });

  test('holds the per-round CPU ratios to Go and the speed target', () => {
    const record = cpuPerRequestRecord(parseRows(WITH_CPU), setup);
    // 190/295, 176/290, 202/305
    expect(record.ratios.find((r) => r.impl === 'fastify' && r.versus === 'go-faithful')!.cpuPerRequest).toEqual({
      median: 0.644,
      min: 0.607,
      max: 0.662,
    });
    expect(record.speedTarget).toEqual({
      cpuPerRequestRatioMax: 0.9,
      p99RatioMax: 1,
      conns: 64,
      versus: 'go-faithful',
      loads: [{ load: 'post', cpuPerRequestRatio: 0.644, p99Ratio: 0.75, met: true }],
      met: false,
    });
  });

  test('without CPU columns or Go: nulls where nothing was measured, valid JSON', () => {
    const record = cpuPerRequestRecord(parseRows(FASTIFY_ALONE), setup);
    expect(record.measurements[0].ingestionUs).toEqual({ median: null, min: null, max: null });
    expect(record.ratios).toEqual([]);
    expect(record.speedTarget).toBeNull();
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});

const wrk = spawnSync('sh', ['-c', 'command -v wrk && command -v curl'], { encoding: 'utf8' }).status === 0;
if (!wrk) console.warn('SKIPPED npm run bench without the Go reference: wrk or curl not found.');

test("the bench's payload is the article's sample event", () => {
  expect(JSON.parse(readFileSync(join(ROOT, 'scripts', 'bench', 'payload.json'), 'utf8'))).toEqual(SAMPLE_EVENT);
});

(wrk ? describe : describe.skip)('npm run bench without GO_REFERENCE_DIR', () => {
  const env = () => {
    const copy = { ...process.env };
    delete copy.GO_REFERENCE_DIR;
    return copy;
  };

  /**
   * Runs bench.sh with `args` for one round of 1 s without warm-up at 4 connections on free ports, from a directory
   * outside the repository, expects it to succeed, and hands its output and rows to `check` before its output folder
   * is removed.
   */
  async function shortBench(args: readonly string[], check: (run: SpawnSyncReturns<string>, rows: Row[], out: string) => void) {
    const out = tempDir('bench-run-');
    try {
      const [ingestion, processing] = [await freeLoopbackPort(), await freeLoopbackPort()];
      const run = spawnSync(
        'bash',
        [
          join(ROOT, 'scripts', 'bench', 'bench.sh'),
          '--no-build',
          ...['--rounds', '1', '--duration', '1', '--warmup', '0', '--connections', '4', ...args],
          ...['--ingestion-port', String(ingestion), '--processing-port', String(processing)],
          ...['--out', out],
        ],
        { cwd: out, env: env(), encoding: 'utf8', timeout: 100_000 },
      );
      expect(run.status).toBe(0);
      const rowsFile = readdirSync(out).find((file) => file.endsWith('.tsv'))!;
      check(run, parseRows(readFileSync(join(out, rowsFile), 'utf8')), out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }

  test('measures the Fastify pipeline alone, says so, and writes its rows and chart', async () => {
    await shortBench(['--loads', 'post unique'], (run, rows, out) => {
      expect(run.stderr).toMatch(/GO_REFERENCE_DIR is not set: measuring the Fastify pipeline alone/);
      expect(run.stdout).toMatch(/The Fastify pipeline alone/);
      expect(rows.map((row) => [row.load, row.impl, row.conns, row.errors])).toEqual([
        ['post', 'fastify', 4, 0],
        ['unique', 'fastify', 4, 0],
      ]);
      expect(rows.every((row) => row.rps > 0)).toBe(true);
      for (const row of rows) {
        // VmHWM of each Node process under load: tens of MiB
        expect(row.ingestionRssMb).toBeGreaterThan(10);
        expect(row.processingRssMb).toBeGreaterThan(10);
        // CPU per request: tens of microseconds at least, well under the second of a run
        expect(row.ingestionCpuUs).toBeGreaterThan(10);
        expect(row.ingestionCpuUs).toBeLessThan(100_000);
        expect(row.processingCpuUs).toBeGreaterThan(10);
        // VmRSS of each Node process before the load: tens of MiB, below the peak
        expect(row.ingestionIdleRssMb).toBeGreaterThan(10);
        expect(row.ingestionIdleRssMb).toBeLessThanOrEqual(row.ingestionRssMb);
        expect(row.processingIdleRssMb).toBeGreaterThan(10);
      }
      expect(run.stdout).toMatch(/Idle RSS, a second after start/);
      expect(run.stdout).toMatch(/Peak RSS under load/);
      expect(run.stdout).toMatch(/CPU time per request/);
      // the chart and the CPU record go to the output folder, not over the committed docs
      expect(existsSync(join(out, 'benchmark.svg'))).toBe(true);
      expect(run.stdout).toMatch(/The committed docs\/benchmark.svg and docs\/bench\/cpu-per-request.json are unchanged/);
      const record = JSON.parse(readFileSync(join(out, 'cpu-per-request.json'), 'utf8'));
      expect(record).toMatchObject({ version: 1, cores: expect.any(Number), durationSeconds: 1, warmupSeconds: 0, speedTarget: null });
      expect(record.host).not.toBe('');
      expect(record.measurements.map((m: { load: string }) => m.load)).toEqual(['post', 'unique']);
      expect(record.measurements[0].ingestionUs.median).toBeGreaterThan(10);
    });
  }, 120_000);

  test('the Node floor forwards every request through the same processing, with its CPU per request recorded', async () => {
    await shortBench(['--loads', 'post', '--impls', 'node-floor'], (run, rows) => {
      expect(run.stdout).toMatch(/node-floor alone: no Go reference was measured/);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ load: 'post', impl: 'node-floor', errors: 0 });
      expect(rows[0].rps).toBeGreaterThan(0);
      expect(rows[0].ingestionCpuUs).toBeGreaterThan(10);
      expect(rows[0].processingCpuUs).toBeGreaterThan(10);
    });
  }, 120_000);

  test('without wrk it says how to install it, and measures nothing', () => {
    const bin = tempDir('bench-path-');
    try {
      for (const tool of ['node', 'cut', 'dirname']) {
        const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        symlinkSync(found, join(bin, tool));
      }
      const run = spawnSync('/bin/bash', [join(ROOT, 'scripts', 'bench', 'bench.sh'), '--no-build'], {
        cwd: ROOT,
        env: { ...env(), PATH: bin },
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/bench: wrk is not installed/);
      expect(run.stderr).toMatch(/apt-get install -y wrk curl golang-go golang-github-gorilla-mux-dev/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('asking for a Go variant without GO_REFERENCE_DIR is a usage error', () => {
    const run = spawnSync('bash', ['scripts/bench/bench.sh', '--no-build', '--impls', 'fastify go-faithful'], {
      cwd: ROOT,
      env: env(),
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Go variants need GO_REFERENCE_DIR/);
  });
});
