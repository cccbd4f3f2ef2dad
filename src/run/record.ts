// The result record: one per (scenario point, workload, mode, cpu,
// replicate). The same records feed the table, JSON, CSV and charts.
import type { Category } from '../vmm/categories.js';

/** Cycles and count of one breakdown category, and its overhead versus native. */
export interface CategoryResult {
  count: number;
  cycles: number;
  /** cycles − the native run's cycles in this category (negative where the VMM is faster). */
  overheadCycles: number;
}

/** Cycles, categories, exits and faults of one VM, or one process in a VM, of a guest system. */
export interface ShareResult {
  cycles: number;
  breakdown: Partial<Record<Category, { count: number; cycles: number }>>;
  /** Transitions into the VMM: VM exits (hardware, nested) or traps (software); 0 natively. */
  exits: number;
  /** Guest page faults (the pgfault category's count). */
  faults: number;
  /** Hidden page faults: shadow-table fills the guest never sees (the hiddenpf category's count). */
  hiddenFaults: number;
}

/** One process of a VM: a guest task by name, `workers` for a server's worker tasks, `(kernel)` for the guest kernel's own work. */
export interface ProcessResult extends ShareResult {
  process: string;
}

/** One VM of a guest system with its processes; the pseudo-VM `(host)` holds idle time and world switches. */
export interface VmResult extends ShareResult {
  vm: string;
  processes: ProcessResult[];
}

/** One simulated run's results. */
export interface ResultRecord {
  scenario: string;
  /** Index of the sweep point (0 without a sweep). */
  point: number;
  /** The swept parameters that make this point unique, by dotted key. */
  params: Record<string, string | number | boolean>;
  /** Replicate index (0 without replicates). */
  replicate: number;
  workload: string;
  vmm: string;
  cpu: string;
  seed: number;
  /** Simulated seconds: cycles / clock rate. */
  seconds: number;
  cycles: number;
  breakdown: Partial<Record<Category, CategoryResult>>;
  /** Named numbers: cyclesPerIteration, operations, percentOfNative, and mode-specific counters. */
  metrics: Record<string, number>;
  /** What metrics.iterations counts, e.g. "iterations of process forkwait" or "requests from web.1's clients". */
  iterationsOf?: string;
  /** Guest systems only: the run's cycles split by VM and process (they add up to `cycles`). */
  vms?: VmResult[];
  /** Cycles by named cost component (exit, vmread, decode, …), present when asked for. */
  components?: Record<string, { count: number; cycles: number }>;
  /** Set instead of results when this run failed. */
  error?: string;
}
