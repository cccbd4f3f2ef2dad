// Records → a terminal table that reads at a glance: per workload, one line
// per mode (time, cycles per iteration, percent of native), then the
// breakdown by category in cycles per iteration with overhead versus native.
import type { ResultRecord } from '../run/record.js';
import { CATEGORIES } from '../vmm/categories.js';

const fmt = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const f0 = fmt(0);
const f1 = fmt(1);

/** Format a number of cycles compactly: thousands separators, one decimal below 100. */
export function formatCycles(c: number): string {
  return Math.abs(c) < 100 && c !== Math.round(c) ? f1.format(c) : f0.format(c);
}

/** Format simulated seconds with four significant digits. */
export function formatSeconds(s: number): string {
  if (s === 0) return '0';
  return s >= 1000 ? f0.format(s) : s.toPrecision(4);
}

/** Lay out rows of cells as aligned columns (first column left, others right). */
export function columns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** The whole table for a set of records (grouped by point, replicate and workload). */
export function toTable(records: readonly ResultRecord[], options: { components?: boolean } = {}): string {
  const groups = new Map<string, ResultRecord[]>();
  for (const r of records) {
    const key = `${r.point}\u0000${r.replicate}\u0000${r.cpu}\u0000${r.workload}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: string[] = [];
  for (const group of groups.values()) out.push(workloadTable(group, options));
  return out.join('\n\n') + '\n';
}

/** What tells a record's sweep point and replicate apart in a heading: " [key=value …] replicate R" (empty without a sweep). */
export function pointLabel(r: ResultRecord): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  return (params ? ` [${params}]` : '') + (r.replicate ? ` replicate ${r.replicate}` : '');
}

function workloadTable(rs: readonly ResultRecord[], options: { components?: boolean }): string {
  const r0 = rs[0];
  const iterations = r0.metrics.iterations ?? 1;
  const head = `${r0.scenario} / ${r0.workload} on ${r0.cpu} — ${f0.format(iterations)} iteration${iterations === 1 ? '' : 's'}${pointLabel(r0)}`;
  const ok = rs.filter((r) => r.error === undefined);
  const summary = [['mode', 'seconds', 'cycles/iter', '% of native'],
    ...rs.map((r) => r.error !== undefined ? [r.vmm, 'error', r.error, ''] :
      [r.vmm, formatSeconds(r.seconds), formatCycles(r.metrics.cyclesPerIteration), r.metrics.percentOfNative === undefined ? '—' : f1.format(r.metrics.percentOfNative)])];
  const cats = CATEGORIES.filter((c) => ok.some((r) => r.breakdown[c] !== undefined));
  const bd = [['cycles/iter', ...ok.map((r) => r.vmm)],
    ...cats.map((c) => [c, ...ok.map((r) => cell(r.breakdown[c]?.cycles ?? 0, r.breakdown[c]?.overheadCycles ?? 0, iterations, r.vmm))])];
  const parts = [head, columns(summary), '', columns(bd)];
  if (options.components) {
    const names = [...new Set(ok.flatMap((r) => Object.keys(r.components ?? {})))];
    if (names.length) {
      parts.push('', columns([['component cycles/iter', ...ok.map((r) => r.vmm)],
        ...names.map((n) => [n, ...ok.map((r) => formatCycles((r.components?.[n]?.cycles ?? 0) / iterations))])]));
    }
  }
  return parts.join('\n');
}

function cell(cycles: number, overhead: number, iterations: number, vmm: string): string {
  const c = formatCycles(cycles / iterations);
  if (vmm === 'native' || overhead === 0) return c;
  const o = overhead / iterations;
  return `${c} (${o > 0 ? '+' : '−'}${formatCycles(Math.abs(o))})`;
}
