// Vega-Lite specifications of vmmsim's charts, built from result records
// (means over replicates): Figure-4-style grouped log-scale bars of cycles per
// iteration by workload × mode, Figure-5-style overhead bars per category,
// and lines over each swept parameter. Pure data → spec; rendering is in
// renderChart.ts.
import type { TopLevelSpec } from 'vega-lite';
import type { ResultRecord } from '../run/record.js';
import { CATEGORIES } from '../vmm/categories.js';
import { summarize, type SummaryRow } from './summary.js';
import { walkChartSpec } from './walkChart.js';

/** A chart to render: file stem and its Vega-Lite spec. */
export interface ChartSpec {
  name: string;
  spec: TopLevelSpec;
}

/** Display order and colours of the execution modes (others follow, in Vega's default palette). */
const MODE_COLOURS: ReadonlyArray<[string, string]> = [
  ['native', '#4c78a8'],
  ['software', '#f58518'],
  ['hardware', '#e45756'],
  ['nested', '#54a24b'],
  ['interpreter', '#b279a2'],
  ['trap-and-emulate', '#9d755d'],
];
const EXTRA_COLOURS = ['#72b7b2', '#eeca3b', '#ff9da6', '#bab0ac'];

/** Most panels a faceted chart gets before the rest are left out (a wall of tiny plots helps nobody). */
export const MAX_PANELS = 24;

/** Most sweep points side by side in the overhead grid (one column each). */
export const MAX_GRID_COLUMNS = 8;

/** Axis numbers: SI prefixes from a thousand up (2k, 10M), plain numbers below (0.1, 250). */
const AXIS_NUMBERS = { labelExpr: "abs(datum.value) >= 1000 ? format(datum.value, '~s') : format(datum.value, '~g')" };

const CONFIG = {
  font: 'DejaVu Sans',
  background: 'white',
  padding: 12,
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 13 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 16, anchor: 'start' as const, offset: 12, subtitleFontSize: 12, subtitleColor: '#555' },
};

interface Row {
  panel: string;
  workload: string;
  vmm: string;
  value: number;
  low: number | null;
  high: number | null;
  [param: string]: unknown;
}

/** All charts that make sense for these records. */
export function buildCharts(records: readonly ResultRecord[]): ChartSpec[] {
  const ok = records.filter((r) => r.error === undefined);
  if (ok.length === 0) return [];
  const summary = summarize(ok);
  const modes = modeScale(ok.map((r) => r.vmm));
  const charts: ChartSpec[] = [cyclesChart(summary, modes)];
  const overhead = overheadChart(summary, modes);
  if (overhead) charts.push(overhead);
  charts.push(...lineCharts(summary, modes));
  const walks = walkChartSpec(summary, modes, CONFIG);
  if (walks) charts.push({ name: 'walk-cycles-per-miss', spec: walks });
  return charts;
}

function modeScale(vmms: readonly string[]): { domain: string[]; range: string[] } {
  const present = new Set(vmms);
  const domain = [...MODE_COLOURS.map(([m]) => m).filter((m) => present.has(m)), ...[...present].filter((m) => !MODE_COLOURS.some(([k]) => k === m))];
  const range = domain.map((m, i) => MODE_COLOURS.find(([k]) => k === m)?.[1] ?? EXTRA_COLOURS[i % EXTRA_COLOURS.length]);
  return { domain, range };
}

/**
 * A point's label: its CPU and the swept values that are not already the CPU
 * or mode, keys shortened to their last segment (cpu.vmx.vmExitCycles →
 * vmExitCycles). Parts are separated by "; " and shown one per line.
 */
function panelOf(s: SummaryRow): string {
  const rest = Object.entries(s.params).filter(([k]) => k !== 'cpu' && k !== 'vmm').map(([k, v]) => `${k.split('.').pop()}=${v}`);
  return [s.cpu, ...rest].join('; ');
}

/** A log-scale domain minimum a decade-step below the smallest value, so the shortest bar still shows. */
function logFloor(values: readonly number[]): number {
  const min = Math.min(...values.filter((v) => v > 0));
  return Number.isFinite(min) ? 10 ** Math.floor(Math.log10(min * 0.999)) : 1;
}

