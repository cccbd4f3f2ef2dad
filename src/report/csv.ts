// Records → CSV in long ("tidy") form: one row per record × category ×
// metric, identifying columns first, so any plotting tool can pivot it.
import { stringify } from 'csv-stringify/sync';
import type { ResultRecord } from '../run/record.js';

/** The fixed columns; swept parameters are inserted after `point`. */
export const CSV_ID_COLUMNS = ['point', 'replicate', 'seed', 'scenario', 'workload', 'vmm', 'cpu', 'category', 'metric', 'value'] as const;

/** Parameter column names across all records, in first-seen order. */
export function paramColumns(records: readonly ResultRecord[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.params)) seen.add(k);
  return [...seen];
}

/**
 * Long-form CSV. Rows: category `total` carries seconds, cycles and every
 * metric; each breakdown category carries count, cycles and overheadCycles;
 * `component:NAME` rows carry component count and cycles when present.
 */
export function toCsv(records: readonly ResultRecord[]): string {
  const params = paramColumns(records);
  const header = ['point', ...params, ...CSV_ID_COLUMNS.slice(1)];
  const rows: unknown[][] = [header];
  for (const r of records) {
    const id = [r.point, ...params.map((p) => r.params[p] ?? ''), r.replicate, r.seed, r.scenario, r.workload, r.vmm, r.cpu];
    if (r.error !== undefined) {
      rows.push([...id, 'total', 'error', r.error]);
      continue;
    }
    rows.push([...id, 'total', 'seconds', r.seconds], [...id, 'total', 'cycles', r.cycles]);
    for (const [m, v] of Object.entries(r.metrics)) rows.push([...id, 'total', m, v]);
    for (const [cat, b] of Object.entries(r.breakdown)) {
      rows.push([...id, cat, 'count', b!.count], [...id, cat, 'cycles', b!.cycles], [...id, cat, 'overheadCycles', b!.overheadCycles]);
    }
    for (const [name, c] of Object.entries(r.components ?? {})) {
      rows.push([...id, `component:${name}`, 'count', c.count], [...id, `component:${name}`, 'cycles', c.cycles]);
    }
  }
  return stringify(rows);
}
