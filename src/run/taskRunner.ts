// Runs sweep tasks by index against a plan, keeping the last resolved point:
// consecutive replicates of a point are loaded once. Used in-process
// (--jobs 1) and inside each worker thread.
import type { LoadedScenario } from '../config/load.js';
import type { SweepPlan } from '../config/sweepPlan.js';
import type { ResultRecord } from './record.js';
import { runTask, type Simulator, type TaskSpec } from './runTask.js';
import type { UnitInputs } from './runScenario.js';
import type { RunObserver } from './simulate.js';
import { TraceCache } from '../workload/traceCursor.js';
import { MissPriceCache } from '../mmu/missPrice.js';

/** Runs tasks of one plan. */
export class TaskRunner {
  private cached: { point: number; loaded: LoadedScenario } | null = null;
  /** Every trace is parsed once for all the tasks this runner runs. */
  private readonly traces = new TraceCache();
  /** Every TLB-miss price is measured once for all the tasks this runner runs. */
  private readonly missPrices = new MissPriceCache();

  constructor(
    private readonly plan: SweepPlan,
    private readonly components = false,
    /** A point whose simulation throws on purpose (tests of failure handling; chosen by the CLI), or null. */
    private readonly faultPoint: number | null = null,
    /** Told of each simulation as it starts (progress display; this thread only). */
    private readonly observer?: RunObserver,
  ) {}

  /** Records of task `index` (error records if the simulation failed). */
  run(index: number): ResultRecord[] {
    return runPrepared(this.prepare(index), this.traces, this.observer, this.missPrices);
  }

  /** Task `index` resolved to its point's scenario and what runTask needs (plain data, except the scenario's compiler). */
  prepare(index: number): PreparedTask {
    const t = this.plan.task(index);
    if (this.cached?.point !== t.point) this.cached = { point: t.point, loaded: this.plan.load(t.point) };
    const loaded = this.cached.loaded;
    const spec = { point: this.plan.points[t.point], replicate: t.replicate, seed: this.plan.seed(loaded, t.replicate), components: this.components };
    return { loaded, spec, fault: t.point === this.faultPoint };
  }
}

/** A task ready to run: in this thread, or posted to a worker (without the compiler, when no workload replays a trace). */
export interface PreparedTask {
  loaded: UnitInputs;
  spec: TaskSpec;
  /** Fail on purpose (the fault point of tests of failure handling). */
  fault: boolean;
}

/** Run a prepared task (error records if the simulation failed). */
export function runPrepared(task: PreparedTask, traces?: TraceCache, observer?: RunObserver, missPrices?: MissPriceCache): ResultRecord[] {
  const spec = { ...task.spec, traces, observer, missPrices };
  return task.fault ? runTask(task.loaded, spec, injectedFault) : runTask(task.loaded, spec);
}

const injectedFault: Simulator = (loaded, options) => {
  throw new Error(`injected fault at sweep point ${options?.point} of ${loaded.scenario.name}`);
};
