// Times vmmsim itself, in this process: every bench entry under every mode,
// op by op (every operation through the actor's charge(): the per-operation
// path) and with counted runs charged in bulk (the shortcut), side by side;
// and records the cycles vmmsim charges each operation, which the SimPy
// model and the bare loop then charge too.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../dist/config/errors.js';
import { loadScenario, type LoadedScenario } from '../../dist/config/load.js';
import { simulate } from '../../dist/run/simulate.js';
import { MissPriceCache } from '../../dist/mmu/missPrice.js';
import type { CostActor } from '../../dist/vmm/actor.js';
import { HOME_CATEGORY } from '../../dist/vmm/categories.js';
import { MODE_IDS } from '../../dist/vmm/registry.js';
import type { BenchSize } from './sections.js';
import { MAX_REPS, MIN_TIMED_SECONDS } from './repetitions.js';
import type { BenchWorkload } from './workloads.js';


/** One mode's figures on one entry (all its workloads). */
export interface ModeFigures {
  /** Guest operations of one run of the entry. */
  operations: number;
  /** Memory accesses its `memory` ops simulated (the MMU model). */
  accesses: number;
  /** Median wall seconds, op by op and with counted runs in bulk. */
  perOpSeconds: number;
  bulkSeconds: number;
  /** operations / seconds of each. */
  perOpRate: number;
  bulkRate: number;
  /** Simulated cycles of each workload (op by op and bulk agree; checked). */
  cycles: number[];
  /** Wall seconds of each timed op-by-op run, in round order. */
  perOpRuns: number[];
  /** The partner's seconds in the same rounds (the SimPy model on this mode's recorded costs), when it was timed beside. */
  partnerRuns?: number[];
}

/** Times a reference beside vmmsim: seconds of one run of it on `mode`'s recorded costs, or null when it has none for that mode. */
export type Partner = (mode: string) => Promise<number> | null;

