// The library's way in: load a scenario file with overrides given in code,
// either as `--set`-style strings or as an object of dotted keys.
import { join } from 'node:path';
import { DEFAULT_MODELS_DIR, loadScenario as loadFile, type LoadedScenario, type LoadOptions } from '../config/load.js';
import type { Limits } from '../config/limits.js';
import { SweepPlan } from '../config/sweepPlan.js';
import { checkOptions, checkString, sealLoaded } from './checkArguments.js';

/** The model files shipped with vmmsim (cpu/, vmm/, guest/): the default `modelsDir`. */
export const MODELS_DIR: string = DEFAULT_MODELS_DIR;

/** The scenarios shipped with vmmsim (default.yaml, paper/, examples/, mmu/), to load by path. */
export const SCENARIOS_DIR: string = join(DEFAULT_MODELS_DIR, '..', 'scenarios');

/** Overrides by dotted key: `['cpu=core2']`, or `{ cpu: 'core2', 'vmm.hardware.shadowCache': 2 }`. */
export type Overrides = readonly string[] | Readonly<Record<string, unknown>>;

/** Options of {@link loadScenario} and {@link planScenario}. */
export interface ScenarioOptions {
  /**
   * Parameter overrides, applied after the scenario's own `set:` block, checked
   * by the same schemas as the files (a typo is an InputError, not a no-op).
   * Keys are those of `--set`: `cpu`, `cpu.vmx.vmExitCycles`, `vmms`,
   * `workloads.0.repeat`, `vmm.hardware.shadowCache`, …
   */
  set?: Overrides;
  /** Directory of model files (cpu/, vmm/, guest/); default: the models shipped with vmmsim. */
  modelsDir?: string;
  /** Caps on input size, operations per run and sweep points (see docs/cli.md); unspecified ones keep their defaults. */
  limits?: Partial<Limits>;
}

/** `--set`-style strings for `set` (an object's values are written as JSON, which is YAML). */
export function overrideFlags(set: Overrides | undefined): string[] {
  if (set === undefined) return [];
  if (Array.isArray(set)) return [...(set as readonly string[])];
  return Object.entries(set).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
}

/** The loader options for `options`. */
export function loadOptions(options: ScenarioOptions = {}): LoadOptions {
  return { set: overrideFlags(options.set), modelsDir: options.modelsDir, limits: options.limits };
}

/**
 * Load a scenario file: read it, apply its `set:` block and `options.set`,
 * validate it and every model it names, and compile its workloads. The result
 * is the scenario's base point (a `sweep:` block is expanded by {@link planScenario}
 * and run by `sweep`). Bad input throws an InputError naming file, line and key.
 * The result is frozen: change a parameter with `options.set`, which checks it.
 *
 * @example
 * const loaded = loadScenario('scenarios/default.yaml', { set: { cpu: 'core2', vmms: ['native', 'hardware'] } });
 */
export function loadScenario(file: string, options: ScenarioOptions = {}): LoadedScenario {
  checkString('loadScenario', 'file', file);
  checkOptions('loadScenario', options);
  return sealLoaded(loadFile(file, loadOptions(options))); // frozen: runScenario() runs what was checked
}

/**
 * Read a scenario and expand its sweep into points × replicates, validating
 * only the base point (call `validateAll()` on the plan to load every point).
 */
export function planScenario(file: string, options: ScenarioOptions = {}): SweepPlan {
  checkString('planScenario', 'file', file);
  checkOptions('planScenario', options);
  return SweepPlan.read(file, loadOptions(options));
}
