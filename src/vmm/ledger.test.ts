import { describe, expect, it } from 'vitest';
import { ChargeTape } from './chargeTape.js';
import { Ledger } from './ledger.js';

/** A tape of one charge made by `charge` on a fresh ledger (with component `exit` interned as id 0). */
function recorded(charge: (l: Ledger) => number): ChargeTape {
  const l = new Ledger();
  l.componentId('exit');
  const tape = new ChargeTape();
  l.record(tape);
  l.stopRecording(charge(l));
  return tape;
}

/** The tape of charging category `cat` `cycles` once. */
const categoryTape = (cat: number, cycles: number) => recorded((l) => {
  l.charge(cat, cycles);
  return cycles;
});

describe('Ledger runs of a recorded charge', () => {
  it('a run of integer charges equals the same charges one by one', () => {
    const bulk = new Ledger();
    const single = new Ledger();
    bulk.charge(1, 7);
    single.charge(1, 7);
    const tape = categoryTape(1, 243);
    expect(bulk.canApplyRun(tape, 1000)).toBe(true);
    bulk.applyRun(tape, 1000);
    for (let i = 0; i < 1000; i++) single.apply(tape);
    expect([...bulk.counts]).toEqual([...single.counts]);
    expect([...bulk.cycles]).toEqual([...single.cycles]);
  });

  it('refuses runs whose sum would depend on grouping: fractional cycles or totals past 2^53', () => {
    const l = new Ledger();
    expect(l.canApplyRun(categoryTape(0, 0.1), 10)).toBe(false);
    // One copy adds 2^50 cycles (and 1 to the count): 7 copies stay within 2^53, 8 do not.
    expect(l.canApplyRun(categoryTape(0, 2 ** 50), 7)).toBe(true);
    expect(l.canApplyRun(categoryTape(0, 2 ** 50), 8)).toBe(false);
    l.charge(0, 0.5);
    expect(l.canApplyRun(categoryTape(0, 1), 10)).toBe(false);
  });

  it('component runs follow the same rule', () => {
    const l = new Ledger();
    const id = l.componentId('exit');
    const componentTape = (cycles: number) => recorded((r) => {
      r.component(id, cycles);
      return cycles;
    });
    expect(l.canApplyRun(componentTape(1931), 100)).toBe(true);
    l.applyRun(componentTape(1931), 100);
    expect(l.components()).toEqual({ exit: { count: 100, cycles: 193100 } });
    expect(l.canApplyRun(componentTape(0.5), 1)).toBe(false);
  });
});
