// Every workload of a loaded scenario under every mode, for the library: the
// run's own runScenario with its arguments checked first.
import type { ResultRecord } from '../run/record.js';
import { runScenario as runLoaded, type RunScenarioOptions, type UnitInputs } from '../run/runScenario.js';
import { checkLoaded, checkOptions } from './checkArguments.js';

/**
 * Run every workload of `loaded` under every mode of its `vmms` and return
 * one record per workload × mode, with overheads versus native. Bad
 * arguments throw an InputError naming the option.
 */
export function runScenario(loaded: UnitInputs, options: RunScenarioOptions = {}): ResultRecord[] {
  checkLoaded('runScenario', 'loaded', loaded);
  checkOptions('runScenario', options);
  return runLoaded(loaded, options);
}
