// The vmmsim library: `import { loadScenario, runScenario, sweep } from 'vmmsim'`.
// Only re-exports; docs/library.md shows a study written with it.
export { loadScenario, planScenario, MODELS_DIR, SCENARIOS_DIR, type Overrides, type ScenarioOptions } from './api/loadScenario.js';
export { simulate, type SimulateOptions, type SimulationResult } from './api/simulate.js';
export { runScenario } from './api/runScenario.js';
export type { RunScenarioOptions } from './run/runScenario.js';
export { sweep, runTasks, type SweepOptions, type RunTasksOptions } from './api/sweep.js';
export { MODES, MODE_IDS } from './vmm/registry.js';
export type { ModeDefinition } from './vmm/actor.js';
export { CATEGORIES, type Category } from './vmm/categories.js';
export type { ResultRecord, CategoryResult } from './run/record.js';
export type { LoadedScenario, CompiledWorkload } from './config/load.js';
export type { SweepPlan, SweepTask } from './config/sweepPlan.js';
export type { Limits } from './config/limits.js';
export { InputError, type Origin } from './config/errors.js';
export { summarize, toTable, toCsv, toJson } from './api/records.js';
export type { SummaryRow } from './report/summary.js';
