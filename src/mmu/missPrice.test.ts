import { describe, expect, it } from 'vitest';
import { table2Model } from '../../test/mmuModel.js';
import { DEFAULT_MISS_WORKING_SET_BYTES, MissPrices, measureMissCycles, type MissSite } from './missPrice.js';
import type { MmuModel } from './mmuSchema.js';

const site = (over: Partial<MissSite> = {}): MissSite => ({ workingSetBytes: DEFAULT_MISS_WORKING_SET_BYTES, pageSize: '4K', afterFlush: 0, ...over });
const noPwc = (over: Partial<MmuModel> = {}): MmuModel => {
  const m = table2Model(over);
  return { ...m, pwc: { ...m.pwc, design: 'none' } };
};
const withPwc = (design: MmuModel['pwc']['design']): MmuModel => {
  const m = table2Model();
  return { ...m, pwc: { ...m.pwc, design } };
};

describe('measureMissCycles: a counted miss is priced by the MMU model', () => {
  it('without walk caches, a walk whose entry lines stay in L2 costs about one L2 hit per reference: levels natively, n·m + n + m nested', () => {
    const l2 = table2Model().caches.l2HitCycles;
    for (const levels of [2, 3, 4]) {
      const m = noPwc({ guestLevels: levels });
      // Entry lines share L2 with the data the misses touch: a few per mille of references miss it.
      const about = (cycles: number, refs: number) => {
        expect(cycles).toBeGreaterThanOrEqual(refs * l2);
        expect(cycles).toBeLessThan(refs * l2 * 1.01);
      };
      about(measureMissCycles(m, 'native', site()), levels);
      about(measureMissCycles(m, 'shadow', site()), levels);
      about(measureMissCycles(m, 'nested', site()), levels * 4 + levels + 4);
    }
  });

  it('a working set whose page-table lines overflow L2 costs more per miss', () => {
    const m = noPwc();
    expect(measureMissCycles(m, 'native', site({ workingSetBytes: 2 ** 32 }))).toBeGreaterThan(measureMissCycles(m, 'native', site()) * 1.5);
  });

  it('2 MB guest pages end the walk a level early', () => {
    const m = noPwc();
    const c = measureMissCycles(m, 'native', site({ pageSize: '2M' }));
    expect(c).toBeGreaterThanOrEqual(3 * m.caches.l2HitCycles);
    expect(c).toBeLessThan(3.03 * m.caches.l2HitCycles);
  });

  it('page-walk caches and the nested TLB cut the 2D walk, and a refill right after a flush finds them cold', () => {
    const bare = measureMissCycles(noPwc(), 'nested', site());
    const pwc = measureMissCycles(withPwc('2D_PWC+NT'), 'nested', site());
    expect(pwc).toBeLessThan(bare / 2);
    const refill = measureMissCycles(withPwc('2D_PWC+NT'), 'nested', site({ afterFlush: 8 }));
    expect(refill).toBeGreaterThan(pwc);
    expect(refill).toBeLessThan(bare);
  });

  it('is deterministic, and an actor measures each site once', () => {
    const m = withPwc('2D_PWC+NT');
    const s = site({ workingSetBytes: 2 ** 28, afterFlush: 24 });
    const a = measureMissCycles(m, 'nested', s);
    expect(measureMissCycles(m, 'nested', s)).toBe(a);
    const prices = new MissPrices(m, 'nested');
    expect(prices.cycles(s)).toBe(a);
    expect(prices.cycles({ ...s })).toBe(a);
    expect(Number.isFinite(a) && a > 0).toBe(true);
  });
});
