/**
 * The SVG chart of a `npm run bench` run: two panels, throughput (req/s) and
 * p99 latency (ms); in each, one group of bars per load and connection count,
 * one bar per implementation (the median over the rounds) with a whisker
 * from the smallest to the largest round and the median written above it.
 * Plain SVG 1.1 text, no script and no external resource, so that GitHub
 * shows it as an image.
 */
import { distinct, type Spread, type Summary } from './bench-rows';

export interface ChartText {
  /** First line, bold. */
  readonly title: string;
  /** Second line: how the figures were measured. */
  readonly subtitle: string;
}

interface Panel {
  readonly metric: 'rps' | 'p99';
  readonly heading: string;
  readonly format: (value: number) => string;
}

const PANELS: readonly Panel[] = [
  { metric: 'rps', heading: 'Throughput, req/s (higher is better)', format: (value) => Math.round(value).toLocaleString('en-US') },
  { metric: 'p99', heading: 'p99 latency, ms (lower is better)', format: (value) => value.toFixed(1) },
];
/** Colours of the implementations the bench knows; others take the next of EXTRA_COLOURS. */
const COLOURS: Readonly<Record<string, string>> = {
  fastify: '#2f6fb0',
  'node-floor': '#9dc3e6',
  'go-faithful': '#e0892b',
  'go-tuned': '#8c8c8c',
};
const EXTRA_COLOURS = ['#5aa25a', '#b05a9c', '#c2b13c'];

const WIDTH = 960;
const PLOT_LEFT = 80;
const PLOT_RIGHT = WIDTH - 24;
/** Height of the title, the legend and the margins around them; each subtitle line adds SUBTITLE_LINE. */
const HEADER_HEIGHT = 76;
const SUBTITLE_LINE = 16;
/** Characters of subtitle per line (12 px Helvetica over the chart's width). */
const SUBTITLE_CHARACTERS = 130;
const PANEL_HEADING = 26;
const PLOT_HEIGHT = 200;
const GROUP_LABELS = 40;
const PANEL_HEIGHT = PANEL_HEADING + PLOT_HEIGHT + GROUP_LABELS;
const MAX_BAR_WIDTH = 56;

/** Text safe inside an XML element or attribute. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** An axis maximum of about five round steps (1, 2, 2.5 or 5 × 10^n) that covers `value`. */
export function axisScale(value: number): { max: number; step: number } {
  if (!(value > 0)) return { max: 1, step: 0.2 };
  const rough = value / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough)!;
  return { max: Math.ceil(value / step - 1e-9) * step, step };
}

const round = (value: number): string => String(Math.round(value * 10) / 10);

