// The parameter schema of a CPU's address-translation hardware: the `mmu`
// section of models/cpu/*.yaml. It lives with the CPU because TLB geometry,
// page-walk caches and cache latencies are properties of the
// microarchitecture, and dotted overrides (cpu.mmu.pwc.design=2D_PWC) then
// work with no extra loader machinery.
import { z } from 'zod';

const count = (description: string) => z.int().nonnegative().describe(description);
const cycles = (description: string) => z.number().finite().nonnegative().describe(description);

/** Page sizes the model distinguishes. */
export const PAGE_SIZES = ['4K', '2M'] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

/** Page-walk caching designs of the 2D-walk paper, plus none. */
export const PWC_DESIGNS = ['none', '1D_PWC', '2D_PWC', '2D_PWC+NT'] as const;
export type PwcDesign = (typeof PWC_DESIGNS)[number];

const geometry = {
  entries: z.int().nonnegative().describe('total entries (0: the structure is absent)'),
  ways: z.int().positive().describe('associativity (ways = entries: fully associative; 1: direct-mapped)'),
};

const checkGeometry = (g: { entries: number; ways: number }, ctx: z.RefinementCtx) => {
  if (g.entries % g.ways !== 0) ctx.addIssue({ code: 'custom', message: `entries (${g.entries}) must be a multiple of ways (${g.ways})`, path: ['entries'] });
};

/** One TLB structure: which level it sits at and which page sizes it holds. */
export const TlbStructureSchema = z
  .strictObject({
    name: z.string().min(1).describe('label in docs and tests (l1d, l2d4k, …)'),
    level: z.union([z.literal(1), z.literal(2)]).describe('1: probed first; 2: probed on a level-1 miss'),
    ...geometry,
    pageSizes: z.array(z.enum(PAGE_SIZES)).min(1).describe('page sizes whose translations this structure holds'),
  })
  .superRefine(checkGeometry)
  .describe('one set-associative LRU TLB structure');

/** The address-translation parameters of a CPU. */
export const MmuModelSchema = z
  .strictObject({
    guestLevels: z.int().min(2).max(5).describe('levels of the guest page table (4: x86-64), the n of a 2D walk'),
    nestedLevels: z.int().min(2).max(5).describe('levels of the nested page table (4: x86-64 NPT/EPT), the m of a 2D walk'),
    tlbTagged: z.boolean().describe('TLB entries carry an address-space tag (ASID/VPID): a CR3 write does not flush them'),
    tlb: z
      .strictObject({
        structures: z.array(TlbStructureSchema).min(1).describe('data-TLB structures; a translation fills every structure holding its page size'),
        l2HitCycles: cycles('extra cycles of an access that misses level 1 and hits level 2'),
      })
      .describe('the data TLBs'),
    pwc: z
      .strictObject({
        design: z.enum(PWC_DESIGNS).describe('none, 1D_PWC (guest-dimension entries), 2D_PWC (all but the guest leaf), 2D_PWC+NT (plus nested TLB)'),
        ...geometry,
        hitCycles: cycles('latency of a page-walk-cache access (paid by every cacheable reference when a PWC is present)'),
      })
      .superRefine(checkGeometry)
      .describe('page-walk cache: physically tagged cache of page-table entries, flushed with the TLB'),
    ntlb: z
      .strictObject({
        ...geometry,
        hitCycles: cycles('latency of a nested-TLB hit (replaces a whole nested walk)'),
      })
      .superRefine(checkGeometry)
      .describe('nested TLB (2D_PWC+NT only): guest-physical → system-physical, not flushed during guest execution'),
    caches: z
      .strictObject({
        lineBytes: z.int().positive().describe('cache line size, bytes'),
        l1d: z.strictObject({ bytes: count('L1 data cache capacity, bytes'), ways: z.int().positive() }).describe('L1 data cache: filters data accesses before L2 (the walker does not use it)'),
        l2: z.strictObject({ bytes: count('L2 capacity, bytes'), ways: z.int().positive() }).describe('L2: holds data and page-table lines; where walk references hit or miss'),
        l2HitCycles: cycles('latency of a walk reference that hits L2 (after a PWC miss, if a PWC is present)'),
        l2MissCycles: cycles('latency of a walk reference that misses L2 (average over L3 and memory)'),
      })
      .describe('caches as seen by the page walker'),
    hostPageSize: z.enum(PAGE_SIZES).describe('page size backing guest-physical memory: nested-table leaf size, and the size shadow entries are splintered to'),
  })
  .describe('address translation: TLBs, page walks, page-walk caches, nested TLB');

/** Validated address-translation parameters. */
export type MmuModel = z.infer<typeof MmuModelSchema>;
