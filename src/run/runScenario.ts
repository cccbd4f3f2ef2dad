// Runs every workload of a loaded scenario under every requested mode and
// turns the outcomes into result records. Native is always simulated too:
// it is the reference that overheads and percent-of-native are measured from.
import { InputError } from '../config/errors.js';
import type { LoadedScenario } from '../config/load.js';
import { TraceError } from '../workload/traceCursor.js';
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
}

/** Simulate a loaded scenario; one record per workload × mode, in scenario order. */
export function runScenario(loaded: LoadedScenario, options: RunScenarioOptions = {}): ResultRecord[] {
  const { scenario, cpu } = loaded;
  const seed = options.seed ?? scenario.seed;
  const records: ResultRecord[] = [];
  for (const w of loaded.workloads) {
    const run = (mode: string) => located(() => simulate(cpu, mode, mode === 'native' ? null : loaded.vmmParams[mode], w, seed, { compiler: loaded.compiler, observer: options.observer }));
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
          percentOfNative: (100 * native.cycles) / out.cycles,
          ...(out.requests > 0 ? { requests: out.requests, requestsPerSecond: out.requests / seconds } : {}),
          ...(w.perSecond ? { iterationsPerSecond: w.repeat / seconds } : {}),
          ...out.actorMetrics,
        },
        ...(w.iterationsOf ? { iterationsOf: w.iterationsOf } : {}),
        ...(out.vms ? { vms: out.vms } : {}),
        ...(options.components ? { components: out.ledger.components() } : {}),
      });
    }
  }
  return records;
}

/** Run `fn`; a malformed trace line becomes a located input error (exit 2). */
function located<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TraceError) throw new InputError(e.detail, { source: e.file, line: e.line, col: e.col });
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
