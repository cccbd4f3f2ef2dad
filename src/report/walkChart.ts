// The address-translation chart: mean page-walk cycles per TLB miss over a
// swept parameter (the working-set size in scenarios/mmu/walk-sweep.yaml),
// one line per mode, one panel per combination of the other swept values
// (page size × page-walk-cache design). Built only when records carry walks.
import type { TopLevelSpec } from 'vega-lite';
import type { SummaryRow } from './summary.js';

/** Vega-Lite spec of walk cycles per miss, or null when no record has TLB misses. */
export function walkChartSpec(summary: readonly SummaryRow[], modes: { domain: string[]; range: string[] }, config: Record<string, unknown>): TopLevelSpec | null {
  const rows = summary.filter((s) => s.category === 'total' && s.metric === 'walkCyclesPerMiss' && s.mean > 0);
  if (rows.length === 0) return null;
  const keys = [...new Set(rows.flatMap((s) => Object.keys(s.params)))].filter((k) => k !== 'vmm');
  const numericKeys = keys.filter((k) => rows.every((s) => typeof s.params[k] === 'number'));
  const xKey = numericKeys.find((k) => new Set(rows.map((s) => s.params[k])).size > 1) ?? null;
  const others = keys.filter((k) => k !== xKey);
  const short = (k: string) => k.split('.').pop()!;
  // Byte counts read better in MiB on a base-2 log axis.
  const mib = xKey !== null && xKey.endsWith('Bytes');
  const data = rows.map((s) => ({
    vmm: s.vmm,
    workload: s.workload,
    x: xKey === null ? s.workload : mib ? (s.params[xKey] as number) / 2 ** 20 : s.params[xKey],
    value: s.mean,
    panel: [s.workload, ...others.map((k) => `${short(k)}=${String(s.params[k])}`)].join('; '),
  }));
  const panels = [...new Set(data.map((d) => d.panel))];
  const x = xKey === null
    ? { field: 'x', type: 'nominal', title: 'workload' }
    : mib
      ? { field: 'x', type: 'quantitative', title: `${short(xKey).replace(/Bytes$/, '')} (MiB)`, scale: { type: 'log', base: 2 }, axis: { format: '~r' } }
      : { field: 'x', type: 'quantitative', title: short(xKey), scale: { type: 'log', base: 2 }, axis: { format: '~s' } };
  const inner = {
    width: 220,
    height: 180,
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'walk cycles per TLB miss' },
      color: { field: 'vmm', type: 'nominal', title: 'mode', scale: modes },
      tooltip: [{ field: 'panel' }, { field: 'vmm' }, { field: 'x', title: xKey ?? 'workload' }, { field: 'value', format: ',.1f' }],
    },
  };
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config,
    title: { text: 'Page-walk cycles per TLB miss', subtitle: `one line per mode${panels.length > 1 ? '; one panel per ' + ['workload', ...others.map(short)].join(' × ') : ''}; mean over replicates` },
    data: { values: data },
  };
  if (panels.length <= 1) return { ...base, ...inner } as unknown as TopLevelSpec;
  return {
    ...base,
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: { labelExpr: "split(datum.value, '; ')" } },
    columns: 4,
    spec: inner,
  } as unknown as TopLevelSpec;
}
