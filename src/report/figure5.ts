// Records → the paper's Figure 5 form: for each workload, each category's
// overhead versus native in seconds, one column per mode. Negative where the
// VMM is faster than native in that category (e.g. port I/O emulated inside
// the translation cache beats the real device access).
import type { ResultRecord } from '../run/record.js';
import { CATEGORIES } from '../vmm/categories.js';
import { columns, pointLabel } from './table.js';

/** Signed seconds with four significant digits ("+1.234", "−0.02100", "0"). */
export function formatSignedSeconds(s: number): string {
  if (s === 0) return '0';
  const digits = Math.abs(s) >= 1000 ? Math.abs(s).toFixed(0) : Math.abs(s).toPrecision(4);
  return `${s > 0 ? '+' : '−'}${digits}`;
}

/** Overhead of one category in seconds: overhead cycles at the record's clock rate. */
export function overheadSeconds(r: ResultRecord, cat: string): number {
  const b = r.breakdown[cat as keyof ResultRecord['breakdown']];
  if (!b || r.cycles === 0) return 0;
  return (b.overheadCycles * r.seconds) / r.cycles;
}

/** The Figure 5 table of every workload in `records` (non-native modes as columns). */
export function toFigure5(records: readonly ResultRecord[]): string {
  const groups = new Map<string, ResultRecord[]>();
  for (const r of records) {
    const key = `${r.point}\u0000${r.replicate}\u0000${r.cpu}\u0000${r.workload}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: string[] = [];
  for (const rs of groups.values()) {
    const modes = rs.filter((r) => r.vmm !== 'native' && r.error === undefined);
    const r0 = rs[0];
    const head = `${r0.scenario} / ${r0.workload} on ${r0.cpu}${pointLabel(r0)} — overhead versus native by category, seconds (Figure 5 form; negative: faster than native)`;
    if (modes.length === 0) {
      out.push(`${head}\n(no mode other than native was run)`);
      continue;
    }
    const cats = CATEGORIES.filter((c) => modes.some((r) => (r.breakdown[c]?.overheadCycles ?? 0) !== 0));
    const native = rs.find((r) => r.vmm === 'native');
    const rows = [
      ['category', ...modes.map((r) => r.vmm)],
      ...cats.map((c) => [c, ...modes.map((r) => formatSignedSeconds(overheadSeconds(r, c)))]),
      ['total', ...modes.map((r) => formatSignedSeconds(native ? r.seconds - native.seconds : 0))],
    ];
    out.push(`${head}\n${columns(rows)}`);
  }
  return out.join('\n\n') + '\n';
}
