// The categories a run's cycles are attributed to: the bars of the paper's
// Figure 5. Each operation kind has a home category; actors may also charge
// work that has no guest-visible operation (translation, hidden faults).
import type { OpKind } from '../workload/ops.js';

/** Breakdown categories, in display order. */
export const CATEGORIES = [
  'compute', 'syscall', 'io', 'cr8', 'cr3', 'callret', 'pgfault', 'hiddenpf',
  'ptemod', 'exception', 'rdtsc', 'translate', 'tlbmiss', 'interrupt',
  // Not operations: time the CPU waited for an event, and world switches between VMs sharing it.
  'idle', 'vmswitch',
] as const;
/** A cost category: one of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/** Index of each category in ledger arrays. */
export const CAT: { readonly [K in Category]: number } = Object.fromEntries(
  CATEGORIES.map((c, i) => [c, i]),
) as { [K in Category]: number };

/** The category an operation of each kind is charged to by default. */
export const HOME_CATEGORY: { readonly [K in OpKind]: Category } = {
  compute: 'compute',
  syscall: 'syscall',
  io: 'io',
  cr8write: 'cr8',
  cr3write: 'cr3',
  callret: 'callret',
  pgfault: 'pgfault',
  pteWrite: 'ptemod',
  exception: 'exception',
  rdtsc: 'rdtsc',
  newKernelCode: 'translate',
  tlbMiss: 'tlbmiss',
  memory: 'tlbmiss',
  interrupt: 'interrupt',
  mmCreate: 'cr3',
  mmDestroy: 'cr3',
};
