import { describe, expect, it } from 'vitest';
import { table2Model } from '../../test/mmuModel.js';
import { TLB_L1_HIT, TLB_L2_HIT, TLB_MISS, Tlb, tlbKey } from './tlb.js';

const page = (n: number) => n * 4096;

describe('Tlb', () => {
  it('a miss leaves the TLB unchanged; after the fill the translation hits level 1', () => {
    const t = new Tlb(table2Model().tlb);
    const k = tlbKey(0, page(5), '4K');
    expect(t.lookup(k, '4K')).toBe(TLB_MISS);
    expect(t.lookup(k, '4K')).toBe(TLB_MISS);
    t.fill(k, '4K');
    expect(t.lookup(k, '4K')).toBe(TLB_L1_HIT);
  });

  it('a translation evicted from the 64-entry level 1 still hits level 2, which refills level 1', () => {
    const t = new Tlb(table2Model().tlb);
    for (let p = 0; p < 65; p++) t.fill(tlbKey(0, page(p), '4K'), '4K'); // page 0 is level 1's LRU victim
    expect(t.lookup(tlbKey(0, page(0), '4K'), '4K')).toBe(TLB_L2_HIT);
    expect(t.lookup(tlbKey(0, page(0), '4K'), '4K')).toBe(TLB_L1_HIT);
  });

  it('the 4-way level-2 TLB keeps the four most recent pages of a set', () => {
    const t = new Tlb(table2Model().tlb);
    // 512 entries / 4 ways = 128 sets: pages 0, 128, 256, … share set 0.
    for (let i = 0; i < 5; i++) t.fill(tlbKey(0, page(128 * i), '4K'), '4K');
    for (let p = 1; p <= 64; p++) t.fill(tlbKey(0, page(p), '4K'), '4K'); // push them out of level 1 (sets 1–64 only)
    expect(t.lookup(tlbKey(0, page(0), '4K'), '4K')).toBe(TLB_MISS);
    expect(t.lookup(tlbKey(0, page(128), '4K'), '4K')).toBe(TLB_L2_HIT);
  });

  it('2 MB translations live in their own structures: a 4 KB and a 2 MB entry for the same address are different', () => {
    const t = new Tlb(table2Model().tlb);
    t.fill(tlbKey(0, 2 ** 21, '2M'), '2M');
    expect(t.lookup(tlbKey(0, 2 ** 21, '4K'), '4K')).toBe(TLB_MISS);
    expect(t.lookup(tlbKey(0, 2 ** 21 + 4096 * 7, '2M'), '2M')).toBe(TLB_L1_HIT); // same 2 MB page
  });

  it('the direct-mapped 128-entry 2 MB level-2 TLB conflicts on pages 128 apart', () => {
    const t = new Tlb(table2Model().tlb);
    const big = (n: number) => n * 2 ** 21;
    t.fill(tlbKey(0, big(3), '2M'), '2M');
    t.fill(tlbKey(0, big(3 + 128), '2M'), '2M');
    for (let p = 10; p < 74; p++) t.fill(tlbKey(0, big(p), '2M'), '2M'); // push them out of level 1 (not set 3)
    expect(t.lookup(tlbKey(0, big(3), '2M'), '2M')).toBe(TLB_MISS);
  });

  it('entries of different address spaces are different translations', () => {
    const t = new Tlb(table2Model().tlb);
    t.fill(tlbKey(1, page(9), '4K'), '4K');
    expect(t.lookup(tlbKey(2, page(9), '4K'), '4K')).toBe(TLB_MISS);
    expect(t.lookup(tlbKey(1, page(9), '4K'), '4K')).toBe(TLB_L1_HIT);
  });

  it('flush empties every structure', () => {
    const t = new Tlb(table2Model().tlb);
    t.fill(tlbKey(0, page(1), '4K'), '4K');
    t.flush();
    expect(t.holds(tlbKey(0, page(1), '4K'))).toBe(false);
  });
});
