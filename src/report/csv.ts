// Records → CSV in long ("tidy") form: one row per record × category ×
// metric, identifying columns first, so any plotting tool can pivot it.
import { stringify } from 'csv-stringify/sync';
import type { ResultRecord } from '../run/record.js';

/**
 * Options of every CSV vmmsim writes: a text cell starting with =, +, -, @,
 * tab or carriage return gets a leading ' so a spreadsheet shows it rather
 * than running it as a formula (numbers are left alone).
 */
export const CSV_OPTIONS = { escape_formulas: true } as const;

/** The fixed columns; swept parameters are inserted after `point`. */
export const CSV_ID_COLUMNS = ['point', 'replicate', 'seed', 'scenario', 'workload', 'vmm', 'cpu', 'category', 'metric', 'value'] as const;

/**
 * Parameter column names across all records, in first-seen order. A swept
 * key that is already a fixed column (`cpu` when sweeping the CPU preset,
 * `vmm` when sweeping the mode) is shown in that column, not twice.
 */
export function paramColumns(records: ReadonlyArray<{ params: ResultRecord['params'] }>): string[] {
  const fixed = new Set<string>(CSV_ID_COLUMNS);
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.params)) if (!fixed.has(k)) seen.add(k);
  return [...seen];
}

/** One cell of the long form: a record, a category and a metric with its value. */
export interface LongRow {
  record: ResultRecord;
  category: string;
  metric: string;
  value: number | string;
}

/**
 * The long-form rows of a record. Category `total` carries seconds, cycles
 * and every metric; each breakdown category carries count, cycles and
 * overheadCycles; `component:NAME` rows carry component count and cycles when
 * present. A failed run has one row: total, error, the message.
 */
export function* longRows(r: ResultRecord): Generator<LongRow> {
  const row = (category: string, metric: string, value: number | string): LongRow => ({ record: r, category, metric, value });
  if (r.error !== undefined) {
    yield row('total', 'error', r.error);
    return;
  }
  yield row('total', 'seconds', r.seconds);
  yield row('total', 'cycles', r.cycles);
  for (const [m, v] of Object.entries(r.metrics)) yield row('total', m, v);
  for (const [cat, b] of Object.entries(r.breakdown)) {
    yield row(cat, 'count', b!.count);
    yield row(cat, 'cycles', b!.cycles);
    yield row(cat, 'overheadCycles', b!.overheadCycles);
  }
  for (const [name, c] of Object.entries(r.components ?? {})) {
    yield row(`component:${name}`, 'count', c.count);
    yield row(`component:${name}`, 'cycles', c.cycles);
  }
}

/** One cell of a record's split by VM and process: `process` is empty on a VM's own rows. */
export interface VmRow {
  vm: string;
  process: string;
  category: string;
  metric: string;
  value: number;
}

/**
 * The per-VM and per-process rows of a guest system's record: for each VM
 * and then each of its processes, category `total` with cycles, exits,
 * faults and hiddenFaults, and each breakdown category with count and cycles.
 */
export function* vmRows(r: ResultRecord): Generator<VmRow> {
  for (const vm of r.vms ?? []) {
    for (const [process, s] of [['', vm] as const, ...vm.processes.map((p) => [p.process, p] as const)]) {
      const row = (category: string, metric: string, value: number): VmRow => ({ vm: vm.vm, process, category, metric, value });
      yield row('total', 'cycles', s.cycles);
      yield row('total', 'exits', s.exits);
      yield row('total', 'faults', s.faults);
      yield row('total', 'hiddenFaults', s.hiddenFaults);
      for (const [cat, b] of Object.entries(s.breakdown)) {
        yield row(cat, 'count', b!.count);
        yield row(cat, 'cycles', b!.cycles);
      }
    }
  }
}

/**
 * Long-form CSV of the records (see {@link longRows}). When any record is of
 * a guest system, columns `vm` and `process` follow `cpu`: empty on the
 * record's own rows, set on its split by VM and process (see {@link vmRows}).
 */
export function toCsv(records: readonly ResultRecord[]): string {
  const params = paramColumns(records);
  const split = records.some((r) => r.vms !== undefined);
  const header = ['point', ...params, ...CSV_ID_COLUMNS.slice(1, 7), ...(split ? ['vm', 'process'] : []), ...CSV_ID_COLUMNS.slice(7)];
  const rows: unknown[][] = [header];
  for (const r of records) {
    const id = [r.point, ...params.map((p) => r.params[p] ?? ''), r.replicate, r.seed, r.scenario, r.workload, r.vmm, r.cpu];
    const whole = split ? ['', ''] : [];
    for (const x of longRows(r)) rows.push([...id, ...whole, x.category, x.metric, x.value]);
    for (const x of vmRows(r)) rows.push([...id, x.vm, x.process, x.category, x.metric, x.value]);
  }
  return stringify(rows, CSV_OPTIONS);
}
