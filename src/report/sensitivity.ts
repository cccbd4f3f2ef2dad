// Sensitivity results → a sorted table, CSV and a tornado chart (the
// elasticity of each mode's result to each parameter, largest first).
import { stringify } from 'csv-stringify/sync';
import type { TopLevelSpec } from 'vega-lite';
import type { SensitivityRow } from '../run/sensitivity.js';
import { columns } from './table.js';

/** Rows sorted by workload, mode, then |elasticity| descending (ties by key: stable output). */
export function sortedRows(rows: readonly SensitivityRow[]): SensitivityRow[] {
  return [...rows].sort((a, b) => a.workload.localeCompare(b.workload) || a.vmm.localeCompare(b.vmm) ||
    Math.abs(b.elasticity) - Math.abs(a.elasticity) || a.key.localeCompare(b.key));
}

const g = (x: number) => Number(x.toPrecision(4)).toString();

/** The table: the `top` largest elasticities of each workload × mode. */
export function sensitivityText(rows: readonly SensitivityRow[], delta: number, top = 12): string {
  const out: string[] = [];
  const groups = new Map<string, SensitivityRow[]>();
  for (const r of sortedRows(rows)) groups.set(`${r.workload} / ${r.vmm}`, [...(groups.get(`${r.workload} / ${r.vmm}`) ?? []), r]);
  for (const [name, rs] of groups) {
    out.push(`${name} — elasticity of ${rs[0].metric} to each parameter (±${g(delta * 100)}%, one at a time; ${rs.length} parameters, ${Math.min(top, rs.length)} largest shown)`);
    out.push(columns([['parameter', 'elasticity', `${rs[0].metric} at −`, 'base', 'at +'],
      ...rs.slice(0, top).map((r) => [r.key, g(r.elasticity), g(r.low), g(r.base), g(r.high)])]));
    out.push('');
  }
  return out.join('\n');
}

/** Every row as CSV. */
export function sensitivityCsv(rows: readonly SensitivityRow[]): string {
  return stringify(sortedRows(rows).map((r) => [r.workload, r.vmm, r.key, r.metric, r.base, r.low, r.high, r.elasticity]),
    { header: true, columns: ['workload', 'vmm', 'parameter', 'metric', 'base', 'low', 'high', 'elasticity'] });
}

/** Tornado chart: one panel per workload × mode, its `top` parameters as horizontal bars. */
export function tornadoSpec(rows: readonly SensitivityRow[], top = 10): TopLevelSpec {
  const sorted = sortedRows(rows);
  const data: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  for (const r of sorted) {
    const panel = `${r.workload} / ${r.vmm}`;
    const n = seen.get(panel) ?? 0;
    if (n >= top || r.elasticity === 0) continue;
    seen.set(panel, n + 1);
    data.push({ panel, parameter: r.key.replace(/^vmm\.[^.]+\./, ''), elasticity: r.elasticity, rank: n });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Sensitivity: elasticity of each result to each parameter', subtitle: 'one parameter at a time; bars right: the result grows with the parameter' },
    data: { values: data },
    facet: { field: 'panel', type: 'nominal', title: null },
    columns: 2,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: { step: 14 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'parameter', type: 'nominal', sort: { field: 'rank', order: 'ascending' }, title: null },
        x: { field: 'elasticity', type: 'quantitative', title: 'elasticity' },
        color: { condition: { test: 'datum.elasticity < 0', value: '#4c78a8' }, value: '#e45756' },
        tooltip: [{ field: 'parameter' }, { field: 'elasticity', format: '.3f' }],
      },
    },
  } as TopLevelSpec;
}
