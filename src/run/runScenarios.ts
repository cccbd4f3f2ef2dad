// Runs several loaded scenarios at once, one simulation (workload × mode) per
// task on worker threads: the largest simulations first, so the threads
// finish together. The records are those runScenario gives each scenario,
// whatever the number of threads.
import { InputError } from '../config/errors.js';
import type { LoadedScenario } from '../config/load.js';
import type { ResultRecord } from './record.js';
import { postable, recordsOf, unitsOf, type RunUnit, type UnitOutcome } from './runScenario.js';
import { UnitRunner, type PostedScenario, type UnitResult, type UnitWorkerData } from './unitWorker.js';
import { runOnWorkers } from './workerPool.js';

/** A scenario to run and how it was loaded (a worker loads it again only to replay a trace). */
export interface ScenarioToRun {
  loaded: LoadedScenario;
  source: PostedScenario['source'];
}

/** Options of {@link runScenarios}. */
export interface RunScenariosOptions {
  /** Threads; 1 runs every simulation in this thread. */
  jobs: number;
  components?: boolean;
}

/**
 * Simulate every scenario; resolves to each scenario's records (as
 * runScenario). Bad input found while simulating rejects with the error of
 * the first failing simulation in scenario order, whatever finished first.
 */
export async function runScenarios(scenarios: readonly ScenarioToRun[], options: RunScenariosOptions): Promise<ResultRecord[][]> {
  const perScenario = scenarios.map((s) => unitsOf(s.loaded));
  const units = perScenario.flatMap((us, scenario) => us.map((unit) => ({ scenario, unit })));
  const data: UnitWorkerData = {
    scenarios: scenarios.map((s) => ({ inputs: postable(s.loaded), source: s.source })),
    units,
    components: options.components ?? false,
  };
  const results: UnitResult[] = new Array(units.length);
  const order = largestFirst(units.map((u) => size(scenarios[u.scenario].loaded, u.unit)));
  if (options.jobs <= 1 || units.length <= 1) {
    // This thread keeps the scenarios' own compilers: nothing is loaded twice.
    const runner = new UnitRunner({ ...data, scenarios: scenarios.map((s) => ({ inputs: s.loaded, source: s.source })) });
    for (const i of order) results[i] = await runner.run(i);
  } else {
    await runOnWorkers<UnitResult>(order, {
      jobs: options.jobs,
      data,
      workerUrl: new URL('./unitWorker.js', import.meta.url),
      inFlight: 1,
      onResult: (i, r) => { results[i] = r; },
    });
  }
  const failed = results.find((r) => 'error' in r);
  if (failed && 'error' in failed) throw failed.input ? new InputError(failed.input.detail, failed.input.origin, failed.input.path) : new Error(failed.error);
  let next = 0;
  return scenarios.map((s, k) => {
    const outcomes = perScenario[k].map(() => (results[next++] as { outcome: UnitOutcome }).outcome);
    return recordsOf(s.loaded, perScenario[k], outcomes, { components: options.components });
  });
}

/** Pre-run size of a unit for ordering only: operations plus memory accesses of its workload (the estimate checked against --max-ops). */
function size(l: LoadedScenario, u: RunUnit): number {
  const e = l.estimates[u.workload];
  return (e?.operations ?? 0) + (e?.memoryAccesses ?? 0);
}

/** Indices of `sizes`, largest first; ties in index order. */
function largestFirst(sizes: readonly number[]): number[] {
  return sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
}
