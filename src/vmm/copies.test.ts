// The copies of a counted run charged in the taped actor's own loops, op by
// op (TapedActor.chargeCopies for the runner, chargeStaticCopies for the
// static lane): each leaves exactly what one charge per copy leaves, stops
// after the first copy whose end reaches the stop, and takes the operations
// whose charge has several forms (a PTE write) in the form they take now.
import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.js';
import { cpuModel, vmmParams } from '../../test/support/models.js';
import { CURRENT_ASID, type Op } from '../workload/ops.js';
import { COMPILE_AFTER_REPLAYS } from './chargeTape.js';
import { Ledger } from './ledger.js';
import { MODES } from './registry.js';
import { TapedActor } from './tapedActor.js';

const OPS: Op[] = [
  { kind: 'syscall', site: 1 }, { kind: 'io', dir: 'out', port: 0x3f8, site: 2 }, { kind: 'pgfault', site: 4 },
  { kind: 'pteWrite', asid: CURRENT_ASID, site: 8 }, { kind: 'pteWrite', asid: 5, site: 10 },
  { kind: 'compute', cycles: 3000.5, mode: 'kernel' }, { kind: 'callret' },
  { kind: 'tlbMiss', workingSetBytes: 16 << 20, pageSize: '4K', afterFlush: 0 },
];
const LEAF = 7;
const COPIES = 40;

/**
 * A taped actor of `mode` that has switched to address space 1 (building its
 * shadow) and charged `op` `charges` times (recording it; a PTE write's
 * form, or a settling site, is recorded by the second charge at the latest;
 * after COMPILE_AFTER_REPLAYS replays a tape is compiled, and so is its loop
 * over copies).
 */
function setUp(mode: string, op: Op, set: Record<string, unknown>, charges = 2) {
  const ledger = new Ledger();
  const inner = MODES[mode].create(cpuModel('pentium4'), vmmParams(mode, mode === 'nested' || mode === 'interpreter' ? {} : set), { rng: new Rng(1), ledger });
  const actor = new TapedActor(inner);
  actor.charge({ kind: 'cr3write', asid: 1, pages: 4, kernelPages: 0, site: 1 }, ledger);
  let t = 0;
  for (let k = 0; k < charges; k++) t += actor.chargeLeaf(op, LEAF, ledger);
  return { ledger, actor, t };
}

const state = (ledger: Ledger, actor: TapedActor) => ({ counts: [...ledger.counts], cycles: [...ledger.cycles], components: ledger.components(), metrics: actor.metrics() });

describe('copies charged in the taped actor\'s loops', () => {
  for (const mode of ['native', 'software', 'hardware', 'nested', 'interpreter', 'trap-and-emulate']) {
    for (const [set, charges] of [[{}, 2], [{ tracePolicy: 'unsynced' }, 2], [{}, 2 + COMPILE_AFTER_REPLAYS]] as const) {
      it(`${mode} ${JSON.stringify(set)}, ${charges} charges before: as one charge per copy, up to the copy that reaches the stop`, () => {
        for (const op of OPS) {
          // The reference: each copy charged on its own, its time and the copy that reaches the stop noted.
          const ref = setUp(mode, op, set, charges);
          let t = ref.t;
          const times: number[] = [];
          for (let k = 0; k < COPIES; k++) times.push((t += ref.actor.charge(op, ref.ledger)));
          const stop = times[16];
          const expected = state(ref.ledger, ref.actor);

          // The runner's copies (chargeRun → chargeCopies): −1 leaves them all to charge().
          const run = setUp(mode, op, set, charges);
          const clock = new Float64Array([run.t]);
          let k = run.actor.chargeCopies(op, COPIES, run.ledger, clock, stop);
          if (k >= 0) {
            expect([op.kind, k, clock[0]]).toEqual([op.kind, 17, stop]);
            for (let j = 17; j < COPIES; j++) run.actor.charge(op, run.ledger);
            expect([op.kind, state(run.ledger, run.actor)]).toEqual([op.kind, expected]);
          }

          // The lane's copies: after chargeStatic charged one from its recording.
          const lane = setUp(mode, op, set, charges);
          const first = lane.actor.chargeStatic(LEAF, op, lane.ledger);
          if (first === first) {
            const end = lane.actor.chargeStaticCopies(LEAF, op, lane.ledger, lane.t + first, stop, COPIES - 1);
            k = lane.actor.copiesCharged;
            expect([op.kind, k, end]).toEqual([op.kind, 16, stop]);
            for (let j = 17; j < COPIES; j++) lane.actor.charge(op, lane.ledger);
            expect([op.kind, state(lane.ledger, lane.actor)]).toEqual([op.kind, expected]);
          }
        }
      });
    }
  }

  it('a PTE write that trace-faults is charged in the loop from the tape of its form (not left to charge())', () => {
    const { ledger, actor, t } = setUp('hardware', { kind: 'pteWrite', asid: CURRENT_ASID, site: 8 }, {});
    const clock = new Float64Array([t]);
    expect(actor.chargeCopies({ kind: 'pteWrite', asid: CURRENT_ASID, site: 8 }, 3, ledger, clock, Infinity)).toBe(-1); // another op object: no slot
    const op: Op = { kind: 'pteWrite', asid: CURRENT_ASID, site: 9 };
    actor.chargeLeaf(op, 8, ledger);
    expect(actor.chargeCopies(op, 3, ledger, clock, Infinity)).toBe(-1); // charged once: not recorded yet
    actor.chargeLeaf(op, 8, ledger); // recorded the second time it is charged
    expect(actor.chargeCopies(op, 3, ledger, clock, Infinity)).toBe(3);
    expect(actor.metrics().traceFaults).toBeGreaterThanOrEqual(4);
  });

  it('a PTE write recorded in one form and copied in another is charged in the form it takes now', () => {
    const other: Op = { kind: 'pteWrite', asid: 5, site: 10 };
    const charged = (copiesInLoop: boolean) => {
      const { ledger, actor, t } = setUp('hardware', other, {}); // no shadow of address space 5 yet: recorded untraced
      actor.charge({ kind: 'cr3write', asid: 5, pages: 4, kernelPages: 0, site: 1 }, ledger);
      actor.charge({ kind: 'cr3write', asid: 1, pages: 4, kernelPages: 0, site: 1 }, ledger); // 5's shadow stays cached: now traced
      actor.chargeLeaf(other, LEAF, ledger);
      actor.chargeLeaf(other, LEAF, ledger);
      const clock = new Float64Array([t]);
      if (copiesInLoop) expect(actor.chargeCopies(other, 5, ledger, clock, Infinity)).toBe(5);
      else for (let k = 0; k < 5; k++) clock[0] += actor.charge(other, ledger);
      return { t: clock[0], ...state(ledger, actor) };
    };
    const reference = charged(false);
    expect(reference.metrics.traceFaults).toBeGreaterThanOrEqual(5);
    expect(charged(true)).toEqual(reference);
  });
});
