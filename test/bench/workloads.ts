// The workloads `npm run bench` measures: one small table entry each. An
// entry names a scenario file and how to size it; an entry whose scenario is
// not on this checkout is reported as missing, not failed.

/** One benchmarked workload. */
export interface BenchWorkload {
  /** Short id, as printed and as the JSON key. */
  readonly id: string;
  /** What it exercises. */
  readonly description: string;
  /** Scenario file, relative to the repository root. */
  readonly scenario: string;
  /**
   * Iterations every workload of the scenario is set to, by bench size;
   * null keeps the scenario's own `repeat`.
   */
  readonly repeat: { readonly full: number | null; readonly tiny: number | null };
  /** Further --set overrides by bench size (for workloads whose size is not a top-level repeat). */
  readonly set?: { readonly full: readonly string[]; readonly tiny: readonly string[] };
  /** Also measured by the SimPy model and the bare loop (the nanobenchmark mix). */
  readonly reference?: boolean;
}

/** Every benchmarked workload, in print order. */
export const BENCH_WORKLOADS: readonly BenchWorkload[] = [
  {
    id: 'nanobench',
    description: "the seven Figure 4 nanobenchmarks (scenarios/default.yaml), each a loop of one operation",
    scenario: 'scenarios/default.yaml',
    repeat: { full: 1_000_000, tiny: 1000 },
    reference: true,
  },
  {
    id: 'interleaved',
    description: 'the same seven operations interleaved in one loop body: the per-operation path',
    scenario: 'test/bench/interleaved.yaml',
    repeat: { full: 200_000, tiny: 200 },
  },
  {
    id: 'forkwait',
    description: "the paper's forkwait: 40,000 × (fork; child exits; parent waits) under the guest scheduler",
    scenario: 'scenarios/paper/forkwait.yaml',
    repeat: { full: null, tiny: null },
    set: { full: [], tiny: ['workloads.0.processes.0.repeat=40'] },
  },
  {
    id: 'tlb-stream',
    description: 'memory-heavy streams that miss the TLB and walk page tables (the MMU model)',
    scenario: 'scenarios/mmu/walk-ratio.yaml',
    repeat: { full: null, tiny: 1 },
  },
  {
    id: 'four-vms',
    description: 'four VMs with different guest workloads sharing one CPU',
    scenario: 'test/bench/fourVms.yaml',
    repeat: { full: null, tiny: null },
    set: {
      full: [],
      tiny: ['workloads.0.vms.0.processes.0.repeat=10', 'workloads.0.vms.1.processes.0.repeat=10', 'workloads.0.vms.2.processes.0.repeat=10', 'workloads.0.vms.3.processes.0.repeat=10'],
    },
  },
];
