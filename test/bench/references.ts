// The two yardsticks for the nanobenchmark mix, both charging the cost
// table exported from vmmsim's models: a bare loop that only sums
// per-operation costs (the practical upper limit in this runtime), and a
// SimPy model of the same runs (what such a model is usually written in).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, since, type CostRun } from './measure.js';

/** The bare loop's figures. */
export interface BareLoopResult {
  operations: number;
  opsPerSecond: number;
  /** Sum of every operation's cost, to check it charged the table (and to keep the loop alive). */
  cycles: number;
}

/** Sum every operation's cost from the table, one addition per operation; `reps` times, median rate. */
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

/** The SimPy model's figures, or why it could not run. */
export interface SimpyResult {
  available: boolean;
  missing?: string;
  version?: string;
  operations: number;
  opsPerSecond: number;
  /** True when every run's simulated end time equals count × cost from the table. */
  chargedTable: boolean;
}

/** The Python that has python3-simpy3 (the `python3` on PATH may not). */
export const SIMPY_PYTHON = '/usr/bin/python3';

/**
 * Run the SimPy model (simpyRef.py) on the same runs, `countScale` of each
 * run's operations (SimPy is far slower; its rate does not depend on run
 * length), `reps` times inside Python, median.
 */
export function simpyModel(benchDir: string, runs: readonly CostRun[], countScale: number, reps: number): SimpyResult {
  // Keep each run's first segments (where adaptive BT's costs change) and cut the run's tail to the share.
  const scaled = runs.map((r) => {
    let budget = Math.max(1, Math.round(r.count * countScale));
    const segments = [];
    for (const s of r.segments) {
      if (budget === 0) break;
      const count = Math.min(s.count, budget);
      segments.push({ cost: s.cost, count });
      budget -= count;
    }
    return { category: r.category, segments };
  });
  const p = spawnSync(SIMPY_PYTHON, [join(benchDir, 'simpyRef.py')], { input: JSON.stringify({ runs: scaled, reps }), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.error || p.status !== 0) {
    const why = p.error ? p.error.message : (p.stderr.trim().split('\n').pop() ?? `exit ${p.status}`);
    return { available: false, missing: `SimPy model did not run (${why}); install with apt-get install -y python3-simpy3`, operations: 0, opsPerSecond: 0, chargedTable: false };
  }
  const out = JSON.parse(p.stdout) as { simpy: string; python: string; operations: number; seconds: number; ends: number[] };
  const expected = scaled.map((r) => r.segments.reduce((t, s) => t + s.cost * s.count, 0));
  const chargedTable = out.ends.length === scaled.length && expected.every((e, i) => out.ends[i] === e);
  return { available: true, version: `SimPy ${out.simpy}, Python ${out.python}`, operations: out.operations, opsPerSecond: out.operations / out.seconds, chargedTable };
}
