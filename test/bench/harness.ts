// `npm run bench` in one function: times vmmsim on every bench workload,
// the SimPy model and the bare loop on the nanobenchmark mix, a long run's
// memory, and the sweep speed-up; then checks the targets of issue 7.
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costTable, measureWorkload, tableCycles, type BenchSize, type CostRun, type WorkloadResult } from './measure.js';
import { longRun, sweepSpeedup, type LongRunResult, type SweepResult } from './processes.js';
import { bareLoop, simpyModel, type BareLoopResult, type SimpyResult } from './references.js';
import { BENCH_WORKLOADS } from './workloads.js';

/** This directory and the repository root. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(BENCH_DIR, '../..');

/** Options of {@link runBench}. */
export interface BenchOptions {
  size: BenchSize;
  /** Timed repetitions of each in-process measurement (medians are reported). */
  reps: number;
  /** Skip the child-process measurements (long run, sweep). */
  inProcessOnly?: boolean;
}

/** One target of issue 7 and whether this run met it. */
export interface TargetCheck {
  target: string;
  figure: string;
  /** null: not measured in this run (the reason is in `figure`). */
  met: boolean | null;
}

/** Everything one bench run measured. */
export interface BenchReport {
  size: BenchSize;
  reps: number;
  /** Load averages (1 min) when the bench started and ended: the machine is shared, and figures move with them. */
  machine: { node: string; cpu: string; cores: number; loadAtStart: number; loadAtEnd: number };
  workloads: WorkloadResult[];
  costTable: { runs: CostRun[]; vmmsimChargedTable: boolean };
  bareLoop: BareLoopResult;
  simpy: SimpyResult;
  ratios: { vmmsimOverSimpy: number | null; vmmsimOverBareLoop: number };
  peakRssMB: number;
  longRuns: LongRunResult[];
  sweep: SweepResult | null;
  targets: TargetCheck[];
}

/** Sizes of the child-process measurements. */
const LONG = { full: { big: 1e9, mixed: 1e8, small: 1e6 }, tiny: { big: 1e5, mixed: 1e4, small: 1e3 } };
const SWEEP = { full: { repeat: 1_000_000, reps: 2 }, tiny: { repeat: 20, reps: 1 } };
/** The SimPy model runs this share of the mix's operations: its rate does not depend on run length. */
const SIMPY_SHARE = { full: 0.05, tiny: 1 };

/** Run the whole benchmark. */
export function runBench(options: BenchOptions): BenchReport {
  const { size, reps } = options;
  const loadAtStart = loadavg()[0];
  const workloads = BENCH_WORKLOADS.map((w) => measureWorkload(REPO_ROOT, w, size, reps));
  const refEntry = BENCH_WORKLOADS.find((w) => w.reference)!;
  const mix = workloads.find((w) => w.id === refEntry.id)!;
  const runs = costTable(REPO_ROOT, refEntry, size);
  const vmmsimChargedTable = runs.length > 0 && runs.every((r) => mix.cycles[`${r.mode}/${r.workload}`] === tableCycles(r));
  const bare = bareLoop(runs, reps);
  const simpy = simpyModel(BENCH_DIR, runs, SIMPY_SHARE[size], Math.min(reps, 3));
  const longRuns = options.inProcessOnly
    ? []
    : [
        longRun(REPO_ROOT, 'nanobench, native', 'scenarios/default.yaml', 7, 1, LONG[size].big, LONG[size].small),
        longRun(REPO_ROOT, 'interleaved, native', 'test/bench/interleaved.yaml', 1, 7, LONG[size].mixed, LONG[size].small),
      ];
  const sweep = options.inProcessOnly
    ? null
    : sweepSpeedup(REPO_ROOT, 'test/bench/sweep.yaml', 8, [`workloads.0.repeat=${SWEEP[size].repeat}`], SWEEP[size].reps);
  const report: BenchReport = {
    size,
    reps,
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAtStart, loadAtEnd: loadavg()[0] },
    workloads,
    costTable: { runs, vmmsimChargedTable },
    bareLoop: bare,
    simpy,
    ratios: {
      vmmsimOverSimpy: simpy.available ? mix.opsPerSecond / simpy.opsPerSecond : null,
      vmmsimOverBareLoop: mix.opsPerSecond / bare.opsPerSecond,
    },
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    longRuns,
    sweep,
    targets: [],
  };
  report.targets = checkTargets(report);
  return report;
}

const M = (x: number) => `${(x / 1e6).toFixed(1)} M`;

/** The targets of issue 7, judged on this report. */
export function checkTargets(r: BenchReport): TargetCheck[] {
  const mix = r.workloads.find((w) => w.id === 'nanobench')!;
  const forkwait = r.workloads.find((w) => w.id === 'forkwait');
  const tlb = r.workloads.find((w) => w.id === 'tlb-stream');
  const worstFork = forkwait?.available ? Math.max(...Object.values(forkwait.secondsByMode)) : NaN;
  const biggest = r.longRuns.find((l) => l.operations >= 1e9 && !l.error);
  const checks: TargetCheck[] = [
    { target: '≥ 20 M guest operations/s on the nanobenchmark mix', figure: `${M(mix.opsPerSecond)} ops/s`, met: mix.opsPerSecond >= 20e6 },
    r.ratios.vmmsimOverSimpy === null
      ? { target: '≥ 30× the SimPy model', figure: r.simpy.missing ?? 'not measured', met: null }
      : { target: '≥ 30× the SimPy model', figure: `${r.ratios.vmmsimOverSimpy.toFixed(0)}×`, met: r.ratios.vmmsimOverSimpy >= 30 },
    { target: '≥ 25% of the bare loop', figure: `${(100 * r.ratios.vmmsimOverBareLoop).toFixed(1)}%`, met: r.ratios.vmmsimOverBareLoop >= 0.25 },
    ...(tlb?.available
      ? [{ target: 'memory-heavy TLB stream ≥ 5 M accesses/s (issue 4)', figure: `${M(tlb.accessesPerSecond)} accesses/s`, met: tlb.accessesPerSecond >= 5e6 }]
      : [{ target: 'memory-heavy TLB stream ≥ 5 M accesses/s (issue 4)', figure: tlb?.missing ?? 'no tlb-stream bench entry', met: null }]),
    forkwait?.available
      ? { target: 'forkwait 40,000 iterations < 2 s wall per mode', figure: `slowest mode ${worstFork.toFixed(2)} s`, met: worstFork < 2 }
      : { target: 'forkwait 40,000 iterations < 2 s wall per mode', figure: forkwait?.missing ?? 'no forkwait bench entry', met: null },
    biggest
      ? { target: '10^9 operations with peak RSS < 200 MB', figure: `${biggest.peakRssMB.toFixed(0)} MB (${biggest.label})`, met: biggest.peakRssMB < 200 }
      : { target: '10^9 operations with peak RSS < 200 MB', figure: r.longRuns.find((l) => l.error)?.error ?? `not run at this size`, met: null },
    !r.sweep || !r.sweep.available || r.sweep.error
      ? { target: 'sweep --jobs 2 ≥ 1.7× --jobs 1 on 8+ points', figure: r.sweep?.error ?? r.sweep?.missing ?? 'not run', met: null }
      : { target: 'sweep --jobs 2 ≥ 1.7× --jobs 1 on 8+ points', figure: `${r.sweep.speedup.toFixed(2)}× on ${r.sweep.points} points`, met: r.sweep.speedup >= 1.7 },
  ];
  return checks;
}
