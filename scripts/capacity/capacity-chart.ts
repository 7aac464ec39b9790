/**
 * The SVG chart of `npm run capacity -- --chart FILE`: tasks per service and
 * monthly cost per component against fleet size, both on log scales, with
 * a numbered dashed line at each knee (capacity-sweep.ts) explained under
 * the plots. Plain SVG 1.1, no script, as the bench chart.
 */
import { wrap, xmlText } from '../bench/bench-chart';
import type { CapacityResult } from './capacity-model';
import { costLines } from './capacity-report';
import type { Knee } from './capacity-sweep';

export interface CapacityChartText {
  readonly title: string;
  readonly subtitle: string;
}

interface Series {
  readonly name: string;
  readonly colour: string;
  readonly value: (result: CapacityResult) => number;
  readonly width?: number;
}

const TASK_SERIES: readonly Series[] = [
  { name: 'ingestion tasks', colour: '#2f6fb0', value: (r) => r.ingestion.tasks },
  { name: 'processing tasks', colour: '#e0892b', value: (r) => r.processing.tasks },
];
const cost = (name: string) => (r: CapacityResult) => costLines(r).find((line) => line.name === name)!.usd;
const COST_SERIES: readonly Series[] = [
  { name: 'total', colour: '#222222', value: (r) => r.monthlyUsd, width: 3 },
  { name: 'Fargate (both services)', colour: '#2f6fb0', value: (r) => r.ingestion.monthlyUsd + r.processing.monthlyUsd },
  { name: 'cache', colour: '#b05a9c', value: cost('Cache (ElastiCache)') },
  { name: 'logs', colour: '#5aa25a', value: cost('CloudWatch Logs') },
  { name: 'load balancer', colour: '#e0892b', value: cost('Load balancer') },
  { name: 'WAF', colour: '#c2b13c', value: cost('WAF') },
  { name: 'NAT + egress', colour: '#8c8c8c', value: (r) => r.network.monthlyUsd },
  { name: 'retry queue', colour: '#9dc3e6', value: cost('Retry queue (SQS)') },
];

const WIDTH = 960;
const LEFT = 90;
const RIGHT = WIDTH - 190;
const PLOT_HEIGHT = 260;
const PANEL_GAP = 70;
const round = (value: number): string => String(Math.round(value * 10) / 10);
const decades = (min: number, max: number): number[] => {
  const list: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) list.push(10 ** e);
  return list;
};
const short = (value: number): string =>
  value >= 1e6 ? `${value / 1e6}M` : value >= 1e3 ? `${value / 1e3}k` : value >= 1 ? String(value) : value.toString();

