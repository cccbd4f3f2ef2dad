import { describe, expect, it } from 'vitest';
import { table2Model } from '../../test/mmuModel.js';
import type { MmuModel, PageSize, PwcDesign } from './mmuSchema.js';
import { PageWalker, leafLevel } from './walker.js';

const VA = 2 ** 36 + 12345 * 4096;
const walker = (over: Partial<MmuModel> = {}, design: PwcDesign = 'none') =>
  new PageWalker(table2Model({ ...over, pwc: { design, entries: 24, ways: 24, hitCycles: 2 } }));

describe('two-dimensional walk reference counts (n·m + n + m)', () => {
  const sizes: PageSize[] = ['4K', '2M'];
  for (const n of [2, 3, 4, 5]) {
    for (const m of [2, 3, 4, 5]) {
      for (const guest of sizes) {
        for (const host of sizes) {
          const n1 = n - (guest === '2M' ? 1 : 0);
          const m1 = m - (host === '2M' ? 1 : 0);
          it(`${n}-level guest (${guest} pages) over ${m}-level nested (${host} pages) makes ${n1 * m1 + n1 + m1} references`, () => {
            const w = walker({ guestLevels: n, nestedLevels: m, hostPageSize: host });
            w.walk2D(0, VA, leafLevel(guest));
            expect(w.walkReferences).toBe(n1 * m1 + n1 + m1);
            expect(w.walks).toBe(1);
          });
        }
      }
    }
  }

  it('4 over 4 gives 24; 2 MB nested pages shorten the nested dimension to 19; 2 MB in both gives 15', () => {
    const refs = (guest: PageSize, host: PageSize) => {
      const w = walker({ hostPageSize: host });
      w.walk2D(0, VA, leafLevel(guest));
      return w.walkReferences;
    };
    expect([refs('4K', '4K'), refs('4K', '2M'), refs('2M', '4K'), refs('2M', '2M')]).toEqual([24, 19, 19, 15]);
  });
});

describe('one-dimensional walks', () => {
  it('a native or shadow walk makes n references, one fewer for a 2 MB page', () => {
    for (const n of [2, 3, 4, 5]) {
      for (const table of ['guest', 'shadow'] as const) {
        const w = walker({ guestLevels: n });
        w.walk1D(table, 0, VA, 1);
        w.walk1D(table, 0, VA + 2 ** 30, 2);
        expect(w.walkReferences).toBe(n + (n - 1));
      }
    }
  });
});

describe('per-reference latency by where the reference hits', () => {
  it('a warm walk without page-walk caching costs one L2 hit per reference: 4 × 11 natively, 24 × 11 in two dimensions', () => {
    const w1 = walker();
    w1.walk1D('guest', 0, VA, 1);
    expect(w1.walk1D('guest', 0, VA, 1)).toBe(4 * 11);
    const w2 = walker();
    w2.walk2D(0, VA, 1);
    expect(w2.walk2D(0, VA, 1)).toBe(24 * 11);
  });

  it('a cold walk pays an L2 miss (100 cycles) for each line it touches first', () => {
    const w = walker();
    // Native 4-level: four entries on four distinct lines, all cold.
    expect(w.walk1D('guest', 0, VA, 1)).toBe(4 * 100);
    expect(w.l2Hits).toBe(0);
  });

  it('entries on a line another walk brought in hit L2: the neighbouring page shares every level', () => {
    const w = walker();
    w.walk1D('guest', 0, VA, 1);
    expect(w.walk1D('guest', 0, VA + 4096, 1)).toBe(4 * 11);
  });

  it('data lines compete with page-table lines for L2', () => {
    const w = walker();
    w.walk1D('guest', 0, VA, 1);
    for (let i = 0; i < 64 * 1024; i++) w.dataAccess(2 ** 45 + i * 64); // 4 MB of data through a 512 KB L2
    expect(w.walk1D('guest', 0, VA, 1)).toBe(4 * 100);
  });
});

describe('page-walk caches and the nested TLB', () => {
  it('1D_PWC on a native walk: the three upper entries hit the PWC (2 cycles), the leaf goes to L2', () => {
    const w = walker({}, '1D_PWC');
    w.walk1D('guest', 0, VA, 1);
    expect(w.walk1D('guest', 0, VA, 1)).toBe(3 * 2 + 11);
    expect(w.pwcHits).toBe(3);
  });

  it('1D_PWC on a 2D walk caches only the three guest upper entries; the 20 nested references still go to L2', () => {
    const w = walker({}, '1D_PWC');
    w.walk2D(0, VA, 1);
    const hits = w.pwcHits;
    expect(w.walk2D(0, VA, 1)).toBe(3 * 2 + 20 * 11 + 11);
    expect(w.pwcHits - hits).toBe(3);
  });

  it('2D_PWC caches every reference but the guest leaf: 23 PWC hits and one L2 hit on a repeated walk', () => {
    const w = walker({}, '2D_PWC');
    w.walk2D(0, VA, 1);
    const hits = w.pwcHits;
    expect(w.walk2D(0, VA, 1)).toBe(23 * 2 + 11);
    expect(w.pwcHits - hits).toBe(23);
    expect(w.walkReferences).toBe(48);
  });

  it('2D_PWC+NT: nested-TLB hits skip all five nested walks, leaving the 4 guest references', () => {
    const w = walker({}, '2D_PWC+NT');
    w.walk2D(0, VA, 1);
    expect(w.walkReferences).toBe(24);
    expect(w.walk2D(0, VA, 1)).toBe(5 * 2 + 3 * 2 + 11);
    expect(w.ntlbHits).toBe(5);
    expect(w.walkReferences).toBe(24 + 4);
  });

  it('a TLB flush flushes the page-walk cache but not the nested TLB', () => {
    const w = walker({}, '2D_PWC+NT');
    w.walk2D(0, VA, 1);
    w.flushWithTlb();
    const pwc = w.pwcHits;
    w.walk2D(0, VA, 1);
    expect(w.ntlbHits).toBe(5);
    expect(w.pwcHits).toBe(pwc); // the three guest upper entries were flushed
  });

  it('the 16-entry nested TLB is LRU: a 17th guest-physical page evicts the least recently used', () => {
    const w = walker({}, '2D_PWC+NT');
    const ntlb = w.ntlb!;
    for (let p = 0; p < 17; p++) ntlb.access(p);
    expect(ntlb.contains(0)).toBe(false);
    expect(ntlb.contains(1)).toBe(true);
  });
});
