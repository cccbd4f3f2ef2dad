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
  // "iterations of process sh", "requests from web's clients": singular for one.
  const counted = (r0.iterationsOf ?? 'iterations').replace(/^(iteration|request)s\b/, iterations === 1 ? '$1' : '$1s');
  const head = `${r0.scenario} / ${r0.workload} on ${r0.cpu} — ${f0.format(iterations)} ${counted}${pointLabel(r0)}`;
  const ok = rs.filter((r) => r.error === undefined);
  const summary = [['mode', 'seconds', 'cycles/iter', '% of native'],
    ...rs.map((r) => r.error !== undefined ? [r.vmm, 'error', r.error, ''] :
      [r.vmm, formatSeconds(r.seconds), formatCycles(r.metrics.cyclesPerIteration), r.metrics.percentOfNative === undefined ? '—' : f1.format(r.metrics.percentOfNative)])];
  const cats = CATEGORIES.filter((c) => ok.some((r) => r.breakdown[c] !== undefined));
  const bd = [['cycles/iter', ...ok.map((r) => r.vmm)],
    ...cats.map((c) => [c, ...ok.map((r) => cell(r.breakdown[c]?.cycles ?? 0, r.breakdown[c]?.overheadCycles ?? 0, iterations, r.vmm))])];
  const parts = [head, columns(summary), '', columns(bd)];
  if (ok.some((r) => r.vms !== undefined)) parts.push('', vmTable(ok, iterations));
  if (options.components) {
    const names = [...new Set(ok.flatMap((r) => Object.keys(r.components ?? {})))];
    if (names.length) {
      parts.push('', columns([['component cycles/iter', ...ok.map((r) => r.vmm)],
        ...names.map((n) => [n, ...ok.map((r) => formatCycles((r.components?.[n]?.cycles ?? 0) / iterations))])]));
    }
  }
  return parts.join('\n');
}

/**
 * A guest system's split by VM and process: cycles per iteration with each
 * one's share of the run, then exits, guest page faults and hidden faults
 * over the whole run. Processes are indented under their VM; `(host)` is
 * time no VM ran (idle, world switches).
 */
function vmTable(rs: readonly ResultRecord[], iterations: number): string {
  const names: Array<{ vm: string; process: string | null }> = [];
  const seen = new Set<string>();
  for (const r of rs) {
    for (const vm of r.vms ?? []) {
      for (const id of [{ vm: vm.vm, process: null }, ...vm.processes.filter((p) => vm.processes.length > 1 || p.process !== vm.vm).map((p) => ({ vm: vm.vm, process: p.process }))]) {
        const key = JSON.stringify(id);
        if (!seen.has(key)) {
          seen.add(key);
          names.push(id);
        }
      }
    }
  }
  const find = (r: ResultRecord, id: { vm: string; process: string | null }) => {
    const vm = r.vms?.find((v) => v.vm === id.vm);
    return id.process === null ? vm : vm?.processes.find((p) => p.process === id.process);
  };
  const label = (id: { vm: string; process: string | null }) => (id.process === null ? id.vm : `  ${id.process}`);
  const cycles = [['by VM and process: cycles/iter (share)', ...rs.map((r) => r.vmm)],
    ...names.map((id) => [label(id), ...rs.map((r) => {
      const s = find(r, id);
      return s === undefined ? '' : `${formatCycles(s.cycles / iterations)} (${f0.format(r.cycles > 0 ? (100 * s.cycles) / r.cycles : 0)}%)`;
    })])];
  const events = [['exits / faults / hidden faults (whole run)', ...rs.map((r) => r.vmm)],
    ...names.map((id) => [label(id), ...rs.map((r) => {
      const s = find(r, id);
      return s === undefined ? '' : `${f0.format(s.exits)} / ${f0.format(s.faults)} / ${f0.format(s.hiddenFaults)}`;
    })])];
  return `${columns(cycles)}\n\n${columns(events)}`;
}

function cell(cycles: number, overhead: number, iterations: number, vmm: string): string {
  const c = formatCycles(cycles / iterations);
  if (vmm === 'native' || overhead === 0) return c;
  const o = overhead / iterations;
  return `${c} (${o > 0 ? '+' : '−'}${formatCycles(Math.abs(o))})`;
}
