// The paper's Figure 5 as a picture, and where the time goes: from the
// summary (means over replicates), per workload and point,
//   figure5         — overhead over native in simulated seconds by cost
//                     category, one bar per non-native mode in each category
//                     group, negative bars (faster than native) below zero;
//   time-breakdown  — one stacked bar per mode (native included): its
//                     simulated seconds split by category.
import type { TopLevelSpec } from 'vega-lite';
import { CATEGORIES } from '../vmm/categories.js';
import { CONFIG, panelOf, SCHEMA, type ModeScale } from './chartStyle.js';
import type { SummaryRow } from './summary.js';

/**
 * Most workload × point panels these charts are drawn for: they read as the
 * paper's figure for a few macro workloads; a wide sweep's overheads are in
 * the overhead grid and the line charts instead.
 */
export const MAX_FIGURE5_PANELS = 8;

/** Fixed colours of the cost categories (Tableau 20), so a category looks the same in every chart. */
const CATEGORY_COLOURS = [
  '#4e79a7', '#a0cbe8', '#f28e2b', '#ffbe7d', '#59a14f', '#8cd17d', '#b6992d', '#f1ce63',
  '#499894', '#86bcb6', '#e15759', '#ff9d9a', '#79706e', '#bab0ac', '#d37295', '#fabfd2',
];

/** Seconds on an axis: plain decimals with thousands separators (d3's default picks exponents like 1e+2 for round steps). */
const SECONDS_AXIS = { labelExpr: "format(datum.value, ',~r')" };

interface CategorySeconds {
  panel: string;
  vmm: string;
  category: string;
  order: number;
  seconds: number;
  overheadSeconds: number;
}

/** Per panel (workload; CPU; swept values), mode and category: seconds and overhead seconds (cycles at the run's clock). */
function categorySeconds(summary: readonly SummaryRow[]): CategorySeconds[] {
  const key = (s: SummaryRow) => JSON.stringify([s.point, s.workload, s.vmm, s.cpu]);
  const perCycle = new Map<string, { seconds?: number; cycles?: number }>();
  for (const s of summary) {
    if (s.category !== 'total' || (s.metric !== 'seconds' && s.metric !== 'cycles')) continue;
    const k = key(s);
    perCycle.set(k, { ...perCycle.get(k), [s.metric]: s.mean });
  }
  const byKey = new Map<string, CategorySeconds>();
  for (const s of summary) {
    const order = CATEGORIES.indexOf(s.category as (typeof CATEGORIES)[number]);
    if (order < 0 || (s.metric !== 'cycles' && s.metric !== 'overheadCycles')) continue;
    const clock = perCycle.get(key(s));
    if (!clock?.cycles || clock.seconds === undefined) continue;
    const k = JSON.stringify([key(s), s.category]);
    let row = byKey.get(k);
    if (!row) byKey.set(k, (row = { panel: [s.workload, panelOf(s)].join('; '), vmm: s.vmm, category: s.category, order, seconds: 0, overheadSeconds: 0 }));
    const seconds = (s.mean * clock.seconds) / clock.cycles;
    if (s.metric === 'cycles') row.seconds = seconds;
    else row.overheadSeconds = seconds;
  }
  return [...byKey.values()];
}

/** Signed seconds for a subtitle: "+1.23 s", "−0.0042 s". */
function signed(s: number): string {
  const abs = Math.abs(s);
  return `${s < 0 ? '−' : '+'}${abs >= 100 ? abs.toFixed(0) : abs.toPrecision(3)} s`;
}

/** Wrap a layered chart in a wrapped facet over panels when there is more than one. */
function faceted(inner: Record<string, unknown>, data: readonly object[], panels: readonly string[], yIndependent: boolean, title: { text: string; subtitle: string | string[] }): TopLevelSpec {
  const base = { $schema: SCHEMA, config: CONFIG, title, data: { values: data } };
  if (panels.length <= 1) return { ...base, ...inner } as unknown as TopLevelSpec;
  return {
    ...base,
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: { labelFontWeight: 'bold', labelExpr: "split(datum.value, '; ')" } },
    columns: 2,
    spec: inner,
    ...(yIndependent ? { resolve: { scale: { y: 'independent' } } } : {}),
  } as unknown as TopLevelSpec;
}

/**
 * The Figure 5 form: overhead over native in seconds by category, a group of
 * bars per category with one bar per non-native mode; below zero where the
 * mode is faster than native. Null without a non-native mode.
 */
