// Runs every workload of a loaded scenario under every requested mode and
// turns the outcomes into result records. Native is always simulated too:
// it is the reference that overheads and percent-of-native are measured from.
import { InputError, type Origin } from '../config/errors.js';
import { formatCount, LIMIT_FLAGS, type Limits } from '../config/limits.js';
import type { LoadedScenario } from '../config/load.js';
import { SimulationLimitError } from '../engine/simulation.js';
import { InputFileError } from '../workload/inputFile.js';
import { TraceCache, TraceError } from '../workload/traceCursor.js';
import { MissPriceCache } from '../mmu/missPrice.js';
import { CATEGORIES } from '../vmm/categories.js';
import type { CategoryResult, ResultRecord, VmResult } from './record.js';
import { simulate, type RunObserver } from './simulate.js';

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** Include per-component cycles in each record. */
  components?: boolean;
  /** Sweep point identity stamped on the records. */
  point?: number;
  params?: ResultRecord['params'];
  replicate?: number;
  seed?: number;
  /** Told of each simulation as it starts (progress display). */
  observer?: RunObserver;
  /** False: the op-by-op reference, without counted-run charging (see SimulateOptions.bulk). */
  bulk?: boolean;
  /** False: every operation through its actor's charge(), no replayed tapes (see SimulateOptions.tapes). */
  tapes?: boolean;
  /** Most operations each taped actor remembers (see SimulateOptions.tapedOps). */
  tapedOps?: number;
  /** Traces parsed by earlier runs of the same command (sweep points); by default each call parses its traces once for all its modes. */
  traces?: TraceCache;
  /** TLB-miss prices measured by earlier runs of the same command; by default each call measures them once for all its modes. */
  missPrices?: MissPriceCache;
}

/** What simulating one workload under one mode needs from a loaded scenario (plain data: it crosses to worker threads). */
export type UnitInputs = Pick<LoadedScenario, 'scenario' | 'cpu' | 'vmmParams' | 'workloads' | 'workloadOrigins' | 'limits'> & { compiler?: LoadedScenario['compiler'] };

/** The inputs of a loaded scenario that cross to a worker thread: all but its compiler (a class instance, needed only to replay a trace). */
export function postable(l: UnitInputs): UnitInputs {
  const { scenario, cpu, vmmParams, workloads, workloadOrigins, limits } = l;
  return { scenario, cpu, vmmParams, workloads, workloadOrigins, limits };
}

/** One simulation of a scenario: workload `workload` under `mode`. */
export interface RunUnit {
  workload: number;
  mode: string;
}

/** A unit's outcome as plain data (the ledger's totals, not the ledger), so it can be posted from a worker thread. */
export interface UnitOutcome {
  cycles: number;
  operations: number;
  requests: number;
  actorMetrics: Record<string, number>;
  vms?: VmResult[];
  /** Per category (CATEGORIES order): operations and cycles charged. */
  counts: Float64Array;
  categoryCycles: Float64Array;
  /** Cycles by cost component, when asked for. */
  components?: Record<string, { count: number; cycles: number }>;
}

/**
 * The simulations a scenario needs, in the order runScenario runs them: per
 * workload, native first (every mode's reference), then each other mode.
 */
export function unitsOf(loaded: Pick<LoadedScenario, 'scenario' | 'workloads'>): RunUnit[] {
  return loaded.workloads.flatMap((_, workload) => ['native', ...loaded.scenario.vmms.filter((m) => m !== 'native')].map((mode) => ({ workload, mode })));
}

/** Simulate one unit; bad input found while simulating is a located InputError. */
export function runUnit(loaded: UnitInputs, unit: RunUnit, options: RunScenarioOptions = {}): UnitOutcome {
  const w = loaded.workloads[unit.workload];
  const at = { origin: loaded.workloadOrigins[unit.workload], path: ['workloads', unit.workload], name: w.name };
  const { mode } = unit;
  const limits = loaded.limits;
  const seed = options.seed ?? loaded.scenario.seed;
  const out = located(at, mode, limits, () =>
    simulate(loaded.cpu, mode, mode === 'native' ? null : loaded.vmmParams[mode], w, seed, { compiler: loaded.compiler, limits, observer: options.observer, traces: options.traces, bulk: options.bulk, tapes: options.tapes, tapedOps: options.tapedOps, missPrices: options.missPrices }));
  return {
    cycles: out.cycles,
    operations: out.operations,
    requests: out.requests,
    actorMetrics: out.actorMetrics,
    ...(out.vms ? { vms: out.vms } : {}),
    counts: out.ledger.counts,
    categoryCycles: out.ledger.cycles,
    ...(options.components ? { components: out.ledger.components() } : {}),
  };
}