/** `text` in lines of at most `width` characters, broken at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** An axis tick: whole numbers with thousands separators, else as many decimals as the step has. */
function tickLabel(value: number, step: number): string {
  const decimals = Number.isInteger(step) ? 0 : String(step).split('.')[1].length;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** The chart of `summaries` as an SVG document. */
export function benchChart(summaries: readonly Summary[], text: ChartText): string {
  const groups = distinct(summaries.map((s) => `${s.load}\u0000${s.conns}`)).map((key) => {
    const [load, conns] = key.split('\u0000');
    return { load, conns: Number(conns) };
  });
  const impls = distinct(summaries.map((s) => s.impl));
  const colour = new Map(impls.map((impl, i) => [impl, COLOURS[impl] ?? EXTRA_COLOURS[i % EXTRA_COLOURS.length]]));
  const subtitle = wrap(text.subtitle, SUBTITLE_CHARACTERS);
  const header = HEADER_HEIGHT + subtitle.length * SUBTITLE_LINE;
  const height = header + PANELS.length * PANEL_HEIGHT + 8;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      `role="img" aria-label="${xmlText(text.title)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${xmlText(`${text.title}. ${text.subtitle}`)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${PLOT_LEFT}" y="26" font-size="17" font-weight="bold">${xmlText(text.title)}</text>`,
    ...subtitle.map(
      (line, i) => `<text class="subtitle" x="${PLOT_LEFT}" y="${46 + i * SUBTITLE_LINE}" fill="#444444">${xmlText(line)}</text>`,
    ),
  ];
  impls.forEach((impl, i) => {
    const x = PLOT_LEFT + i * 150;
    out.push(
      `<g class="legend" data-impl="${xmlText(impl)}"><rect x="${x}" y="${header - 30}" width="14" height="14" fill="${colour.get(impl)}"/>` +
        `<text x="${x + 20}" y="${header - 18}">${xmlText(impl)}</text></g>`,
    );
  });

  const groupWidth = (PLOT_RIGHT - PLOT_LEFT) / Math.max(groups.length, 1);
  const barWidth = Math.min(MAX_BAR_WIDTH, (groupWidth * 0.8) / Math.max(impls.length, 1));
  PANELS.forEach((panel, p) => {
    const top = header + p * PANEL_HEIGHT;
    const plotTop = top + PANEL_HEADING;
    const plotBottom = plotTop + PLOT_HEIGHT;
    const spreads = summaries.map((s) => s[panel.metric]);
    const { max, step } = axisScale(Math.max(...spreads.map((s) => s.max)));
    const y = (value: number) => plotBottom - (value / max) * PLOT_HEIGHT;
    out.push(`<g class="panel" data-metric="${panel.metric}">`);
    out.push(
      `<text class="panel-heading" x="${PLOT_LEFT}" y="${top + 16}" font-size="14" font-weight="bold">${xmlText(panel.heading)}</text>`,
    );
    for (let tick = 0; tick <= max + 1e-9; tick += step) {
      out.push(
        `<line x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="${tick === 0 ? '#333333' : '#e3e3e3'}"/>` +
          `<text class="tick" x="${PLOT_LEFT - 8}" y="${round(y(tick) + 4)}" text-anchor="end" fill="#444444">${xmlText(tickLabel(tick, step))}</text>`,
      );
    }
    groups.forEach((group, g) => {
      const groupLabel = `${group.load}, ${group.conns} conns`;
      const centre = PLOT_LEFT + (g + 0.5) * groupWidth;
      out.push(`<text class="group-label" x="${round(centre)}" y="${plotBottom + 18}" text-anchor="middle">${xmlText(groupLabel)}</text>`);
      const present = impls.filter((impl) => summaries.some((s) => s.load === group.load && s.conns === group.conns && s.impl === impl));
      present.forEach((impl, i) => {
        const s = summaries.find(
          (candidate) => candidate.load === group.load && candidate.conns === group.conns && candidate.impl === impl,
        )!;
        const value: Spread = s[panel.metric];
        const x = centre - (present.length * barWidth) / 2 + i * barWidth;
        const barTop = y(value.median);
        out.push(
          `<rect class="bar" data-impl="${xmlText(impl)}" data-group="${xmlText(groupLabel)}" data-value="${value.median}" ` +
            `x="${round(x + 2)}" y="${round(barTop)}" width="${round(barWidth - 4)}" height="${round(plotBottom - barTop)}" ` +
            `fill="${colour.get(impl)}"><title>${xmlText(`${impl}, ${groupLabel}: ${panel.format(value.median)} (${panel.format(value.min)}–${panel.format(value.max)})`)}</title></rect>`,
        );
        const middle = x + barWidth / 2;
        if (value.max > value.min) {
          out.push(
            `<path class="range" d="M${round(middle)} ${round(y(value.min))}V${round(y(value.max))}` +
              `M${round(middle - 5)} ${round(y(value.min))}H${round(middle + 5)}M${round(middle - 5)} ${round(y(value.max))}H${round(middle + 5)}" stroke="#222222"/>`,
          );
        }
        out.push(
          `<text class="value" x="${round(middle)}" y="${round(Math.min(barTop, y(value.max)) - 5)}" text-anchor="middle" font-size="11">` +
            `${xmlText(panel.format(value.median))}</text>`,
        );
      });
    });
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