/** The chart of a sweep's `results` and their `knees`. */
export function capacityChart(results: readonly CapacityResult[], kneeList: readonly Knee[], text: CapacityChartText): string {
  const xs = results.map((r) => r.input.vehicles);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const x = (vehicles: number) =>
    LEFT + ((Math.log10(vehicles) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (RIGHT - LEFT);
  const subtitle = wrap(text.subtitle, 140);
  const top = 56 + subtitle.length * 16;
  const kneeLines = kneeList.map((knee, i) => `${i + 1}. ${knee.text}, from ${knee.vehicles.toLocaleString('en-US')} vehicles`);
  const kneeRows = Math.ceil(kneeLines.length / 2);
  const height = top + 2 * (PLOT_HEIGHT + PANEL_GAP) + 30 + kneeRows * 16 + 20;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" ` +
      `aria-label="${xmlText(text.title)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${xmlText(`${text.title}. ${text.subtitle}`)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${LEFT}" y="26" font-size="17" font-weight="bold">${xmlText(text.title)}</text>`,
    ...subtitle.map((line, i) => `<text class="subtitle" x="${LEFT}" y="${46 + i * 16}" fill="#444444">${xmlText(line)}</text>`),
  ];
  const panels = [
    { metric: 'tasks', heading: 'Tasks per service (log scale)', series: TASK_SERIES, format: short },
    { metric: 'cost', heading: 'Monthly cost, USD (log scale)', series: COST_SERIES, format: (v: number) => `$${short(v)}` },
  ];
  panels.forEach((panel, p) => {
    const plotTop = top + p * (PLOT_HEIGHT + PANEL_GAP) + 24;
    const plotBottom = plotTop + PLOT_HEIGHT;
    const values = panel.series.flatMap((s) => results.map(s.value)).filter((v) => v > 0);
    const [yMin, yMax] = [10 ** Math.floor(Math.log10(Math.min(...values))), 10 ** Math.ceil(Math.log10(Math.max(...values)))];
    const y = (value: number) =>
      plotBottom - ((Math.log10(Math.max(value, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * PLOT_HEIGHT;
    out.push(`<g class="panel" data-metric="${panel.metric}">`);
    out.push(
      `<text class="panel-heading" x="${LEFT}" y="${plotTop - 10}" font-size="14" font-weight="bold">${xmlText(panel.heading)}</text>`,
    );
    for (const tick of decades(yMin, yMax)) {
      out.push(
        `<line x1="${LEFT}" x2="${RIGHT}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="${tick === yMin ? '#333333' : '#e3e3e3'}"/>` +
          `<text class="tick" x="${LEFT - 8}" y="${round(y(tick) + 4)}" text-anchor="end" fill="#444444">${xmlText(panel.format(tick))}</text>`,
      );
    }
    for (const tick of decades(xMin, xMax)) {
      out.push(
        `<line x1="${round(x(tick))}" x2="${round(x(tick))}" y1="${plotTop}" y2="${plotBottom}" stroke="#eeeeee"/>` +
          `<text class="tick" x="${round(x(tick))}" y="${plotBottom + 16}" text-anchor="middle" fill="#444444">${xmlText(short(tick))}</text>`,
      );
    }
    out.push(`<text x="${round((LEFT + RIGHT) / 2)}" y="${plotBottom + 34}" text-anchor="middle">vehicles (log scale)</text>`);
    kneeList.forEach((knee, i) => {
      const kx = round(x(knee.vehicles));
      out.push(
        `<g class="knee" data-component="${xmlText(knee.component)}" data-vehicles="${knee.vehicles}">` +
          `<line x1="${kx}" x2="${kx}" y1="${plotTop}" y2="${plotBottom}" stroke="#c0392b" stroke-dasharray="4 3"/>` +
          `<text x="${kx}" y="${plotTop - (i % 2 === 0 ? 0 : 0) + 12 + (i % 3) * 12}" text-anchor="middle" font-size="10" fill="#c0392b">${i + 1}</text></g>`,
      );
    });
    panel.series.forEach((series, s) => {
      const points = results.map((r) => `${round(x(r.input.vehicles))},${round(y(series.value(r)))}`).join(' ');
      out.push(
        `<polyline class="series" data-name="${xmlText(series.name)}" points="${points}" fill="none" stroke="${series.colour}" stroke-width="${series.width ?? 2}"/>`,
      );
      const ly = plotTop + 10 + s * 18;
      out.push(
        `<g class="legend"><line x1="${RIGHT + 16}" x2="${RIGHT + 36}" y1="${ly}" y2="${ly}" stroke="${series.colour}" stroke-width="${series.width ?? 2}"/>` +
          `<text x="${RIGHT + 42}" y="${ly + 4}">${xmlText(series.name)}</text></g>`,
      );
    });
    out.push('</g>');
  });
  const listTop = top + 2 * (PLOT_HEIGHT + PANEL_GAP) + 14;
  out.push(`<text x="${LEFT}" y="${listTop}" font-weight="bold">Where a component stops scaling linearly (dashed red lines)</text>`);
  kneeLines.forEach((line, i) => {
    const column = i < kneeRows ? 0 : 1;
    const row = i % kneeRows;
    out.push(`<text class="knee-label" x="${LEFT + column * 420}" y="${listTop + 18 + row * 16}" font-size="11">${xmlText(line)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
