// The result record: one per (scenario point, workload, mode, cpu,
// replicate). The same records feed the table, JSON, CSV and charts.
import { z } from 'zod';
import { CATEGORIES, type Category } from '../vmm/categories.js';

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

/**
 * Largest magnitude of a number in a stored record. No run gives more (the
 * limits keep a run under 2^53 simulated seconds and operations, so under
 * 10^30 cycles), and statistics over records square and add their numbers:
 * a finite 10^300 read back would make an infinite standard deviation.
 */
export const RECORD_MAX = 1e100;
const TOO_LARGE = { message: 'expected at most 10^100 in magnitude: no run gives more, and statistics and charts over it would overflow' };

// The shape of a stored record (points/*.json read back by a resumed sweep
// and by merge): exactly the keys above, every number finite and at most
// RECORD_MAX in magnitude, counts and cycles never negative (only an
// overhead versus native can be).
/** A count, cycles or seconds of a stored record: not negative, at most RECORD_MAX. */
export const RecordAmount = z.number().nonnegative().max(RECORD_MAX, TOO_LARGE);
/** Any other number of a stored record (an overhead, a swept value): at most RECORD_MAX in magnitude. */
export const RecordNumber = z.number().min(-RECORD_MAX, TOO_LARGE).max(RECORD_MAX, TOO_LARGE);
const count = RecordAmount;
const finite = RecordNumber;
const spent = z.strictObject({ count, cycles: count });
const categories = z.enum(CATEGORIES);
const share = {
  cycles: count,
  breakdown: z.partialRecord(categories, spent),
  exits: count,
  faults: count,
  hiddenFaults: count,
};

/** A result record as vmmsim writes it (see {@link ResultRecord}). */
export const ResultRecordSchema = z.strictObject({
  scenario: z.string(),
  point: z.int().nonnegative(),
  params: z.record(z.string(), z.union([z.string(), finite, z.boolean()])),
  replicate: z.int().nonnegative(),
  workload: z.string(),
  vmm: z.string(),
  cpu: z.string(),
  seed: z.int().nonnegative(),
  seconds: count,
  cycles: count,
  breakdown: z.partialRecord(categories, z.strictObject({ count, cycles: count, overheadCycles: finite })),
  metrics: z.record(z.string(), count),
  iterationsOf: z.string().optional(),
  vms: z.array(z.strictObject({ vm: z.string(), ...share, processes: z.array(z.strictObject({ process: z.string(), ...share })) })).optional(),
  components: z.record(z.string(), spent).optional(),
  error: z.string().optional(),
}) satisfies z.ZodType<ResultRecord>;

// Compile-time checks that the schema and the interfaces above stay in step:
// the same keys at each level, and every record the code writes fits the schema's types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
type StoredRecord = z.output<typeof ResultRecordSchema>;
type StoredVm = NonNullable<StoredRecord['vms']>[number];
export type RecordSchemaInStep = Holds<
  Same<keyof ResultRecord, keyof StoredRecord> extends true
    ? Same<keyof VmResult, keyof StoredVm> extends true
      ? Same<keyof ProcessResult, keyof StoredVm['processes'][number]> extends true
        ? Same<keyof CategoryResult, keyof NonNullable<StoredRecord['breakdown']['syscall']>> extends true
          ? ResultRecord extends z.input<typeof ResultRecordSchema> ? true : false
          : false
        : false
      : false
    : false
>;
