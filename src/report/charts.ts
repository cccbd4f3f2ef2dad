// Vega-Lite specifications of vmmsim's charts, built from result records
// (means over replicates): Figure-4-style grouped log-scale bars of cycles per
// iteration by workload × mode, Figure-5-style overhead bars per category,
// and lines over each swept parameter. Pure data → spec; rendering is in
// renderChart.ts.
import type { TopLevelSpec } from 'vega-lite';
import type { ResultRecord } from '../run/record.js';
import { CATEGORIES } from '../vmm/categories.js';
import { summarize, type SummaryRow } from './summary.js';
import { AXIS_BYTES, AXIS_NUMBERS, bytesLabel, CONFIG, modeScale, panelOf, shortKey, type ModeScale } from './chartStyle.js';
import { figure5ChartSpec, timeBreakdownSpec } from './figure5Chart.js';
import { walkChartSpec } from './walkChart.js';

/** A chart to render: file stem and its Vega-Lite spec. */
export interface ChartSpec {
  name: string;
  spec: TopLevelSpec;
}

/** Most panels a faceted chart gets before the rest are left out (a wall of tiny plots helps nobody). */
export const MAX_PANELS = 24;

/** Most sweep points side by side in the overhead grid (one column each). */
export const MAX_GRID_COLUMNS = 8;

interface Row {
  panel: string;
  workload: string;
  vmm: string;
  value: number;
  low: number | null;
  high: number | null;
  [param: string]: unknown;
}

/** Longest chart-name stem taken from swept keys: a file name has at most 255 bytes, and a key may be longer (`workloads.000…0.repeat`). */
export const MAX_STEM = 100;

