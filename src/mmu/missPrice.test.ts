import { describe, expect, it } from 'vitest';
import { table2Model } from '../../test/mmuModel.js';
import { DEFAULT_MISS_WORKING_SET_BYTES, MissPriceCache, MissPrices, canonicalKey, measureMissCycles, type MissSite } from './missPrice.js';
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

describe('MissPriceCache: a price is measured once per process for each (model, mode, site)', () => {
  it('actors sharing a cache get the prices they would measure alone, and each (model, mode, site) is probed once', () => {
    const cache = new MissPriceCache();
    const m = withPwc('2D_PWC');
    const s = site({ afterFlush: 16 });
    const alone = new MissPrices(m, 'nested').cycles(s);
    expect(new MissPrices(m, 'nested', cache).cycles(s)).toBe(alone);
    expect(cache.measured).toBe(1);
    // Another actor, with an equal model built in another key order, and an equal site object.
    const reordered = Object.fromEntries(Object.entries(structuredClone(m)).reverse()) as MmuModel;
    expect(new MissPrices(reordered, 'nested', cache).cycles({ ...s })).toBe(alone);
    expect(cache.measured).toBe(1);
  });

  it('a different mode, site or model is a different price', () => {
    const cache = new MissPriceCache();
    const m = noPwc();
    const base = new MissPrices(m, 'native', cache).cycles(site());
    expect(new MissPrices(m, 'nested', cache).cycles(site())).toBe(measureMissCycles(m, 'nested', site()));
    expect(new MissPrices(m, 'native', cache).cycles(site({ pageSize: '2M' }))).toBe(measureMissCycles(m, 'native', site({ pageSize: '2M' })));
    const slower = { ...m, caches: { ...m.caches, l2HitCycles: m.caches.l2HitCycles + 10 } };
    expect(new MissPrices(slower, 'native', cache).cycles(site())).toBeGreaterThan(base);
    expect(cache.measured).toBe(4);
  });

  it('canonicalKey ignores key order but not array order or values', () => {
    expect(canonicalKey({ a: 1, b: { c: 2, d: [3, 4] } })).toBe(canonicalKey({ b: { d: [3, 4], c: 2 }, a: 1 }));
    expect(canonicalKey({ d: [3, 4] })).not.toBe(canonicalKey({ d: [4, 3] }));
    expect(canonicalKey({ a: 1 })).not.toBe(canonicalKey({ a: 2 }));
  });
});
