// A literal MMU model for unit tests: the 2D-walk paper's Table 2 structures
// (as in models/cpu/pentium4.yaml), with overrides per test.
import type { MmuModel } from '../src/mmu/mmuSchema.js';

/** Table 2 of the 2D-walk paper, no page-walk caching, 4 KB host pages, untagged TLB. */
export function table2Model(over: Partial<MmuModel> = {}): MmuModel {
  return {
    guestLevels: 4,
    nestedLevels: 4,
    tlbTagged: false,
    tlb: {
      structures: [
        { name: 'l1d', level: 1, entries: 64, ways: 64, pageSizes: ['4K', '2M'] },
        { name: 'l2d4k', level: 2, entries: 512, ways: 4, pageSizes: ['4K'] },
        { name: 'l2d2m', level: 2, entries: 128, ways: 1, pageSizes: ['2M'] },
      ],
      l2HitCycles: 5,
    },
    pwc: { design: 'none', entries: 24, ways: 24, hitCycles: 2 },
    ntlb: { entries: 16, ways: 16, hitCycles: 2 },
    caches: { lineBytes: 64, l1d: { bytes: 65536, ways: 2 }, l2: { bytes: 524288, ways: 16 }, l2HitCycles: 11, l2MissCycles: 100 },
    hostPageSize: '4K',
    ...over,
  };
}
