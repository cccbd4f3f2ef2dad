// Runs every workload of a loaded scenario under every requested mode and
// turns the outcomes into result records. Native is always simulated too:
// it is the reference that overheads and percent-of-native are measured from.
import { InputError, type Origin } from '../config/errors.js';
import { formatCount, LIMIT_FLAGS, type Limits } from '../config/limits.js';
import type { LoadedScenario } from '../config/load.js';
import { SimulationLimitError } from '../engine/simulation.js';
import { InputFileError } from '../workload/inputFile.js';
import { TraceCache, TraceError } from '../workload/traceCursor.js';
import { CATEGORIES } from '../vmm/categories.js';
import type { CategoryResult, ResultRecord } from './record.js';
import { simulate, type RunObserver, type RunOutcome } from './simulate.js';

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
  /** Traces parsed by earlier runs of the same command (sweep points); by default each call parses its traces once for all its modes. */
  traces?: TraceCache;
}

/** Simulate a loaded scenario; one record per workload × mode, in scenario order. */
export function runScenario(loaded: LoadedScenario, options: RunScenarioOptions = {}): ResultRecord[] {
  const { scenario, cpu } = loaded;
  const seed = options.seed ?? scenario.seed;
  const records: ResultRecord[] = [];
  const limits = loaded.limits;
  const traces = options.traces ?? new TraceCache();
  loaded.workloads.forEach((w, i) => {
    const at = { origin: loaded.workloadOrigins[i], path: ['workloads', i], name: w.name };
    const run = (mode: string) => located(at, mode, limits, () =>
      simulate(cpu, mode, mode === 'native' ? null : loaded.vmmParams[mode], w, seed, { compiler: loaded.compiler, limits, observer: options.observer, traces }));
    const native = run('native');
    for (const mode of scenario.vmms) {
      const out = mode === 'native' ? native : run(mode);
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
        ...(options.components ? { components: out.ledger.components() } : {}),
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
function breakdown(out: RunOutcome, native: RunOutcome): ResultRecord['breakdown'] {
  const result: ResultRecord['breakdown'] = {};
  CATEGORIES.forEach((cat, i) => {
    const c = out.ledger.cycles[i];
    const n = native.ledger.cycles[i];
    if (c === 0 && n === 0 && out.ledger.counts[i] === 0) return;
    const r: CategoryResult = { count: out.ledger.counts[i], cycles: c, overheadCycles: c - n };
    result[cat] = r;
  });
  return result;
}