/** `text` as a file-name stem: characters outside [A-Za-z0-9_.+-] become `_`; past {@link MAX_STEM}, its start and a hash of the whole (distinct keys keep distinct names). */
export function fileStem(text: string): string {
  const stem = text.replace(/[^A-Za-z0-9_.+-]/g, '_');
  if (stem.length <= MAX_STEM) return stem;
  let h = 0x811c9dc5; // FNV-1a over the UTF-16 code units
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${stem.slice(0, MAX_STEM - 9)}~${h.toString(16).padStart(8, '0')}`;
}

/** All charts that make sense for these records. */
export function buildCharts(records: readonly ResultRecord[]): ChartSpec[] {
  const ok = records.filter((r) => r.error === undefined);
  if (ok.length === 0) return [];
  const summary = summarize(ok);
  const modes = modeScale(ok.map((r) => r.vmm));
  const charts: ChartSpec[] = [];
  const cycles = cyclesChart(summary, modes);
  if (cycles) charts.push(cycles);
  const overhead = overheadChart(summary, modes);
  if (overhead) charts.push(overhead);
  const figure5 = figure5ChartSpec(summary, modes);
  if (figure5) charts.push({ name: 'figure5', spec: figure5 });
  const time = timeBreakdownSpec(summary, modes);
  if (time) charts.push({ name: 'time-breakdown', spec: time });
  charts.push(...lineCharts(summary, modes));
  const walks = walkChartSpec(summary, modes, CONFIG);
  if (walks) charts.push({ name: 'walk-cycles-per-miss', spec: walks });
  return charts;
}

/**
 * Most decades a log axis spans. Costs are any finite non-negative number,
 * so one value may sit hundreds of decades below the rest (5e-324 cycles):
 * an axis over all of them would have hundreds of ticks, and a floor below
 * the smallest double (10^-324 is 0) would leave the scale empty.
 */
export const MAX_LOG_DECADES = 9;

/** A log axis over `values`: its floor, the powers of ten between, and whether some positive value lies below the floor (drawn at it). */
export interface LogAxis {
  floor: number;
  ticks: number[];
  clipped: boolean;
}

/**
 * The log axis over `values`' positive members: from the power of ten below
 * the smallest (so the shortest bar still shows) to the one above the
 * largest, at most {@link MAX_LOG_DECADES} decades; a value under the floor
 * is drawn at it (the scale clamps) and the chart says so.
 */
export function logAxis(values: readonly number[]): LogAxis {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return { floor: 1, ticks: [1], clipped: false };
  const min = Math.min(...positive);
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const lo = Math.max(Math.floor(Math.log10(min * 0.999)), hi - MAX_LOG_DECADES);
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => Number(`1e${lo + i}`)); // the double nearest 10^k (10 ** -5 is not)
  return { floor: ticks[0], ticks, clipped: min < ticks[0] };
}

/**
 * The y scale of a log axis: `unclipped` as the chart had it; a clipped one
 * runs over exactly its ticks and clamps what lies below (a clamped scale
 * also draws a tick outside its domain, at the edge, so the domain holds
 * them all).
 */
function logScale(axis: LogAxis, unclipped: Record<string, unknown>): Record<string, unknown> {
  return axis.clipped ? { type: 'log', domain: [axis.floor, axis.ticks[axis.ticks.length - 1]], clamp: true } : { type: 'log', ...unclipped };
}

/** The subtitle's note for a clipped axis. */
function clipNote(axis: LogAxis): string {
  return axis.clipped ? `; values under ${axis.floor.toExponential(0)} drawn at ${axis.floor.toExponential(0)}` : '';
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

/** 95% CI whiskers; only added where some row has an interval (replicates), since an empty layer only makes Vega warn. */
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

/** Figure 4 style: cycles per iteration, bars grouped by workload, one per mode, log scale; null when no run took a cycle (nothing to draw: its scale would run from NaN to NaN). */
function cyclesChart(summary: readonly SummaryRow[], modes: ModeScale): ChartSpec | null {
  const rows = rowsOf(summary, 'total', 'cyclesPerIteration').filter((r) => r.value > 0);
  if (rows.length === 0) return null;
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const ps = panels(rows).slice(0, MAX_PANELS);
  const data = rows.filter((r) => ps.includes(r.panel));
  // A log scale when the values span a decade or more (nanobenchmarks: 10 to 10,000 cycles); within one
  // decade (one macro workload under four modes) a linear scale from zero shows the differences.
  const values = data.map((r) => r.value);
  const log = Math.max(...values) >= 10 * Math.min(...values);
  const yAxis = logAxis(values);
  const yTitle = `CPU cycles per iteration${log ? ' (log scale)' : ''}`;
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
            ...(log
              ? { scale: logScale(yAxis, { domainMin: yAxis.floor }), axis: { ...AXIS_NUMBERS, values: yAxis.ticks } }
              : { scale: { zero: true }, axis: AXIS_NUMBERS }),
          },
          color: { field: 'vmm', type: 'nominal', title: 'mode', scale: modes },
          tooltip: [{ field: 'panel' }, { field: 'workload' }, { field: 'vmm' }, { field: 'value', format: ',.1f' }],
        },
      },
      ...(data.some((r) => r.low !== null) ? [errorLayer(x, xOffset, yTitle, log)] : []),
    ],
  };
  return {
    name: 'cycles',
    spec: facetOver('panel', ps, 2, inner, data, {
      text: 'Cycles per iteration by workload and mode',
      subtitle: `mean over replicates${ps.length > 1 ? '; one panel per CPU and swept values' : ''}; lower is better${ps.length < panels(rows).length ? `; first ${ps.length} points shown` : ''}${log ? clipNote(yAxis) : ''}`,
    }),
  };
}

/**
 * Figure 5 style: overhead versus native per category, cycles per iteration,
 * one bar per non-native mode, in a grid of workload rows × sweep-point
 * columns. Each cell has its own y scale (overheads span four orders of
 * magnitude between workloads).
 */
function overheadChart(summary: readonly SummaryRow[], modes: ModeScale): ChartSpec | null {
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
  // Up to MAX_GRID_COLUMNS points make one row per workload; more wrap into rows of that many, one block per workload.
  const wrap = allPanels.length > MAX_GRID_COLUMNS;
  const ps = allPanels.slice(0, wrap ? MAX_PANELS : MAX_GRID_COLUMNS);
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const data = rows.filter((r) => ps.includes(r.panel));
  const cats = CATEGORIES.filter((c) => data.some((r) => r.category === c));
  const nonNative = { domain: modes.domain.filter((m) => m !== 'native'), range: modes.range.filter((_, i) => modes.domain[i] !== 'native') };
  const yTitle = ps.length > 1 ? null : 'extra cycles/iteration';
  const x = { field: 'category', type: 'nominal', sort: cats, title: null, axis: { labelAngle: -30 } };
  const xOffset = { field: 'vmm', type: 'nominal', sort: nonNative.domain };
  const inner = {
    // 12 pixels per bar (cells of one grid row share their x scale), and wide enough for the panel's label.
    width: wrap ? Math.max(150, 12 * cats.length * nonNative.domain.length) : { step: 12 },
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
      ...(data.some((r) => r.low !== null) ? [errorLayer(x, xOffset, yTitle, false)] : []),
      { mark: { type: 'rule', color: '#444' }, encoding: { y: { datum: 0 } } },
    ],
  };
  const header = { labelFontWeight: 'bold', labelExpr: "split(datum.value, '; ')" };
  // Rows are workloads and columns points (one column without a sweep): wrapped facets
  // with independent y scales leave their x axes adrift, a grid keeps them in place.
  const facet = { row: { field: 'workload', type: 'nominal', sort: workloads, title: null, header }, column: { field: 'panel', type: 'nominal', sort: ps, title: null, header } };
  const layout = wrap
    ? {
      vconcat: workloads.map((w) => ({
        title: { text: w, anchor: 'start', fontSize: 14 },
        transform: [{ filter: { field: 'workload', equal: w } }],
        facet: { field: 'panel', type: 'nominal', sort: ps, title: null, header },
        columns: Math.min(6, MAX_GRID_COLUMNS),
        spec: inner,
        resolve: { scale: { y: 'independent' } },
      })),
    }
    : { facet, spec: inner, resolve: { scale: { y: 'independent' } } };
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
    // Shared categories make cells comparable; each cell's own y scale keeps small overheads visible.
    ...layout,
  };
  return { name: 'overhead', spec: spec as unknown as TopLevelSpec };
}

function groupKey(s: SummaryRow): string {
  return JSON.stringify([s.point, s.workload, s.vmm, s.cpu]);
}

/** Dash patterns of the modes' lines where colour shows another swept key: solid, dashes, dots, dash-dot, … */
const DASHES = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 6]];

/** A swept axis: one key, or keys zipped together (their values change together, point by point). */
interface SweepAxis {
  keys: string[];
  /** Axis title: the keys' last segments, joined by " / ". */
  title: string;
  /** Values in sweep order: the key's own value, or the zipped values joined by " / ". */
  values: Array<string | number>;
  numeric: boolean;
  /** A byte count (key ending in Bytes): log scale, binary units. */
  bytes: boolean;
}

/** The value of `axis` at a point, as a panel or legend label (byte counts in binary units). */
function axisLabel(axis: SweepAxis, params: Record<string, unknown>): string {
  const v = axisValue(axis, params);
  return axis.bytes ? bytesLabel(v as number) : String(v);
}

/** The value of `axis` at a point's parameters. */
function axisValue(axis: SweepAxis, params: Record<string, unknown>): string | number {
  return axis.keys.length === 1 ? (params[axis.keys[0]] as string | number) : axis.keys.map((k) => String(params[k])).join(' / ');
}

/**
 * The swept axes of a summary, in key order: keys with two or more values,
 * the mode excepted (it is the lines' colour or dash already); keys whose
 * values determine each other at every point (a zip) form one axis.
 */
function sweepAxes(summary: readonly SummaryRow[]): SweepAxis[] {
  const points = [...new Map(summary.map((s) => [s.point, s.params])).values()];
  const keys = [...new Set(points.flatMap((p) => Object.keys(p)))].filter((k) => k !== 'vmm' && new Set(points.map((p) => p[k])).size > 1);
  const oneToOne = (a: string, b: string) => {
    const ab = new Map<unknown, unknown>();
    const ba = new Map<unknown, unknown>();
    for (const p of points) {
      if ((ab.has(p[a]) && ab.get(p[a]) !== p[b]) || (ba.has(p[b]) && ba.get(p[b]) !== p[a])) return false;
      ab.set(p[a], p[b]);
      ba.set(p[b], p[a]);
    }
    return true;
  };
  const groups: string[][] = [];
  for (const k of keys) {
    const g = groups.find((ks) => oneToOne(ks[0], k));
    if (g) g.push(k);
    else groups.push([k]);
  }
  return groups.map((ks) => {
    const axis: SweepAxis = { keys: ks, title: ks.map(shortKey).join(' / '), values: [], numeric: false, bytes: false };
    axis.values = [...new Set(points.map((p) => axisValue(axis, p)))];
    axis.numeric = axis.values.every((v) => typeof v === 'number');
    axis.bytes = axis.numeric && /bytes$/i.test(ks[0]);
    return axis;
  });
}

/**
 * One line chart per swept axis (a key, or zipped keys on one axis): cycles
 * per iteration over it. Without other swept axes, a line per mode and a
 * panel per workload. With others, the last one is the colour (its legend
 * names it), the mode the dash, and the rest split the panels.
 */
function lineCharts(summary: readonly SummaryRow[], modes: ModeScale): ChartSpec[] {
  const rows = rowsOf(summary, 'total', 'cyclesPerIteration').filter((r) => r.value > 0);
  const axes = sweepAxes(summary);
  const out: ChartSpec[] = [];
  for (const axis of axes) {
    const others = axes.filter((a) => a !== axis);
    const colourAxis = others.at(-1) ?? null;
    const panelAxes = others.slice(0, -1);
    const data = rows.map((r) => ({
      ...r,
      x: axisValue(axis, r),
      panel: [r.workload, ...panelAxes.map((a) => `${a.title}=${axisLabel(a, r)}`)].join('; '),
      ...(colourAxis ? { colour: axisLabel(colourAxis, r) } : {}),
      series: [r.vmm, ...others.map((a) => `${a.title}=${axisLabel(a, r)}`)].join(' · '),
    }));
    const allPanels = [...new Set(data.map((r) => r.panel))];
    const ps = allPanels.slice(0, MAX_PANELS);
    const yTitle = 'CPU cycles per iteration (log scale)';
    const yAxis = logAxis(data.map((r) => r.value));
    const zipped = axis.keys.length > 1 ? ' (zipped)' : '';
    const x = axis.bytes
      ? { field: 'x', type: 'quantitative', title: `${axis.title} (log scale)`, scale: { type: 'log', base: 2 }, axis: { ...AXIS_BYTES, values: axis.values } }
      : axis.numeric
        ? { field: 'x', type: 'quantitative', title: axis.title, scale: { zero: false } }
        : { field: 'x', type: 'ordinal', title: axis.keys[0] === 'cpu' ? 'CPU preset (in sweep order)' : `${axis.title}${zipped}`, sort: axis.values.map(String), axis: { labelAngle: -30 } };
    const modeCount = new Set(data.map((r) => r.vmm)).size;
    const colour = colourAxis === null
      ? { color: { field: 'vmm', type: 'nominal', title: 'mode', scale: modes }, strokeDash: { field: 'vmm', type: 'nominal', sort: modes.domain, legend: null } }
      : {
        color: { field: 'colour', type: 'nominal', title: colourAxis.title, sort: colourAxis.values.map((v) => (colourAxis.bytes ? bytesLabel(v as number) : String(v))), legend: { titleLimit: 400, labelLimit: 300 } },
        ...(modeCount > 1 ? { strokeDash: { field: 'vmm', type: 'nominal', title: 'mode', sort: modes.domain, scale: { range: DASHES }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 600, encode: { symbols: { update: { stroke: { value: '#333' } } } } } } } : {}),
      };
    const inner = {
      width: 260,
      height: 270,
      layer: [
        {
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative', title: yTitle, scale: logScale(yAxis, {}), axis: { ...AXIS_NUMBERS, values: yAxis.ticks } },
            // Modes that cost the same draw on top of each other; dashes keep each one visible.
            ...colour,
            detail: { field: 'series' },
            tooltip: [{ field: 'workload' }, { field: 'series' }, { field: 'x', title: axis.title }, { field: 'value', format: ',.1f' }],
          },
        },
        ...(data.some((r) => r.low !== null) ? [errorLayer(x, null, yTitle, true)] : []),
      ],
    };
    const by = [`one panel per workload${panelAxes.length ? ' × ' + panelAxes.map((a) => a.title).join(' × ') : ''}`,
      colourAxis === null ? 'one line per mode' : `colour: ${colourAxis.title}${modeCount > 1 ? '; dash: mode' : ''}`];
    out.push({
      name: `lines-${fileStem(axis.keys.join('+'))}`,
      spec: facetOver('panel', ps, 3, inner, data.filter((r) => ps.includes(r.panel)), {
        text: `Cycles per iteration over ${axis.title}${zipped}`,
        subtitle: `${by.join('; ')}; mean over replicates${ps.length < allPanels.length ? `; first ${ps.length} of ${allPanels.length} panels shown` : ''}${clipNote(yAxis)}`,
      }),
    });
  }
  return out;
}
