// Runs one sweep task (a point and a replicate) and never throws for a
// failure of the simulation itself: a failed task still returns a record per
// workload × mode, with the error in it, so the other points of a sweep finish.
import { InputError } from '../config/errors.js';
import type { SweepPoint } from '../config/sweep.js';
import type { ResultRecord } from './record.js';
import { runScenario, type UnitInputs } from './runScenario.js';
import type { RunObserver } from './simulate.js';
import type { TraceCache } from '../workload/traceCursor.js';
import type { MissPriceCache } from '../mmu/missPrice.js';

/** What a task needs besides its resolved scenario. */
export interface TaskSpec {
  point: SweepPoint;
  replicate: number;
  seed: number;
  components?: boolean;
  /** Told of each simulation as it starts (progress display). */
  observer?: RunObserver;
  /** Traces parsed by earlier tasks of this thread. */
  traces?: TraceCache;
  /** TLB-miss prices measured by earlier tasks of this thread. */
  missPrices?: MissPriceCache;
}

/** The function that simulates a point; replaceable so tests can make a point fail. */
export type Simulator = typeof runScenario;

/** Run one task; a thrown error becomes error records instead of an exception. */
export function runTask(loaded: UnitInputs, spec: TaskSpec, simulator: Simulator = runScenario): ResultRecord[] {
  const options = { point: spec.point.index, params: spec.point.params, replicate: spec.replicate, seed: spec.seed, components: spec.components, observer: spec.observer, traces: spec.traces, missPrices: spec.missPrices };
  try {
    return simulator(loaded, options);
  } catch (e) {
    if (e instanceof InputError) throw e; // bad input (a malformed trace line): exit 2, not a failed point
    const message = e instanceof Error ? e.message : String(e);
    return errorRecords(loaded, options, message);
  }
}

/** One record per workload × mode carrying `error` and no results. */
export function errorRecords(loaded: Pick<UnitInputs, 'scenario' | 'workloads' | 'cpu'>, o: { point: number; params: ResultRecord['params']; replicate: number; seed: number }, error: string): ResultRecord[] {
  return loaded.workloads.flatMap((w) => loaded.scenario.vmms.map((vmm) => ({
    scenario: loaded.scenario.name, point: o.point, params: o.params, replicate: o.replicate,
    workload: w.name, vmm, cpu: loaded.cpu.name, seed: o.seed,
    seconds: 0, cycles: 0, breakdown: {}, metrics: {}, error,
  })));
}
