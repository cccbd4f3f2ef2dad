// The data TLBs: set-associative LRU structures at level 1 and 2, each
// holding translations of one or both page sizes. A translation is tagged
// with its address space when the CPU supports tags (ASID/VPID); otherwise
// a CR3 write flushes everything.
import { PAGE_BYTES } from './layout.js';
import type { MmuModel, PageSize } from './mmuSchema.js';
import { SetAssocLru } from './setAssocLru.js';

/** Outcome of a TLB lookup. */
export const TLB_L1_HIT = 0;
export const TLB_L2_HIT = 1;
export const TLB_MISS = 2;

/** TLB key of `va` in address space `asid` for a translation of `size` (distinct per size and tag). */
export function tlbKey(asid: number, va: number, size: PageSize): number {
  // A comparison, not PAGE_BYTES[size]: a keyed load by a variable string is slow on the per-access path.
  const small = size === '4K';
  return ((asid % 2 ** 20) * 2 + (small ? 0 : 1)) * 2 ** 31 + Math.floor(va / (small ? PAGE_BYTES['4K'] : PAGE_BYTES['2M']));
}

/** The data-TLB hierarchy of one CPU. */
export class Tlb {
  private readonly l1: Record<PageSize, SetAssocLru[]> = { '4K': [], '2M': [] };
  private readonly l2: Record<PageSize, SetAssocLru[]> = { '4K': [], '2M': [] };
  private readonly all: SetAssocLru[] = [];

  constructor(model: MmuModel['tlb']) {
    for (const s of model.structures) {
      const lru = new SetAssocLru(s);
      this.all.push(lru);
      for (const size of s.pageSizes) (s.level === 1 ? this.l1 : this.l2)[size].push(lru);
    }
  }

  /**
   * Look a translation up: level-1 hit, level-2 hit (which refills level 1)
   * or miss. A miss leaves the TLB unchanged; the caller walks, then fills.
   */
  lookup(key: number, size: PageSize): number {
    const l1 = size === '4K' ? this.l1['4K'] : this.l1['2M'];
    for (let i = 0; i < l1.length; i++) if (l1[i].lookup(key)) return TLB_L1_HIT;
    const l2 = size === '4K' ? this.l2['4K'] : this.l2['2M'];
    for (let i = 0; i < l2.length; i++) {
      if (l2[i].lookup(key)) {
        for (let j = 0; j < l1.length; j++) l1[j].fill(key);
        return TLB_L2_HIT;
      }
    }
    return TLB_MISS;
  }

  /** Install a walked translation in every structure that holds its page size. */
  fill(key: number, size: PageSize): void {
    const l1 = size === '4K' ? this.l1['4K'] : this.l1['2M'];
    for (let i = 0; i < l1.length; i++) l1[i].fill(key);
    const l2 = size === '4K' ? this.l2['4K'] : this.l2['2M'];
    for (let i = 0; i < l2.length; i++) l2[i].fill(key);
  }

  /** Whether any structure holds `key` (no recency change; for tests). */
  holds(key: number): boolean {
    return this.all.some((s) => s.contains(key));
  }

  /** Invalidate every translation. */
  flush(): void {
    for (const s of this.all) s.flush();
  }
}
