// Times vmmsim itself: every workload of a bench entry under every mode, in
// this process, repeated; and exports the per-operation cost table that the
// SimPy model and the bare loop charge.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/config/errors.js';
import { loadScenario, type LoadedScenario } from '../../src/config/load.js';
import { simulate } from '../../src/run/simulate.js';
import { Rng } from '../../src/engine/rng.js';
import { HOME_CATEGORY } from '../../src/vmm/categories.js';
import { Ledger } from '../../src/vmm/ledger.js';
import { MODES, MODE_IDS } from '../../src/vmm/registry.js';
import { OpCursor } from '../../src/workload/stream.js';
import { OP_KINDS, type OpKind } from '../../src/workload/ops.js';
import type { OpSpec } from '../../src/workload/spec.js';
import type { BenchWorkload } from './workloads.js';

/** Bench size: `full` for the real figures, `tiny` to prove the harness works. */
export type BenchSize = 'full' | 'tiny';

/** What vmmsim did on one bench entry. */
export interface WorkloadResult {
  id: string;
  description: string;
  available: boolean;
  /** Why the entry was not measured. */
  missing?: string;
  modes: string[];
  /** Guest operations simulated in one repetition (all workloads × modes). */
  operations: number;
  /** Median over repetitions of operations / wall seconds. */
  opsPerSecond: number;
  /** Memory accesses a `memory` op simulated in one repetition (the MMU model), and their median rate. */
  memoryAccesses: number;
  accessesPerSecond: number;
  /** Median wall seconds of one repetition, by mode (all workloads of the scenario). */
  secondsByMode: Record<string, number>;
  /** Simulated cycles of each (mode, workload) run, mode/workload → cycles. */
  cycles: Record<string, number>;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall seconds since `t0` (from process.hrtime.bigint()). */
export function since(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** An entry's scenario loaded at the bench size with every registered mode, or why it could not be. */
export function loadEntry(root: string, entry: BenchWorkload, size: BenchSize): LoadedScenario | string {
  const file = join(root, entry.scenario);
  if (!existsSync(file)) return `${entry.scenario} is not on this checkout`;
  try {
    const repeat = size === 'full' ? entry.repeat.full : entry.repeat.tiny;
    const set = [`vmms=[${MODE_IDS.join(',')}]`, ...(entry.set?.[size] ?? [])];
    if (repeat !== null) loadScenario(file).scenario.workloads.forEach((_, i) => set.push(`workloads.${i}.repeat=${repeat}`));
    return loadScenario(file, { set });
  } catch (e) {
    if (e instanceof InputError) return `${entry.scenario} does not load on this checkout: ${e.message.split('\n')[0]}`;
    throw e;
  }
}

/** Run every workload of `loaded` under every mode once; returns per-mode seconds, operations and cycles. */
function once(loaded: LoadedScenario): { seconds: Record<string, number>; operations: number; accesses: number; cycles: Record<string, number> } {
  const seconds: Record<string, number> = {};
  const cycles: Record<string, number> = {};
  let operations = 0;
  let accesses = 0;
  for (const mode of loaded.scenario.vmms) {
    const t0 = process.hrtime.bigint();
    for (const w of loaded.workloads) {
      const out = simulate(loaded.cpu, mode, loaded.vmmParams[mode] ?? null, w, loaded.scenario.seed);
      operations += out.operations;
      accesses += out.actorMetrics.memoryAccesses ?? 0;
      cycles[`${mode}/${w.name}`] = out.cycles;
    }
    seconds[mode] = since(t0);
  }
  return { seconds, operations, accesses, cycles };
}

/** Measure one entry: a warm-up run, then `reps` timed repetitions; medians. */
export function measureWorkload(root: string, entry: BenchWorkload, size: BenchSize, reps: number): WorkloadResult {
  const base = { id: entry.id, description: entry.description };
  const loaded = loadEntry(root, entry, size);
  if (typeof loaded === 'string') {
    return { ...base, available: false, missing: loaded, modes: [], operations: 0, opsPerSecond: 0, memoryAccesses: 0, accessesPerSecond: 0, secondsByMode: {}, cycles: {} };
  }
  once(loaded); // warm-up: let V8 compile the hot paths before timing
  const rates: number[] = [];
  const accessRates: number[] = [];
  const perMode: Record<string, number[]> = {};
  let last = once(loaded);
  for (let r = 0; r < reps; r++) {
    last = once(loaded);
    const total = Object.values(last.seconds).reduce((a, b) => a + b, 0);
    rates.push(last.operations / total);
    accessRates.push(last.accesses / total);
    for (const [m, s] of Object.entries(last.seconds)) (perMode[m] ??= []).push(s);
  }
  const secondsByMode = Object.fromEntries(Object.entries(perMode).map(([m, s]) => [m, median(s)]));
  return { ...base, available: true, modes: [...loaded.scenario.vmms], operations: last.operations, opsPerSecond: median(rates), memoryAccesses: last.accesses, accessesPerSecond: median(accessRates), secondsByMode, cycles: last.cycles };
}

/** A stretch of a run in which every operation costs the same. */
export interface CostSegment {
  /** Cycles vmmsim charges each operation of the stretch. */
  cost: number;
  count: number;
}

/** One row of the exported cost table: what vmmsim charges each operation of one (mode, workload) run. */
export interface CostRun {
  mode: string;
  workload: string;
  category: string;
  /** The run's operations in order, run-length encoded by cost (adaptive BT makes a PTE store cheaper once its site adapts). */
  segments: CostSegment[];
  count: number;
}

/**
 * Export what vmmsim's models charge per operation for every (mode,
 * workload) of an entry whose workloads are loops of one operation: each
 * mode's actor is driven copy by copy through the workload, exactly as a
 * run would drive it, and the cycles it returns are run-length encoded.
 */
export function costTable(root: string, entry: BenchWorkload, size: BenchSize): CostRun[] {
  const loaded = loadEntry(root, entry, size);
  if (typeof loaded === 'string') return [];
  const runs: CostRun[] = [];
  for (const mode of loaded.scenario.vmms) {
    loaded.workloads.forEach((w, i) => {
      const kind = singleOpKind(loaded.scenario.workloads[i].ops ?? []);
      if (kind === null) throw new Error(`workload ${w.name} is not a loop of one primitive operation; the cost table needs one`);
      const ledger = new Ledger();
      const actor = MODES[mode].create(loaded.cpu, loaded.vmmParams[mode] ?? null, { rng: new Rng(loaded.scenario.seed), ledger });
      const cursor = new OpCursor(w.body, w.repeat);
      const segments: CostSegment[] = [];
      let last: CostSegment | undefined;
      let count = 0;
      for (let op = cursor.next(); op !== null; op = cursor.next()) {
        if (op.kind === 'block' || op.kind === 'waitUntil') throw new Error(`workload ${w.name} holds a scheduler instruction; the cost table needs operations only`);
        const cost = actor.charge(op, ledger);
        count++;
        if (last !== undefined && last.cost === cost) last.count++;
        else segments.push((last = { cost, count: 1 }));
      }
      runs.push({ mode, workload: w.name, category: HOME_CATEGORY[kind], segments, count });
    });
  }
  return runs;
}

/** Cycles of a cost-table run, summed in operation order. */
export function tableCycles(run: CostRun): number {
  let t = 0;
  for (const s of run.segments) for (let i = 0; i < s.count; i++) t += s.cost;
  return t;
}

/** The kind of the only operation of a one-entry op list written as a primitive, or null. */
function singleOpKind(ops: readonly OpSpec[]): OpKind | null {
  if (ops.length !== 1) return null;
  const e = ops[0];
  const name = typeof e === 'string' ? e : 'op' in e && (e.count ?? 1) === 1 ? e.op : null;
  return name !== null && (OP_KINDS as readonly string[]).includes(name) ? (name as OpKind) : null;
}
