// One workload of a loaded scenario under one execution mode: the smallest
// unit a study can run, with its totals, breakdown and counters.
import { InputError } from '../config/errors.js';
import { checkLoaded, checkOptions, checkString } from './checkArguments.js';
import type { LoadedScenario } from '../config/load.js';
import { simulate as simulateWorkload } from '../run/simulate.js';
import { CATEGORIES, type Category } from '../vmm/categories.js';
import { MODE_IDS } from '../vmm/registry.js';
import { didYouMean } from '../workload/didYouMean.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Seed of the run; default: the scenario's `seed`. */
  seed?: number;
}

/** What one workload cost under one mode. */
export interface SimulationResult {
  workload: string;
  vmm: string;
  cpu: string;
  seed: number;
  /** Simulated cycles from the first operation to the last. */
  cycles: number;
  /** Simulated seconds: cycles / the CPU's clock rate. */
  seconds: number;
  /** Guest operations executed. */
  operations: number;
  /** Discrete events processed (timer ticks, device completions, client messages…). */
  events: number;
  /** Cycles and operation count per cost category (categories with neither are left out). */
  breakdown: Partial<Record<Category, { count: number; cycles: number }>>;
  /** Cycles and count per named cost component (vmExit, vmread, decode, …). */
  components: Record<string, { count: number; cycles: number }>;
  /** Mode- and workload-specific counters (exits, TLB misses, context switches, requests…). */
  metrics: Record<string, number>;
}

/**
 * Simulate the workload named `workload` of a loaded scenario under mode
 * `mode` (one of MODES; a mode with parameters must be among the scenario's
 * `vmms`). For every workload × mode with overheads versus native, use
 * `runScenario`.
 */
export function simulate(loaded: LoadedScenario, workload: string, mode: string, options: SimulateOptions = {}): SimulationResult {
  checkLoaded('simulate', 'loaded', loaded);
  checkString('simulate', 'workload', workload);
  checkString('simulate', 'mode', mode);
  checkOptions('simulate', options);
  const w = loaded.workloads.find((x) => x.name === workload);
  const names = loaded.workloads.map((x) => x.name);
  if (!w) throw new InputError(`no workload "${workload}" in the scenario${didYouMean(workload, names)} (it has ${names.join(', ')})`, { source: loaded.file });
  if (!MODE_IDS.includes(mode)) throw new InputError(`unknown mode "${mode}"${didYouMean(mode, MODE_IDS)} (modes: ${MODE_IDS.join(', ')})`, { source: loaded.file });
  const params = mode === 'native' ? null : loaded.vmmParams[mode];
  if (mode !== 'native' && params === undefined && !loaded.scenario.vmms.includes(mode)) {
    throw new InputError(`mode "${mode}" is not among the scenario's vmms (${loaded.scenario.vmms.join(', ')}); load it with set: { vmms: [..., '${mode}'] }`, { source: loaded.file });
  }
  const seed = options.seed ?? loaded.scenario.seed;
  const out = simulateWorkload(loaded.cpu, mode, params ?? null, w, seed, { compiler: loaded.compiler });
  const breakdown: SimulationResult['breakdown'] = {};
  CATEGORIES.forEach((cat, i) => {
    if (out.ledger.cycles[i] !== 0 || out.ledger.counts[i] !== 0) breakdown[cat] = { count: out.ledger.counts[i], cycles: out.ledger.cycles[i] };
  });
  return {
    workload: w.name, vmm: mode, cpu: loaded.cpu.name, seed,
    cycles: out.cycles, seconds: out.cycles / (loaded.cpu.clockGHz * 1e9), operations: out.operations, events: out.events,
    breakdown, components: out.ledger.components(), metrics: { ...out.actorMetrics, ...(out.requests > 0 ? { requests: out.requests } : {}) },
  };
}
