import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';

describe('Ledger runs', () => {
  it('a run of integer charges equals the same charges one by one', () => {
    const bulk = new Ledger();
    const single = new Ledger();
    bulk.charge(1, 7);
    single.charge(1, 7);
    expect(bulk.canChargeRun(1, 243, 1000)).toBe(true);
    bulk.chargeRun(1, 1000, 243);
    for (let i = 0; i < 1000; i++) single.charge(1, 243);
    expect([...bulk.counts]).toEqual([...single.counts]);
    expect([...bulk.cycles]).toEqual([...single.cycles]);
  });

  it('refuses runs whose sum would depend on grouping: fractional cycles or totals past 2^53', () => {
    const l = new Ledger();
    expect(l.canChargeRun(0, 0.1, 10)).toBe(false);
    expect(l.canChargeRun(0, 2 ** 50, 7)).toBe(true);
    expect(l.canChargeRun(0, 2 ** 50, 8)).toBe(false);
    l.charge(0, 0.5);
    expect(l.canChargeRun(0, 1, 10)).toBe(false);
  });

  it('component runs follow the same rule', () => {
    const l = new Ledger();
    const id = l.componentId('exit');
    expect(l.canComponentRun(id, 1931, 100)).toBe(true);
    l.componentRun(id, 100, 1931);
    expect(l.components()).toEqual({ exit: { count: 100, cycles: 193100 } });
    expect(l.canComponentRun(id, 0.5, 1)).toBe(false);
  });
});
