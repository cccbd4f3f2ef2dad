// What a taped actor remembers: an operation is recorded the second time it
// is charged, not the first (a streamed trace's operations are new objects
// window by window, most charged once), and what it remembers is dropped as
// a generation when full, so memory stays bounded however many distinct
// operations pass. Neither changes a charge: the ledger ends as the actor's
// own charges leave it.
import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.js';
import { cpuModel, vmmParams } from '../../test/support/models.js';
import { CURRENT_ASID, type Op } from '../workload/ops.js';
import { Ledger } from './ledger.js';
import { MODES } from './registry.js';
import { TapedActor } from './tapedActor.js';
import { ONCE_LEAF } from '../workload/stream.js';

function actorOf(mode: string, ledger: Ledger) {
  return MODES[mode].create(cpuModel('pentium4'), vmmParams(mode, {}), { rng: new Rng(1), ledger });
}

/** Distinct operations: computations of different lengths, and PTE writes (several forms) and system calls at different sites. */
function distinct(k: number): Op {
  switch (k % 3) {
    case 0: return { kind: 'compute', cycles: 1000 + k / 3, mode: 'kernel' };
    case 1: return { kind: 'pteWrite', asid: CURRENT_ASID, site: k };
    default: return { kind: 'syscall', site: k };
  }
}

const state = (ledger: Ledger) => ({ counts: [...ledger.counts], cycles: [...ledger.cycles], components: ledger.components() });

describe('what a taped actor remembers', () => {
  it('records an operation the second time it is charged', () => {
    const ledger = new Ledger();
    const actor = new TapedActor(actorOf('software', ledger));
    const op: Op = { kind: 'syscall', site: 3 };
    const clock = new Float64Array(1);
    actor.charge(op, ledger);
    expect(actor.chargeCopies(op, 2, ledger, clock, Infinity)).toBe(-1); // seen once: no tape
    actor.charge(op, ledger);
    expect(actor.chargeCopies(op, 2, ledger, clock, Infinity)).toBe(2);
  });

  it('charges an operation met once (ONCE_LEAF) as its actor does, and remembers none', () => {
    for (const mode of ['native', 'software', 'hardware', 'nested']) {
      const plain = new Ledger(true);
      const inner = actorOf(mode, plain);
      const taped = new Ledger(true);
      const actor = new TapedActor(actorOf(mode, taped));
      for (let k = 0; k < 300; k++) {
        const op = distinct(k);
        expect(actor.chargeLeaf(op, ONCE_LEAF, taped)).toBe(inner.charge(op, plain));
      }
      expect(actor.remembered).toBe(0);
      expect(state(taped)).toEqual(state(plain));
    }
  });

  for (const mode of ['native', 'software', 'hardware', 'nested']) {
    it(`${mode}: many more distinct operations than it may remember, once each, twice each and recurring, leave what the actor alone leaves, and it never holds more than its cap`, () => {
      const cap = 8;
      const plain = new Ledger(true);
      const inner = actorOf(mode, plain);
      const taped = new Ledger(true);
      const actor = new TapedActor(actorOf(mode, taped), cap);
      const charge = (op: Op) => {
        expect(actor.charge(op, taped)).toBe(inner.charge(op, plain));
        expect(actor.remembered).toBeLessThanOrEqual(2 * cap);
      };
      const recurring = [0, 1, 2, 3, 4].map(distinct);
      for (let k = 0; k < 500; k++) {
        const op = distinct(1000 + k);
        charge(op);
        if (k % 2 === 0) charge(op);
        charge(recurring[k % recurring.length]);
      }
      expect(state(taped)).toEqual(state(plain));
    });
  }
});
