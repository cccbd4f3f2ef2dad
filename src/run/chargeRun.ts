// The one bulk-charging routine of both runners (a single stream and a guest
// system's physical CPU): the rest of a counted run of one operation, charged
// at once when the actor prices every copy the same, with the clock advanced
// exactly as copy-by-copy additions would advance it.
import type { CostActor } from '../vmm/actor.js';
import type { Ledger } from '../vmm/ledger.js';
import { binadeLow, MIN_NORMAL, spacingOf, stepUnits, stepsBelow } from '../vmm/exactSums.js';
import type { Op } from '../workload/ops.js';
import type { ItemSource } from '../workload/stream.js';
import type { TapedActor } from '../vmm/tapedActor.js';

/**
 * Counted runs shorter than this are charged copy by copy, in the actor's
 * compiled loop over copies where it has one (Ledger.applyCopies): pricing a
 * run at once (a tape look-up, a pass over the totals it adds to and their
 * binades, the clock in closed form) costs about what that loop spends on a
 * few tens of copies. 64 rather than 8 (from before the loop was compiled):
 * forkwait, compile-win and xp-boot in bulk 1.06–1.18× faster, measured
 * paired. Either way the result is bit-identical.
 */
export const MIN_BULK_COPIES = 64;

/**
 * Charge up to `left` further copies of `op` (the rest of its counted run)
 * starting at time `clock[0]`, stopping after the first copy whose end
 * reaches `stop`; returns the copies charged and leaves the new time in
 * `clock[0]`. With `bulk`, the actor is asked for a per-copy price
 * (repeatCost) while {@link MIN_BULK_COPIES} or more copies are left and,
 * while it answers null (state still settling, e.g. a site adapting), asked
 * again after 1, 2, 4, … more copies. Copies not priced are charged one by
 * one: in the actor's own loop (chargeCopies: the op's tape replayed per
 * copy) when it has one for the op (asked again after one copy if not),
 * else by charge().
 */
export function chargeRun(actor: CostActor, op: Op, left: number, ledger: Ledger, clock: Float64Array, stop: number, bulk: boolean): number {
  const priced = bulk && actor.repeatCost !== undefined;
  let t = clock[0];
  let k = 0;
  let nextAsk = 0;
  let gap = 1;
  let loopAsked = false;
  while (k < left) {
    if (k === nextAsk) {
      if (!priced || left - k < MIN_BULK_COPIES) {
        // No price asked from here on: the rest copy by copy, in the actor's own loop if it has one for the op now,
        // else asked once more after one copy (a TapedActor records an operation the second time it is charged).
        nextAsk = Infinity;
        if (actor.chargeCopies !== undefined) {
          clock[0] = t;
          const n = actor.chargeCopies(op, left - k, ledger, clock, stop);
          if (n >= 0) return k + n;
          if (!loopAsked) nextAsk = k + 1;
          loopAsked = true;
        }
      } else {
        const quote = actor.repeatCost!(op, left - k, ledger);
        if (quote !== null) {
          clock[0] = t;
          const m = advanceRun(clock, quote.cycles, quote.copies, stop);
          actor.chargeRepeats!(op, m, ledger);
          k += m;
          t = clock[0];
          if (k >= left || t >= stop) return k;
          // A total the copies add to reached the end of its binade
          // (Ledger.runLimit): one copy on its own, then ask again.
          nextAsk = k + 1;
          gap = 1;
        } else {
          nextAsk = k + gap;
          gap *= 2;
        }
      }
    }
    t += actor.charge(op, ledger);
    k++;
    if (t >= stop) break;
  }
  clock[0] = t;
  return k;
}

/** Where a runner takes its operations from (a cursor, or a guest's scheduler): the loop iteration the op it gave last begins (as ItemSource words it). */
export type IterationSource = Pick<ItemSource, 'iterationStart' | 'iterationsLeft' | 'leafId' | 'skipIterations'>;

/**
 * When the operation `source` gave last begins an iteration of a loop, charge
 * it and as many of the loop's next iterations as are static and end before
 * `stop` at once (TapedActor.chargeIterations) and consume them from
 * `source`: returns the new time, with the operations charged in
 * `taped.iterationOps`; NaN when the runner charges the op by itself. Kept
 * out of the runners' loops, which stay small for their per-op path.
 */
export function chargeIterations(source: IterationSource, taped: TapedActor, t: number, stop: number, ledger: Ledger): number {
  const nodes = source.iterationStart;
  if (nodes === null) return NaN;
  const end = taped.chargeIterations(nodes, source.leafId, source.iterationsLeft, t, stop, ledger);
  if (end === end) source.skipIterations(taped.iterationsCharged, taped.iterationOps - 1);
  return end;
}

/**
 * Advance `clock[0]` by `cycles` per copy for at most `copies` copies,
 * stopping after the first copy that reaches `stop`; returns the copies
 * taken. The result is bit-identical to the loop
 * `do { t += cycles; k++ } while (k < copies && t < stop)`, but it takes
 * O(log t) steps: inside one binade each copy adds the same exact step
 * (exactSums.ts), so the copies that keep t inside it are taken at once;
 * the copy that crosses into the next binade, or any copy whose step is a
 * rounding tie, is added on its own, as the loop adds it. Whole and
 * fractional cycles and times (a 60 Hz tick of a 3.8 GHz clock) alike.
 */
export function advanceRun(clock: Float64Array, cycles: number, copies: number, stop: number): number {
  let t = clock[0];
  let k = 0;
  if (copies <= 0) return 0;
  while (k < copies) {
    if (cycles >= 0 && t >= MIN_NORMAL && t < Infinity) {
      const lo = binadeLow(t);
      const units = stepUnits(cycles, spacingOf(lo));
      if (units === 0) {
        // Every copy leaves t where it is: the first ends the run if t has reached stop, else all run.
        clock[0] = t;
        return t >= stop ? k + 1 : copies;
      }
      const step = units * spacingOf(lo);
      const n = units > 0 && 2 * lo < Infinity ? stepsBelow(t, step, copies - k, 2 * lo) : 0;
      if (n > 0) {
        if (t + n * step >= stop) {
          // The first copy that reaches stop lies among them: all these sums are exact.
          const j = stepsBelow(t, step, n, stop) + 1;
          clock[0] = t + j * step;
          return k + j;
        }
        t += n * step;
        k += n;
        if (k >= copies) break;
      }
    }
    // One copy as the loop adds it (it may cross a binade and round).
    t += cycles;
    k++;
    if (t >= stop) break;
  }
  clock[0] = t;
  return k;
}