/** Log axis ticks at the powers of ten that span the values (denser ticks crowd the labels). */
function decades(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [1];
  const lo = Math.floor(Math.log10(Math.min(...positive) * 0.999));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

function rowsOf(summary: readonly SummaryRow[], category: string, metric: string, scale: (s: SummaryRow) => number = () => 1): Row[] {
  return summary
    .filter((s) => s.category === category && s.metric === metric)
    .map((s) => {
      const k = scale(s);
      return { panel: panelOf(s), workload: s.workload, vmm: s.vmm, value: s.mean / k, low: s.ci95Low === null ? null : s.ci95Low / k, high: s.ci95High === null ? null : s.ci95High / k, ...s.params };
    });
}

function panels(rows: readonly Row[]): string[] {
  return [...new Set(rows.map((r) => r.panel))];
}

/** Wrap a layered chart in a facet over panels when there is more than one. */
function facetOver(field: string, values: readonly string[], columns: number, inner: Record<string, unknown>, data: unknown[], title: { text: string; subtitle?: string }): TopLevelSpec {
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, title, data: { values: data } };
  if (values.length <= 1) return { ...base, ...inner } as unknown as TopLevelSpec;
  return {
    ...base,
    facet: { field, type: 'nominal', sort: values, title: null, header: { labelFontWeight: 'bold', labelExpr: "split(datum.value, '; ')" } },
    columns,
    spec: inner,
  } as unknown as TopLevelSpec;
}

function errorLayer(x: Record<string, unknown>, xOffset: Record<string, unknown> | null, yTitle: string | null, log: boolean): Record<string, unknown> {
  return {
    transform: [{ filter: 'datum.low !== null' }],
    mark: { type: 'rule', color: '#222', strokeWidth: 1.2 },
    encoding: {
      x, ...(xOffset ? { xOffset } : {}),
      y: { field: 'low', type: 'quantitative', title: yTitle, ...(log ? { scale: { type: 'log' } } : {}) },
      y2: { field: 'high' },
    },
  };
}

/** Figure 4 style: cycles per iteration, bars grouped by workload, one per mode, log scale. */
function cyclesChart(summary: readonly SummaryRow[], modes: { domain: string[]; range: string[] }): ChartSpec {
  const rows = rowsOf(summary, 'total', 'cyclesPerIteration').filter((r) => r.value > 0);
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const ps = panels(rows).slice(0, MAX_PANELS);
  const data = rows.filter((r) => ps.includes(r.panel));
  const yTitle = 'CPU cycles per iteration (log scale)';
  const x = { field: 'workload', type: 'nominal', sort: workloads, title: 'workload', axis: { labelAngle: -30 } };
  const xOffset = { field: 'vmm', type: 'nominal', sort: modes.domain };
  const inner = {
    width: Math.max(220, workloads.length * (12 * modes.domain.length + 16)),
    height: 240,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x, xOffset,
          y: {
            field: 'value', type: 'quantitative', title: yTitle, stack: null,
            scale: { type: 'log', domainMin: logFloor(data.map((r) => r.value)) },
            axis: { ...AXIS_NUMBERS, values: decades(data.map((r) => r.value)) },
          },
          color: { field: 'vmm', type: 'nominal', title: 'mode', scale: modes },
          tooltip: [{ field: 'panel' }, { field: 'workload' }, { field: 'vmm' }, { field: 'value', format: ',.1f' }],
        },
      },
      errorLayer(x, xOffset, yTitle, true),
    ],
  };
  return {
    name: 'cycles',
    spec: facetOver('panel', ps, 2, inner, data, {
      text: 'Cycles per iteration by workload and mode',
      subtitle: `mean over replicates${ps.length > 1 ? '; one panel per CPU and swept values' : ''}; lower is better${ps.length < panels(rows).length ? `; first ${ps.length} points shown` : ''}`,
    }),
  };
}

/**
 * Figure 5 style: overhead versus native per category, cycles per iteration,
 * one bar per non-native mode, in a grid of workload rows × sweep-point
 * columns. Each cell has its own y scale (overheads span four orders of
 * magnitude between workloads).
 */
