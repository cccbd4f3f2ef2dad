// The two yardsticks, both charging the costs recorded from vmmsim's actors
// (measure.ts, recordCosts): a bare loop that only sums per-operation costs
// (the practical upper limit in this runtime), and a SimPy model of the same
// runs (what such a model is usually written in).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, since, tableCycles, type CostRun } from './measure.js';

/** The bare loop's figures. */
export interface BareLoopResult {
  operations: number;
  opsPerSecond: number;
  /** Sum of every operation's cost, to check it charged the table (and to keep the loop alive). */
  cycles: number;
}

/** Sum every operation's cost from the runs, one addition per operation; `reps` times, median rate. */
export function bareLoop(runs: readonly CostRun[], reps: number): BareLoopResult {
  const segments = runs.flatMap((r) => r.segments);
  const costs = Float64Array.from(segments, (s) => s.cost);
  const counts = Float64Array.from(segments, (s) => s.count);
  const operations = counts.reduce((a, b) => a + b, 0);
  const sweep = (): number => {
    let t = 0;
    for (let r = 0; r < costs.length; r++) {
      const n = counts[r];
      const cost = costs[r];
      for (let i = 0; i < n; i++) t += cost;
    }
    return t;
  };
  let cycles = sweep(); // warm-up
  const rates: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t0 = process.hrtime.bigint();
    cycles = sweep();
    rates.push(operations / since(t0));
  }
  return { operations, opsPerSecond: median(rates), cycles };
}

/** The SimPy model's rate on one recorded run. */
export interface SimpyRun {
  entry: string;
  mode: string;
  operations: number;
  opsPerSecond: number;
  /** True when its simulated end time equals the run's costs summed in order. */
  chargedTable: boolean;
  /** vmmsim's op-by-op rate over this one: the median of the ratios of rounds that timed both (absent when SimPy was timed alone). */
  ratio?: number;
}

/** The SimPy model's figures, or why it could not run. */
export interface SimpyResult {
  available: boolean;
  missing?: string;
  version?: string;
  runs: SimpyRun[];
}

/** The Python that has python3-simpy3 (the `python3` on PATH may not). */
export const SIMPY_PYTHON = '/usr/bin/python3';

/** Run the SimPy model (simpyRef.py) on every recorded run, at least `reps` times inside Python and until `minSeconds` (at most `maxReps` times), median per run. */
export function simpyModel(benchDir: string, runs: readonly CostRun[], reps: number, minSeconds = 0, maxReps = reps): SimpyResult {
  const input = { runs: runs.map((r) => ({ segments: r.segments })), reps, minSeconds, maxReps };
  const p = spawnSync(SIMPY_PYTHON, [join(benchDir, 'simpyRef.py')], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (p.error || p.status !== 0) {
    const why = p.error ? p.error.message : (p.stderr.trim().split('\n').pop() ?? `exit ${p.status}`);
    return { available: false, missing: `SimPy model did not run (${why}); install with apt-get install -y python3-simpy3`, runs: [] };
  }
  const out = JSON.parse(p.stdout) as { simpy: string; python: string; runs: Array<{ operations: number; seconds: number; end: number }> };
  return {
    available: true,
    version: `SimPy ${out.simpy}, Python ${out.python}`,
    runs: out.runs.map((o, i) => ({
      entry: runs[i].entry, mode: runs[i].mode, operations: o.operations, opsPerSecond: o.operations / o.seconds,
      chargedTable: o.operations === runs[i].count && o.end === tableCycles(runs[i]),
    })),
  };
}
