// Runs several loaded scenarios at once, one simulation (workload × mode) per
// task on worker threads: the largest simulations first, so the threads
// finish together. The records are those runScenario gives each scenario,
// whatever the number of threads. `vmmsim predict` runs the paper scenarios
// this way, and a sweep of few points its points.
import { InputError } from '../config/errors.js';
import type { ResultRecord } from './record.js';
import { postable, recordsOf, unitsOf, type RunScenarioOptions, type RunUnit, type UnitInputs, type UnitOutcome } from './runScenario.js';
import type { RunObserver } from './simulate.js';
import { UnitRunner, type PostedScenario, type UnitResult, type UnitWorkerData } from './unitWorker.js';
import { runOnWorkers, WarmWorkers } from './workerPool.js';

/** A scenario to run, how it was loaded (a worker loads it again only to replay a trace), and what its records are stamped with. */
export interface ScenarioToRun {
  loaded: UnitInputs & { estimates?: ReadonlyArray<{ operations: number | null; memoryAccesses: number | null }> };
  source?: PostedScenario['source'];
  /** Sweep point, replicate and seed of its records (as runScenario's options). */
  options?: Pick<RunScenarioOptions, 'point' | 'params' | 'replicate' | 'seed'>;
}

/** A scenario's records, or the first of its simulations (in runScenario's order) that failed. */
export type ScenarioOutcome = { records: ResultRecord[] } | { failure: Extract<UnitResult, { error: string }> };

/** Options of {@link runScenarioUnits}. */
export interface RunScenariosOptions {
  /** Threads, this one included (it runs simulations between messages); 1 runs every simulation in this thread. */
  jobs: number;
  components?: boolean;
  /** Told of each simulation this thread starts. */
  observer?: RunObserver;
  /** Called as each scenario's last simulation finishes, in completion order. */
  onScenario?(k: number, outcome: ScenarioOutcome): void;
  /** Unit workers started ahead ({@link warmUnitWorkers}), used before any new one is started. */
  warm?: WarmWorkers;
}

const UNIT_WORKER = new URL('./unitWorkerMain.js', import.meta.url);

/** Start `count` unit workers now, to boot while this thread still loads or validates what they will run (pass them as `warm`; close them if unused). */
export function warmUnitWorkers(count: number): WarmWorkers {
  return new WarmWorkers(UNIT_WORKER, count);
}

/** Simulate every scenario; resolves to each one's records or first failure, in the order given. */
export async function runScenarioUnits(scenarios: readonly ScenarioToRun[], options: RunScenariosOptions): Promise<ScenarioOutcome[]> {
  const perScenario = scenarios.map((s) => unitsOf(s.loaded));
  const units = perScenario.flatMap((us, scenario) => us.map((unit) => ({ scenario, unit })));
  const first = perScenario.map((_, k) => perScenario.slice(0, k).reduce((n, us) => n + us.length, 0));
  const data: UnitWorkerData = {
    scenarios: scenarios.map((s) => ({ inputs: postable(s.loaded), source: s.source, seed: s.options?.seed })),
    units,
    components: options.components ?? false,
  };
  const results: UnitResult[] = new Array(units.length);
  const left = perScenario.map((us) => us.length);
  const outcomes: ScenarioOutcome[] = new Array(scenarios.length);
  const finish = (k: number) => {
    const rs = results.slice(first[k], first[k] + perScenario[k].length);
    const failed = rs.find((r) => 'error' in r);
    outcomes[k] = failed && 'error' in failed
      ? { failure: failed }
      : { records: recordsOf(scenarios[k].loaded, perScenario[k], rs.map((r) => (r as { outcome: UnitOutcome }).outcome), { ...scenarios[k].options, components: options.components }) };
    options.onScenario?.(k, outcomes[k]);
  };
  const done = (i: number, r: UnitResult) => {
    results[i] = r;
    const k = units[i].scenario;
    if (--left[k] === 0) finish(k);
  };
  // This thread keeps the scenarios' own compilers (a trace replays through them): nothing is loaded twice.
  const here = new UnitRunner({ ...data, scenarios: scenarios.map((s, k) => ({ ...data.scenarios[k], inputs: s.loaded })) }, options.observer);
  const order = largestFirst(units.map((u) => size(scenarios[u.scenario].loaded, u.unit)));
  if (options.jobs <= 1 || units.length <= 1) {
    options.warm?.close();
    for (const i of order) done(i, await here.run(i));
  } else {
    await runOnWorkers<UnitResult>(order, {
      jobs: options.jobs,
      data,
      workerUrl: UNIT_WORKER,
      shared: true,
      warm: options.warm,
      onResult: done,
      inline: (i) => here.runNow(i),
    });
  }
  scenarios.forEach((_, k) => {
    if (perScenario[k].length === 0) finish(k);
  });
  return outcomes;
}

/**
 * Simulate every scenario; resolves to each scenario's records (as
 * runScenario). A failing simulation rejects with the error of the first
 * failing scenario in the order given, whatever finished first.
 */
export async function runScenarios(scenarios: readonly ScenarioToRun[], options: RunScenariosOptions): Promise<ResultRecord[][]> {
  const outcomes = await runScenarioUnits(scenarios, options);
  return outcomes.map((o) => {
    if ('records' in o) return o.records;
    throw failureError(o.failure);
  });
}

/** A failed simulation as the error it was: located bad input (exit 2), or an internal error. */
export function failureError(f: Extract<UnitResult, { error: string }>): Error {
  return f.input ? new InputError(f.input.detail, f.input.origin, f.input.path) : new Error(f.error);
}

/**
 * What a simulated memory access costs in wall time, in operations, for
 * ordering only. ESTIMATE, measured once on one thread of this 2-core
 * machine with counted runs and loop iterations in bulk: largeram runs
 * 4.1 M accesses and 9.2 M operations per mode in about 0.9 s, compile-win
 * 49 M operations in about 0.65 s (13 ns each), so an access takes about
 * 190 ns, some 15 operations.
 */
const ACCESS_COST_IN_OPS = 15;

/** Pre-run size of a unit for ordering only: operations plus weighted memory accesses of its workload (the estimates checked against --max-ops). */
function size(l: ScenarioToRun['loaded'], u: RunUnit): number {
  const e = l.estimates?.[u.workload];
  return (e?.operations ?? 0) + ACCESS_COST_IN_OPS * (e?.memoryAccesses ?? 0);
}

/** Indices of `sizes`, largest first; ties in index order. */
function largestFirst(sizes: readonly number[]): number[] {
  return sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
}
