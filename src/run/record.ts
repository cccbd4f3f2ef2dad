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
  /** Cycles by named cost component (exit, vmread, decode, …), present when asked for. */
  components?: Record<string, { count: number; cycles: number }>;
  /** Set instead of results when this run failed. */
  error?: string;
}