/** Simulate a loaded scenario; one record per workload × mode, in scenario order. */
export function runScenario(loaded: UnitInputs, options: RunScenarioOptions = {}): ResultRecord[] {
  const traces = options.traces ?? new TraceCache();
  const missPrices = options.missPrices ?? new MissPriceCache();
  const units = unitsOf(loaded);
  const outcomes = units.map((u) => runUnit(loaded, u, { ...options, traces, missPrices }));
  return recordsOf(loaded, units, outcomes, options);
}

/** The records of a scenario from its units' outcomes ({@link unitsOf} order): one per workload × mode, in scenario order. */
export function recordsOf(loaded: Pick<LoadedScenario, 'scenario' | 'cpu' | 'workloads'>, units: readonly RunUnit[], outcomes: readonly UnitOutcome[], options: RunScenarioOptions = {}): ResultRecord[] {
  const { scenario, cpu } = loaded;
  const seed = options.seed ?? scenario.seed;
  const outcome = (workload: number, mode: string) => outcomes[units.findIndex((u) => u.workload === workload && u.mode === mode)];
  const records: ResultRecord[] = [];
  loaded.workloads.forEach((w, i) => {
    const native = outcome(i, 'native');
    for (const mode of scenario.vmms) {
      const out = outcome(i, mode);
      const seconds = out.cycles / (cpu.clockGHz * 1e9);
      records.push({
        scenario: scenario.name,
        point: options.point ?? 0,
        params: options.params ?? {},
        replicate: options.replicate ?? 0,
        workload: w.name,
        vmm: mode,
        cpu: cpu.name,
        seed,
        seconds,
        cycles: out.cycles,
        breakdown: breakdown(out, native),
        metrics: {
          iterations: w.repeat,
          cyclesPerIteration: out.cycles / w.repeat,
          operations: out.operations,
          // Undefined (0/0, absent) for a run that took no time, e.g. only costless operations.
          ...(out.cycles > 0 ? { percentOfNative: (100 * native.cycles) / out.cycles } : {}),
          ...(out.requests > 0 ? { requests: out.requests, requestsPerSecond: out.requests / seconds } : {}),
          ...(w.perSecond ? { iterationsPerSecond: w.repeat / seconds } : {}),
          ...out.actorMetrics,
        },
        ...(w.iterationsOf ? { iterationsOf: w.iterationsOf } : {}),
        ...(out.vms ? { vms: out.vms } : {}),
        ...(options.components ? { components: out.components ?? {} } : {}),
      });
      assertFinite(records[records.length - 1]);
    }
  });
  return records;
}

/**
 * Every number of a record must be finite: a NaN or infinite result is a bug
 * (inputs that overflow are refused when loaded), never a figure to print.
 */
export function assertFinite(r: ResultRecord): void {
  const bad = (where: string, v: number) => {
    if (!Number.isFinite(v)) throw new Error(`bug: ${r.workload} under ${r.vmm} produced a non-finite result: ${where} = ${v}`);
  };
  bad('seconds', r.seconds);
  bad('cycles', r.cycles);
  for (const [k, v] of Object.entries(r.metrics)) bad(`metrics.${k}`, v);
  for (const [k, b] of Object.entries(r.breakdown)) for (const [f, v] of Object.entries(b!)) bad(`breakdown.${k}.${f}`, v);
  for (const [k, c] of Object.entries(r.components ?? {})) for (const [f, v] of Object.entries(c)) bad(`components.${k}.${f}`, v);
}

/**
 * Run `fn`; bad input found while simulating becomes a located input error
 * (exit 2): a malformed or unreadable trace, or a run that passed a limit.
 */
function located<T>(at: { origin: Origin; path: Array<string | number>; name: string }, mode: string, limits: Limits, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TraceError) throw new InputError(e.detail, { source: e.file, line: e.line, col: e.col });
    if (e instanceof InputFileError) throw new InputError(`${e.source}: ${e.detail}`, at.origin, at.path);
    if (e instanceof SimulationLimitError) {
      const what = e.limit === 'maxCycles'
        ? `passed the limit of ${formatCount(limits.maxSimSeconds)} simulated seconds under ${mode}`
        : `passed the limit of ${formatCount(e.max)} simulation events under ${mode}`;
      const flag = e.limit === 'maxCycles' ? LIMIT_FLAGS.maxSimSeconds : LIMIT_FLAGS.maxEvents;
      throw new InputError(`workload "${at.name}" ${what} (the estimate before the run was lower; shorten the run, or raise the limit with ${flag})`, at.origin, at.path);
    }
    throw e;
  }
}

/** Per-category cycles and count, with overhead = cycles − native cycles of the same category. */
function breakdown(out: UnitOutcome, native: UnitOutcome): ResultRecord['breakdown'] {
  const result: ResultRecord['breakdown'] = {};
  CATEGORIES.forEach((cat, i) => {
    const c = out.categoryCycles[i];
    const n = native.categoryCycles[i];
    if (c === 0 && n === 0 && out.counts[i] === 0) return;
    const r: CategoryResult = { count: out.counts[i], cycles: c, overheadCycles: c - n };
    result[cat] = r;
  });
  return result;
}