export function figure5ChartSpec(summary: readonly SummaryRow[], modes: ModeScale): TopLevelSpec | null {
  const all = categorySeconds(summary).filter((r) => r.vmm !== 'native');
  const panels = [...new Set(all.map((r) => r.panel))];
  if (panels.length > MAX_FIGURE5_PANELS) return null;
  const shown = all;
  const cats = CATEGORIES.filter((c) => shown.some((r) => r.category === c && r.overheadSeconds !== 0));
  if (cats.length === 0) return null;
  const data = shown.filter((r) => cats.includes(r.category as (typeof CATEGORIES)[number]));
  const nonNative = { domain: modes.domain.filter((m) => m !== 'native'), range: modes.range.filter((_, i) => modes.domain[i] !== 'native') };
  const x = { field: 'category', type: 'nominal', sort: cats, title: 'cost category', axis: { labelAngle: -30 } };
  const inner = {
    width: { step: 14 },
    height: 260,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset: { field: 'vmm', type: 'nominal', sort: nonNative.domain },
          y: { field: 'overheadSeconds', type: 'quantitative', title: 'overhead over native (s)', axis: SECONDS_AXIS },
          color: { field: 'vmm', type: 'nominal', title: 'mode', scale: nonNative },
          tooltip: [{ field: 'panel', title: 'workload; point' }, { field: 'category' }, { field: 'vmm', title: 'mode' },
            { field: 'overheadSeconds', title: 'overhead (s)', format: '+.4~g' }, { field: 'seconds', title: 'time in category (s)', format: '.4~g' }],
        },
      },
      { mark: { type: 'rule', color: '#333', strokeWidth: 1 }, encoding: { y: { datum: 0 } } },
    ],
  };
  const totals = nonNative.domain.map((m) => `${m} ${signed(data.filter((r) => r.vmm === m).reduce((a, r) => a + r.overheadSeconds, 0))}`);
  return faceted(inner, data, panels, true, {
    text: 'Sources of virtualization overhead (Figure 5 form)',
    subtitle: [
      'extra simulated seconds over the native run by cost category, one bar per mode; below zero: faster than native',
      (panels.length === 1 ? `${panels[0].split('; ').join(' on ')}; sum of the bars: ${totals.join(', ')}` : 'one panel per workload and point; each panel has its own y scale') +
        '; mean over replicates',
    ],
  });
}

/** Where the time goes: one bar per mode, its simulated seconds stacked by cost category; null with fewer than two modes. */
export function timeBreakdownSpec(summary: readonly SummaryRow[], modes: ModeScale): TopLevelSpec | null {
  const all = categorySeconds(summary).filter((r) => r.seconds > 0);
  if (new Set(all.map((r) => r.vmm)).size < 2) return null; // a comparison of modes
  const panels = [...new Set(all.map((r) => r.panel))];
  if (panels.length > MAX_FIGURE5_PANELS) return null;
  const data = all;
  const cats = CATEGORIES.filter((c) => data.some((r) => r.category === c));
  const x = { field: 'vmm', type: 'nominal', sort: modes.domain, title: 'mode', axis: { labelAngle: modes.domain.length > 4 ? -30 : 0 } }; // six long mode names do not fit side by side
  const inner = {
    width: { step: 56 },
    height: 260,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'seconds', type: 'quantitative', title: 'simulated seconds', stack: 'zero', axis: SECONDS_AXIS },
          color: { field: 'category', type: 'nominal', title: 'category', sort: cats, scale: { domain: cats, range: cats.map((c) => CATEGORY_COLOURS[CATEGORIES.indexOf(c)]) } },
          order: { field: 'order', type: 'quantitative' },
          tooltip: [{ field: 'panel', title: 'workload; point' }, { field: 'vmm', title: 'mode' }, { field: 'category' }, { field: 'seconds', title: 'seconds', format: '.4~g' }],
        },
      },
      {
        mark: { type: 'text', dy: -7, fontSize: 11, color: '#222' },
        encoding: {
          x,
          y: { aggregate: 'sum', field: 'seconds', type: 'quantitative' },
          text: { aggregate: 'sum', field: 'seconds', type: 'quantitative', format: '.3~g' },
        },
      },
    ],
  };
  return faceted(inner, data, panels, true, {
    text: 'Where the time goes',
    subtitle: [
      'simulated seconds of each mode, stacked by cost category (idle: waiting for devices or clients; vmswitch: world switches between VMs)',
      `${panels.length === 1 ? panels[0].split('; ').join(' on ') : 'one panel per workload and point; each panel has its own y scale'}; mean over replicates`,
    ],
  });
}
