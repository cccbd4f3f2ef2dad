// The workloads `npm run bench` measures: one small table entry each. An
// entry names a scenario file and how to size it; an entry whose scenario is
// not on this checkout is reported as missing, not failed.

/** One benchmarked workload. */
export interface BenchWorkload {
  /** Short id, as printed and as the JSON key. */
  readonly id: string;
  /** What it exercises. */
  readonly description: string;
  /**
   * `per-op`: the headline (no operation repeats back to back); `paper`: a
   * scenario of scenarios/paper (judged per operation); `counted-runs`: loops
   * of one operation (the bulk shortcut's own line); `memory`: memory
   * streams (accesses/s); `system`: several VMs on one CPU.
   */
  readonly group: 'per-op' | 'paper' | 'counted-runs' | 'memory' | 'system';
  /** Scenario file, relative to the repository root. */
  readonly scenario: string;
  /** Run under every registered mode (else the scenario's own `vmms`). */
  readonly allModes?: boolean;
  /** --set overrides by bench size (paper scenarios are cut to a few million operations per mode: rates do not depend on length). */
  readonly set?: { readonly full: readonly string[]; readonly tiny: readonly string[] };
}

const repeat = (key: string, full: number, tiny: number) => ({ full: [`${key}=${full}`], tiny: [`${key}=${tiny}`] });
/**
 * A calibrated process (its native run takes the measured `seconds`, and its
 * kernel's call/ret operations scale with that time) cut to `full` or `tiny`
 * of its `repeat` iterations: the measured time is cut in proportion.
 */
const calibrated = (repeatNow: number, seconds: number, full: number, tiny: number) => {
  const at = (n: number) => [`${proc}=${n}`, `workloads.0.processes.0.calibrate.seconds.pentium4=${(seconds * n) / repeatNow}`];
  return { full: at(full), tiny: at(tiny) };
};
const proc = 'workloads.0.processes.0.repeat';
const requests = 'workloads.0.clients.requests';
const nanobenchRepeats = (full: number, tiny: number) => {
  const set = (n: number) => Array.from({ length: 7 }, (_, i) => `workloads.${i}.repeat=${n}`);
  return { full: set(full), tiny: set(tiny) };
};

/** The boot's 834 rounds of six boot steps cut to 30 (tiny: 1, and its setup's port I/O to a thousandth). */
const xpBoot = {
  full: ['workloads.0.processes.0.ops.0.count=30'],
  tiny: ['workloads.0.processes.0.ops.0.count=1', 'workloads.0.processes.0.setup.1.count=346', 'workloads.0.processes.0.setup.2.count=1603'],
};

/** Every benchmarked workload, in print order. */
export const BENCH_WORKLOADS: readonly BenchWorkload[] = [
  {
    id: 'interleaved',
    description: 'the seven Figure 4 operations interleaved in one loop body: no operation repeats back to back',
    group: 'per-op',
    scenario: 'test/bench/interleaved.yaml',
    allModes: true,
    set: repeat('workloads.0.repeat', 100_000, 100),
  },
  { id: '2dgraphics', description: 'paper: PassMark 2D graphics on Windows', group: 'paper', scenario: 'scenarios/paper/2dgraphics.yaml', set: calibrated(2000, 3.39, 2000, 10) },
  { id: 'apache-lin', description: 'paper: Apache on Linux, closed-loop clients', group: 'paper', scenario: 'scenarios/paper/apache-lin.yaml', set: repeat(requests, 2500, 20) },
  { id: 'apache-win', description: 'paper: Apache on Windows, closed-loop clients', group: 'paper', scenario: 'scenarios/paper/apache-win.yaml', set: repeat(requests, 2500, 20) },
  { id: 'compile-lin', description: 'paper: a kernel compile on Linux', group: 'paper', scenario: 'scenarios/paper/compile-lin.yaml', set: calibrated(138, 33.125, 7, 1) },
  { id: 'compile-win', description: 'paper: a Cygwin compile on Windows', group: 'paper', scenario: 'scenarios/paper/compile-win.yaml', set: repeat(proc, 10, 1) },
  { id: 'forkwait', description: 'paper: fork; child exits; parent waits (Linux)', group: 'paper', scenario: 'scenarios/paper/forkwait.yaml', set: calibrated(40000, 6.02, 2000, 20) },
  { id: 'largeram', description: 'paper: PassMark large RAM on Windows', group: 'paper', scenario: 'scenarios/paper/largeram.yaml', set: calibrated(1000, 2.985, 100, 2) },
  { id: 'microarch-forkwait', description: 'paper: forkwait of the microarchitecture sweep (its base point, every mode)', group: 'paper', scenario: 'scenarios/paper/microarch-forkwait.yaml', allModes: true, set: calibrated(40000, 6.02, 2000, 20) },
  { id: 'microarch-sweep', description: 'paper: the nanobenchmarks of the microarchitecture sweep (its base point, every mode)', group: 'paper', scenario: 'scenarios/paper/microarch-sweep.yaml', allModes: true, set: nanobenchRepeats(100_000, 100) },
  { id: 'nanobench', description: 'paper: the seven Figure 4 nanobenchmarks', group: 'paper', scenario: 'scenarios/paper/nanobench.yaml', set: nanobenchRepeats(100_000, 100) },
  { id: 'specint', description: 'paper: SPECint on Linux', group: 'paper', scenario: 'scenarios/paper/specint.yaml', set: repeat(proc, 10, 1) },
  { id: 'specjbb', description: 'paper: SPECjbb on Windows', group: 'paper', scenario: 'scenarios/paper/specjbb.yaml', set: repeat(proc, 30, 1) },
  { id: 'xp-boot', description: 'paper: Windows XP boot', group: 'paper', scenario: 'scenarios/paper/xp-boot.yaml', set: xpBoot },
  {
    id: 'counted-runs',
    description: 'scenarios/default.yaml: each nanobenchmark a loop of one operation, 10^6 copies (the counted-run shortcut)',
    group: 'counted-runs',
    scenario: 'scenarios/default.yaml',
    allModes: true,
    set: nanobenchRepeats(1_000_000, 1000),
  },
  {
    id: 'memory-streams',
    description: 'memory-heavy streams that miss the TLB and walk page tables (the MMU model), under every mode',
    group: 'memory',
    scenario: 'scenarios/mmu/walk-ratio.yaml',
    allModes: true,
    set: { full: [], tiny: [0, 1, 2, 3, 4].flatMap((i) => [`workloads.${i}.repeat=1`, `workloads.${i}.ops.0.accesses=2000`]) },
  },
  {
    id: 'four-vms',
    description: 'four VMs with different guest workloads sharing one CPU',
    group: 'system',
    scenario: 'test/bench/fourVms.yaml',
    set: {
      full: [],
      tiny: ['workloads.0.vms.0.processes.0.repeat=10', 'workloads.0.vms.1.processes.0.repeat=10', 'workloads.0.vms.2.processes.0.repeat=10', 'workloads.0.vms.3.processes.0.repeat=10'],
    },
  },
];