/** What vmmsim did on one bench entry. */
export interface WorkloadResult {
  id: string;
  description: string;
  group: BenchWorkload['group'];
  available: boolean;
  /** Why the entry was not measured. */
  missing?: string;
  modes: string[];
  byMode: Record<string, ModeFigures>;
  /** All modes: operations of one run of every mode, and their rates (total operations / total median seconds). */
  operations: number;
  perOpRate: number;
  bulkRate: number;
  memoryAccesses: number;
  /** Memory accesses per second with counted runs in bulk (a memory op never repeats in bulk: each copy draws new addresses). */
  accessesPerSecond: number;
  /** True when the op-by-op run and the bulk run gave the same simulated cycles in every mode. */
  pathsAgree: boolean;
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

/** An entry's scenario loaded at the bench size, or why it could not be. */
export function loadEntry(root: string, entry: BenchWorkload, size: BenchSize): LoadedScenario | string {
  const file = join(root, entry.scenario);
  if (!existsSync(file)) return `${entry.scenario} is not on this checkout`;
  try {
    const set = [...(entry.allModes ? [`vmms=[${MODE_IDS.join(',')}]`] : []), ...(entry.set?.[size] ?? [])];
    return loadScenario(file, { set });
  } catch (e) {
    if (e instanceof InputError) return `${entry.scenario} does not load on this checkout: ${e.message.split('\n')[0]}`;
    throw e;
  }
}

/** The modes an entry runs: the scenario's own (every registered one with `allModes`); a sweep's base point may list none. */
function modesOf(loaded: LoadedScenario): string[] {
  return loaded.scenario.vmms.filter((m) => m === 'native' || loaded.vmmParams[m] !== undefined);
}

/**
 * Run every workload of `loaded` under `mode` once; operations, accesses,
 * cycles per workload, wall seconds. `missPrices`: the entry's, as one
 * command shares them across its runs (filled in the warm-up).
 */
function runMode(loaded: LoadedScenario, mode: string, bulk: boolean, missPrices: MissPriceCache): { seconds: number; operations: number; accesses: number; cycles: number[] } {
  let operations = 0;
  let accesses = 0;
  const cycles: number[] = [];
  const t0 = process.hrtime.bigint();
  for (const w of loaded.workloads) {
    const out = simulate(loaded.cpu, mode, loaded.vmmParams[mode] ?? null, w, loaded.scenario.seed, { compiler: loaded.compiler, bulk, missPrices });
    operations += out.operations;
    accesses += out.actorMetrics.memoryAccesses ?? 0;
    cycles.push(out.cycles);
  }
  return { seconds: since(t0), operations, accesses, cycles };
}

/** Warm-up of each (entry, mode): at least this many pairs of runs (op by op, in bulk), and at least this long. */
const WARM_UP_RUNS = 3;
const WARM_UP_SECONDS = 0.2;

/**
 * Measure one entry: per mode a warm-up of both paths, then timed rounds
 * (at least `reps`, and until the op-by-op runs, and the partner's, have
 * taken MIN_TIMED_SECONDS; at most MAX_REPS): each an op-by-op run, a bulk
 * run and, with a `partner`, one run of it, back to back; medians.
 */
export async function measureWorkload(root: string, entry: BenchWorkload, size: BenchSize, reps: number, partner?: Partner): Promise<WorkloadResult> {
  const base = { id: entry.id, description: entry.description, group: entry.group };
  const loaded = loadEntry(root, entry, size);
  if (typeof loaded === 'string') {
    return { ...base, available: false, missing: loaded, modes: [], byMode: {}, operations: 0, perOpRate: 0, bulkRate: 0, memoryAccesses: 0, accessesPerSecond: 0, pathsAgree: true };
  }
  const modes = modesOf(loaded);
  const byMode: Record<string, ModeFigures> = {};
  let pathsAgree = true;
  const missPrices = new MissPriceCache();
  for (const mode of modes) {
    // Warm-up of both paths, alternating as the timed runs do, at least WARM_UP_RUNS pairs and WARM_UP_SECONDS:
    // V8 compiles the hot paths (and the miss prices are measured) before timing. One pair was enough while the
    // bulk run was another pass of the per-op path; now a loop of static operations goes at once in bulk, its
    // first runs deoptimize the runner's loop (its iteration call), and after one pair the first mode was timed
    // while V8 recompiled it (interleaved native 30-38 M ops/s in the first repetitions, 70 once settled).
    const warmFrom = process.hrtime.bigint();
    for (let k = 0; k < WARM_UP_RUNS || since(warmFrom) < WARM_UP_SECONDS; k++) {
      runMode(loaded, mode, false, missPrices);
      runMode(loaded, mode, true, missPrices);
    }
    // The partner's first run is untimed too; a mode it has no recording of is timed alone.
    const partnered = partner?.(mode) ?? null;
    if (partnered !== null) await partnered;
    const first = runMode(loaded, mode, true, missPrices);
    const perOp: number[] = [];
    const bulk: number[] = [];
    const partnerRuns: number[] = [];
    let timed = 0;
    let partnerTimed = partnered === null ? Infinity : 0;
    const min = MIN_TIMED_SECONDS[size];
    for (let r = 0; r < reps || ((timed < min || partnerTimed < min) && r < MAX_REPS); r++) {
      const a = runMode(loaded, mode, false, missPrices);
      timed += a.seconds;
      const b = runMode(loaded, mode, true, missPrices);
      perOp.push(a.seconds);
      bulk.push(b.seconds);
      if (a.cycles.some((c, i) => c !== b.cycles[i]) || a.operations !== b.operations) pathsAgree = false;
      if (partnered !== null) {
        const s = await partner!(mode)!;
        partnerRuns.push(s);
        partnerTimed += s;
      }
    }
    const perOpSeconds = median(perOp);
    const bulkSeconds = median(bulk);
    byMode[mode] = {
      operations: first.operations, accesses: first.accesses, perOpSeconds, bulkSeconds,
      perOpRate: first.operations / perOpSeconds, bulkRate: first.operations / bulkSeconds, cycles: first.cycles,
      perOpRuns: perOp, ...(partnered !== null ? { partnerRuns } : {}),
    };
  }
  const figs = Object.values(byMode);
  const sum = (f: (m: ModeFigures) => number) => figs.reduce((a, m) => a + f(m), 0);
  const operations = sum((m) => m.operations);
  const memoryAccesses = sum((m) => m.accesses);
  return {
    ...base, available: true, modes, byMode, operations,
    perOpRate: operations / sum((m) => m.perOpSeconds), bulkRate: operations / sum((m) => m.bulkSeconds),
    memoryAccesses, accessesPerSecond: memoryAccesses / sum((m) => m.bulkSeconds), pathsAgree,
  };
}

/** A stretch of a run in which every operation costs the same and is charged to the same category. */
export interface CostSegment {
  /** Cycles vmmsim charges each operation of the stretch. */
  cost: number;
  count: number;
  category: string;
}

/** What vmmsim charged the first operations of one (entry, mode) run, in order, run-length encoded. */
export interface CostRun {
  entry: string;
  mode: string;
  segments: CostSegment[];
  /** Operations recorded (at most the cap). */
  count: number;
  /** True when the whole run was recorded (not cut at the cap). */
  whole: boolean;
}

/** Thrown by the recorder to end a run once it has recorded enough. */
class Recorded extends Error {}

/**
 * Record the cycles vmmsim's actors return for the first `cap` operations of
 * each workload of an entry under `mode`, op by op, exactly as a run charges
 * them (the run is cut once the cap is reached).
 */
export function recordCosts(loaded: LoadedScenario, entryId: string, mode: string, cap: number): CostRun {
  const segments: CostSegment[] = [];
  let count = 0;
  let whole = true;
  let last: CostSegment | undefined;
  const instrument = (actor: CostActor): CostActor => ({
    charge: (op, ledger) => {
      const cost = actor.charge(op, ledger);
      if (count >= cap) throw new Recorded();
      const category = HOME_CATEGORY[op.kind];
      if (last !== undefined && last.cost === cost && last.category === category) last.count++;
      else segments.push((last = { cost, count: 1, category }));
      count++;
      return cost;
    },
    metrics: () => actor.metrics?.() ?? {},
  });
  for (const w of loaded.workloads) {
    if (count >= cap) break;
    try {
      simulate(loaded.cpu, mode, loaded.vmmParams[mode] ?? null, w, loaded.scenario.seed, { compiler: loaded.compiler, bulk: false, instrument });
    } catch (e) {
      if (!(e instanceof Recorded)) throw e;
      whole = false;
    }
  }
  return { entry: entryId, mode, segments, count, whole };
}

/** Record every mode of an entry (see {@link recordCosts}). */
export function costTable(root: string, entry: BenchWorkload, size: BenchSize, cap: number): CostRun[] {
  const loaded = loadEntry(root, entry, size);
  if (typeof loaded === 'string') return [];
  return modesOf(loaded).map((mode) => recordCosts(loaded, entry.id, mode, cap));
}

/** Cycles of a cost-table run, summed one operation at a time in order (as a simulation's clock adds them). */
export function tableCycles(run: CostRun): number {
  let t = 0;
  for (const s of run.segments) for (let i = 0; i < s.count; i++) t += s.cost;
  return t;
}
