// Runs several loaded scenarios at once, one simulation (workload × mode) per
// task on worker threads: the largest simulations first, so the threads
// finish together, and among equal ones those of a mode together, dealt to
// the shared queue's two ends so that two threads split them by mode (see
// unitOrder). The records are those runScenario gives each scenario,
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
  const order = unitOrder(units.map((u) => ({ size: size(scenarios[u.scenario].loaded, u.unit), mode: u.unit.mode })));
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

/**
 * The order in which units are queued: largest first, so the threads finish
 * together; among units of equal size, mode by mode, then in index order.
 * The modes are dealt to the two ends of the queue, where the main thread
 * takes from the front and the last worker from the back (taskQueue.ts):
 * the first, third, … mode in the scenario's order at the front, the
 * second, fourth, … at the back, and native (the mode with the least code
 * to compile) dealt last, so that two threads meet on it. A sweep's points
 * are all of one size: of its four modes each thread then runs one VMM mode
 * first, and the threads meet on native.
 *
 * Why: a thread's first units of each mode run at up to 2.5× their later
 * time while V8 compiles that mode's code, and point by point a thread met
 * every mode, its optimized code thrown away as the next mode's actor
 * arrived. On the bench's sweep (8 points × 4 modes, `--jobs 2`, this
 * machine, alternated runs): point by point 4.69–5.00 s; mode by mode in the
 * scenario's order, the threads meeting on hardware, 4.58–4.96 s; dealt as
 * here, or as its mirror image, 4.36–4.75 s (`--jobs 1` 7.5–7.9 s).
 */
export function unitOrder(units: ReadonlyArray<{ size: number; mode: string }>): number[] {
  const modes = [...new Set(units.map((u) => u.mode))].sort((a, b) => Number(a === 'native') - Number(b === 'native'));
  const place = new Map(modes.map((m, r) => [m, r % 2 === 0 ? r : 2 * modes.length - r]));
  return units.map((_, i) => i).sort((a, b) => units[b].size - units[a].size || place.get(units[a].mode)! - place.get(units[b].mode)! || a - b);
}