function overheadChart(summary: readonly SummaryRow[], modes: { domain: string[]; range: string[] }): ChartSpec | null {
  const iterations = new Map<string, number>();
  for (const s of summary) if (s.category === 'total' && s.metric === 'iterations') iterations.set(groupKey(s), s.mean);
  const rows: Row[] = [];
  for (const s of summary) {
    if (s.vmm === 'native' || s.metric !== 'overheadCycles' || s.category === 'total') continue;
    const k = iterations.get(groupKey(s)) ?? 1;
    rows.push({ panel: panelOf(s), workload: s.workload, vmm: s.vmm, category: s.category, value: s.mean / k,
      low: s.ci95Low === null ? null : s.ci95Low / k, high: s.ci95High === null ? null : s.ci95High / k });
  }
  if (rows.length === 0) return null;
  const allPanels = panels(rows);
  const ps = allPanels.slice(0, MAX_GRID_COLUMNS);
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const data = rows.filter((r) => ps.includes(r.panel));
  const cats = CATEGORIES.filter((c) => data.some((r) => r.category === c));
  const nonNative = { domain: modes.domain.filter((m) => m !== 'native'), range: modes.range.filter((_, i) => modes.domain[i] !== 'native') };
  const yTitle = ps.length > 1 ? null : 'extra cycles/iteration';
  const x = { field: 'category', type: 'nominal', sort: cats, title: null, axis: { labelAngle: -30 } };
  const xOffset = { field: 'vmm', type: 'nominal', sort: nonNative.domain };
  const inner = {
    width: { step: 12 }, // per bar: with xOffset the step is the width of one mode's bar
    height: 150,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x, xOffset,
          y: { field: 'value', type: 'quantitative', title: yTitle, axis: AXIS_NUMBERS, stack: null },
          color: { field: 'vmm', type: 'nominal', title: 'mode', scale: nonNative },
          tooltip: [{ field: 'panel' }, { field: 'workload' }, { field: 'category' }, { field: 'vmm' }, { field: 'value', format: ',.1f' }],
        },
      },
      errorLayer(x, xOffset, yTitle, false),
      { mark: { type: 'rule', color: '#444' }, encoding: { y: { datum: 0 } } },
    ],
  };
  const header = { labelFontWeight: 'bold', labelExpr: "split(datum.value, '; ')" };
  // Rows are workloads and columns points (one column without a sweep): wrapped facets
  // with independent y scales leave their x axes adrift, a grid keeps them in place.
  const facet = { row: { field: 'workload', type: 'nominal', sort: workloads, title: null, header }, column: { field: 'panel', type: 'nominal', sort: ps, title: null, header } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: 'Overhead versus native by category',
      subtitle: [
        'bars: extra CPU cycles per iteration over the native run, by cost category (below zero: faster than native)',
        'mean over replicates; each cell has its own y scale' + (ps.length < allPanels.length ? `; first ${ps.length} of ${allPanels.length} points shown` : ''),
      ],
    },
    data: { values: data },
    facet,
    spec: inner,
    // Shared categories make cells comparable; each cell's own y scale keeps small overheads visible.
    resolve: { scale: { y: 'independent' } },
  };
  return { name: 'overhead', spec: spec as unknown as TopLevelSpec };
}

function groupKey(s: SummaryRow): string {
  return JSON.stringify([s.point, s.workload, s.vmm, s.cpu]);
}

/** One line chart per swept parameter with two or more values: cycles per iteration over it, a line per mode. */
function lineCharts(summary: readonly SummaryRow[], modes: { domain: string[]; range: string[] }): ChartSpec[] {
  const rows = rowsOf(summary, 'total', 'cyclesPerIteration').filter((r) => r.value > 0);
  const keys = [...new Set(summary.flatMap((s) => Object.keys(s.params)))];
  const out: ChartSpec[] = [];
  for (const key of keys) {
    if (key === 'vmm') continue; // the mode is the colour of every line already
    const values = [...new Set(summary.map((s) => s.params[key]).filter((v) => v !== undefined))];
    if (values.length < 2) continue;
    const numeric = values.every((v) => typeof v === 'number');
    const others = keys.filter((k) => k !== key && k !== 'vmm');
    const data = rows.map((r) => ({ ...r, x: r[key], series: `${r.vmm}${others.length ? ' · ' + others.map((k) => `${k}=${String(r[k])}`).join(', ') : ''}` }));
    const workloads = [...new Set(data.map((r) => r.workload))];
    const yTitle = 'CPU cycles per iteration (log scale)';
    const x = numeric
      ? { field: 'x', type: 'quantitative', title: key, scale: { zero: false } }
      : { field: 'x', type: 'ordinal', title: key === 'cpu' ? 'CPU preset (in sweep order)' : key, sort: values.map(String), axis: { labelAngle: -30 } };
    const inner = {
      width: 260,
      height: 270,
      layer: [
        {
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative', title: yTitle, scale: { type: 'log' }, axis: { ...AXIS_NUMBERS, values: decades(data.map((r) => r.value)) } },
            color: { field: 'vmm', type: 'nominal', title: 'mode', scale: modes },
            // Modes that cost the same draw on top of each other; dashes keep each one visible.
            strokeDash: { field: 'vmm', type: 'nominal', sort: modes.domain, legend: null },
            detail: { field: 'series' },
            tooltip: [{ field: 'series' }, { field: 'x', title: key }, { field: 'value', format: ',.1f' }],
          },
        },
        errorLayer(x, null, yTitle, true),
      ],
    };
    out.push({
      name: `lines-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
      spec: facetOver('workload', workloads.slice(0, MAX_PANELS), 3, inner, data.filter((r) => workloads.slice(0, MAX_PANELS).includes(r.workload)), {
        text: `Cycles per iteration over ${key}`,
        subtitle: `one panel per workload, one line per mode${others.length ? ' and value of ' + others.join(', ') : ''}; mean over replicates`,
      }),
    });
  }
  return out;
}
