// Summary over replicates: for every point × workload × mode × cpu ×
// category × metric of the long form, the mean, sample standard deviation and
// a 95% confidence interval of the mean (Student's t, so small n is honest).
import { stringify } from 'csv-stringify/sync';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { ResultRecord } from '../run/record.js';
import { CSV_OPTIONS, longRows, paramColumns } from './csv.js';
import { tQuantile975 } from './tQuantile.js';

/** Statistics of one metric over the replicates of a point. */
export interface SummaryRow {
  point: number;
  params: ResultRecord['params'];
  scenario: string;
  workload: string;
  vmm: string;
  cpu: string;
  category: string;
  metric: string;
  /** Replicates that produced a number (failed replicates are left out). */
  n: number;
  mean: number;
  /** Sample standard deviation; null for n = 1. */
  sd: number | null;
  /** 95% confidence interval of the mean; null for n = 1. */
  ci95Low: number | null;
  ci95High: number | null;
}

/** Summarize records over replicates, in first-seen order of the groups. */
export function summarize(records: readonly ResultRecord[]): SummaryRow[] {
  const groups = new Map<string, { first: ResultRecord; category: string; metric: string; values: number[] }>();
  for (const r of records) {
    for (const x of longRows(r)) {
      if (typeof x.value !== 'number') continue;
      const key = JSON.stringify([r.point, r.scenario, r.workload, r.vmm, r.cpu, x.category, x.metric]);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { first: r, category: x.category, metric: x.metric, values: [] }));
      g.values.push(x.value);
    }
  }
  return [...groups.values()].map(({ first: r, category, metric, values }) => {
    const n = values.length;
    const m = mean(values);
    const sd = n > 1 ? sampleStandardDeviation(values) : null;
    const half = sd === null ? null : (tQuantile975(n - 1) * sd) / Math.sqrt(n);
    return {
      point: r.point, params: r.params, scenario: r.scenario, workload: r.workload, vmm: r.vmm, cpu: r.cpu,
      category, metric, n, mean: m, sd,
      ci95Low: half === null ? null : m - half, ci95High: half === null ? null : m + half,
    };
  });
}

/** The summary as CSV: point, swept parameters, identity, category, metric, n, mean, sd, ci95Low, ci95High. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const params = paramColumns(rows);
  const header = ['point', ...params, 'scenario', 'workload', 'vmm', 'cpu', 'category', 'metric', 'n', 'mean', 'sd', 'ci95Low', 'ci95High'];
  const out: unknown[][] = [header];
  for (const s of rows) {
    out.push([s.point, ...params.map((p) => s.params[p] ?? ''), s.scenario, s.workload, s.vmm, s.cpu, s.category, s.metric, s.n, s.mean, s.sd ?? '', s.ci95Low ?? '', s.ci95High ?? '']);
  }
  return stringify(out, CSV_OPTIONS);
}

/** The summary as pretty JSON. */
export function summaryJson(rows: readonly SummaryRow[]): string {
  return JSON.stringify(rows, null, 2) + '\n';
}
