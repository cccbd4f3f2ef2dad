// Adaptive BT: a site that keeps trapping pays the trap price until the
// threshold, then the adapted price; hysteresis keeps it from flapping.
import { describe, expect, it } from 'vitest';
import { actor, vmmParams } from '../../test/support/models.js';
import type { Op } from '../workload/ops.js';
import { CURRENT_ASID } from '../workload/ops.js';
import { AdaptiveBt, SITE } from './adaptiveBt.js';
import { CAT } from './categories.js';
import type { SoftwareParams } from './software.js';
import { TapedActor } from './tapedActor.js';

const p = vmmParams('software') as SoftwareParams;
const pte = (site: number, asid = CURRENT_ASID): Op => ({ kind: 'pteWrite', asid, site });

describe('adaptive binary translation', () => {
  it('a traced PTE store pays trap + emulation before the threshold and the in-TC price after it', () => {
    const { actor: a, ledger } = actor('software');
    const costs: number[] = [];
    for (let i = 0; i < p.adaptThreshold + 3; i++) costs.push(a.charge(pte(7), ledger));
    const trapPrice = p.trapCycles + p.inTcHelperCycles + p.shadowUpdateCycles;
    const adapted = p.inTcHelperCycles + p.shadowUpdateCycles;
    expect(costs.slice(0, p.adaptThreshold - 1)).toEqual(Array(p.adaptThreshold - 1).fill(trapPrice));
    // the threshold-th trap is still paid, plus retranslating the unit
    expect(costs[p.adaptThreshold - 1]).toBe(trapPrice + p.retranslateInstructions * p.translateCyclesPerInstruction);
    expect(costs.slice(p.adaptThreshold)).toEqual([adapted, adapted, adapted]);
    expect(adapted).toBe(391);
    expect(trapPrice).toBe(2205);
    expect(ledger.cycles[CAT.translate]).toBe(p.retranslateInstructions * p.translateCyclesPerInstruction);
  });

  it('a short run shows the trap price and a long run the adapted price', () => {
    const perOp = (n: number) => {
      const { actor: a, ledger } = actor('software');
      let c = 0;
      for (let i = 0; i < n; i++) c += a.charge(pte(3), ledger);
      return c / n;
    };
    expect(perOp(p.adaptThreshold - 1)).toBe(2205);
    expect(perOp(100_000)).toBeCloseTo(391, 0);
  });

  it('sites adapt independently', () => {
    const { actor: a, ledger } = actor('software');
    for (let i = 0; i < p.adaptThreshold; i++) a.charge(pte(1), ledger);
    expect(a.charge(pte(1), ledger)).toBe(391);
    expect(a.charge(pte(2), ledger)).toBe(2205);
  });

  it('a callout-adapted site costs the callout overhead plus the emulation', () => {
    const { actor: a, ledger } = actor('software', { set: { adaptedForm: 'callout' } });
    for (let i = 0; i < p.adaptThreshold; i++) a.charge(pte(1), ledger);
    expect(a.charge(pte(1), ledger)).toBe(p.calloutCycles + 391);
  });

  it('an adapted site reverts only after adaptRevertThreshold quiet executions in a row, not one below', () => {
    const bt = new AdaptiveBt({ adaptThreshold: 2, adaptRevertThreshold: 5, adaptedForm: 'inTC', retranslateInstructions: 6 });
    expect(bt.traced(9)).toBe(SITE.trap);
    expect(bt.traced(9)).toBe(SITE.trapThenAdapt);
    for (let i = 0; i < 4; i++) expect(bt.untraced(9)).toBe(SITE.adapted);
    expect(bt.traced(9)).toBe(SITE.adapted); // a trapping execution resets the quiet count
    for (let i = 0; i < 4; i++) expect(bt.untraced(9)).toBe(SITE.adapted);
    expect(bt.untraced(9)).toBe(SITE.adaptedThenRevert);
    expect(bt.untraced(9)).toBe(SITE.plain);
    expect(bt.traced(9)).toBe(SITE.trap);
    expect(bt.retranslations).toBe(2);
  });

  it('site ids beyond the dense range are tracked too', () => {
    const bt = new AdaptiveBt({ adaptThreshold: 1, adaptRevertThreshold: 5, adaptedForm: 'inTC', retranslateInstructions: 6 });
    expect(bt.traced(2 ** 31 - 1)).toBe(SITE.trapThenAdapt);
    expect(bt.traced(2 ** 31 - 1)).toBe(SITE.adapted);
    expect(bt.untraced(5)).toBe(SITE.plain);
  });
});

describe('adaptive BT under replayed charges', () => {
  it('stores replayed from tapes adapt and revert a site exactly as stores charged by the actor', () => {
    // One site stored to through a traced page (the running address space) and an untraced one
    // (an address space without a shadow): it adapts, then the untraced stores count towards its reversion.
    const traced = pte(5);
    const untraced = pte(5, 9);
    const plan: Op[] = [
      ...Array<Op>(p.adaptThreshold + 3).fill(traced),
      ...Array<Op>(5).fill(untraced),
      ...Array<Op>(3).fill(traced), // an adapted site's traced store resets its quiet count
      ...Array<Op>(p.adaptRevertThreshold + 3).fill(untraced),
      ...Array<Op>(p.adaptThreshold + 3).fill(traced),
      ...Array<Op>(5).fill(untraced),
    ];
    const run = (taped: boolean) => {
      const { actor: raw, ledger } = actor('software');
      const a = taped ? new TapedActor(raw) : raw;
      const costs = plan.map((op) => a.charge(op, ledger));
      return { costs, components: ledger.components(), metrics: raw.metrics!() };
    };
    const reference = run(false);
    expect(reference.metrics.retranslations).toBe(3); // adapted, reverted, adapted again
    expect(run(true)).toEqual(reference);
  });
});
