// What a unit worker thread runs (its entry is unitWorkerMain.ts): it is
// started with scenarios the main thread already loaded (plain data, cloned
// once per worker, so a worker loads no scenario or model file) and a shared
// queue of unit numbers, takes units from it until none is left, and posts
// the outcome of each simulation. The main thread runs units too, through
// the same UnitRunner (runScenarios.ts imports this module, so it starts
// nothing when imported: the library may be imported in any worker thread).
import { InputError, type Origin } from '../config/errors.js';
import type { Limits } from '../config/limits.js';
import type { KeyPath } from '../workload/expand.js';
import { MissPriceCache } from '../mmu/missPrice.js';
import { TraceCache } from '../workload/traceCursor.js';
import { runUnit, type RunUnit, type UnitInputs, type UnitOutcome } from './runScenario.js';
import type { RunObserver } from './simulate.js';

/** A loaded scenario as posted to a worker, and where to load it again (a trace replays through its scenario's own compiler). */
export interface PostedScenario {
  inputs: UnitInputs;
  /** Where to load it again (absent: it replays no trace, or this thread has its compiler). */
  source?: { file: string; set: string[]; modelsDir?: string; limits?: Partial<Limits> };
  /** Seed of its simulations (default: the scenario's). */
  seed?: number;
}

/** What the main thread starts a unit worker with. */
export interface UnitWorkerData {
  scenarios: PostedScenario[];
  /** Unit i: a simulation of scenario `scenario`. */
  units: Array<{ scenario: number; unit: RunUnit }>;
  components: boolean;
}

/** A unit's outcome, or why it failed (kept as a value: the main thread reports the first failure in unit order). */
export type UnitResult =
  | { outcome: UnitOutcome }
  | { error: string; input?: { detail: string; origin: Origin; path: KeyPath } };

/** Runs units of one UnitWorkerData in this thread; traces are parsed once for all of them. */
export class UnitRunner {
  private readonly traces = new TraceCache();
  /** TLB-miss prices, measured once for all the units of this thread. */
  private readonly missPrices = new MissPriceCache();
  private readonly reloaded = new Map<number, UnitInputs>();

  constructor(
    private readonly data: UnitWorkerData,
    /** Told of each simulation as it starts (progress display; this thread only). */
    private readonly observer?: RunObserver,
  ) {}

  /** The outcome of unit `i`, or its error. */
  async run(i: number): Promise<UnitResult> {
    const { scenario, unit } = this.data.units[i];
    return this.runOn(await this.inputs(scenario, unit), i);
  }

  /** {@link run} without loading anything: for a thread that holds the scenarios' compilers (or scenarios without traces). */
  runNow(i: number): UnitResult {
    return this.runOn(this.data.scenarios[this.data.units[i].scenario].inputs, i);
  }

  private runOn(inputs: UnitInputs, i: number): UnitResult {
    const { scenario, unit } = this.data.units[i];
    try {
      return { outcome: runUnit(inputs, unit, { components: this.data.components, traces: this.traces, missPrices: this.missPrices, observer: this.observer, seed: this.data.scenarios[scenario].seed }) };
    } catch (e) {
      const input = e instanceof InputError ? { detail: e.detail, origin: e.origin, path: e.path } : undefined;
      return { error: e instanceof Error ? e.message : String(e), input };
    }
  }

  /** The posted inputs; for a trace, the scenario loaded again here, whose compiler numbers its composites' sites as the main thread's did. */
  private async inputs(s: number, unit: RunUnit): Promise<UnitInputs> {
    const posted = this.data.scenarios[s];
    if (posted.inputs.compiler !== undefined || !posted.inputs.workloads[unit.workload].trace || posted.source === undefined) return posted.inputs;
    let loaded = this.reloaded.get(s);
    if (loaded === undefined) {
      // The scenario loader (YAML, schemas) is imported only here: a worker that replays no trace starts without it.
      const { loadScenario } = await import('../config/load.js');
      const { file, set, modelsDir, limits } = posted.source;
      loaded = loadScenario(file, { set, modelsDir, limits });
      this.reloaded.set(s, loaded);
    }
    return loaded;
  }
}
