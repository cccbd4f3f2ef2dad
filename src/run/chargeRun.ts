// The one bulk-charging routine of both runners (a single stream and a guest
// system's physical CPU): the rest of a counted run of one operation, charged
// at once when the actor prices every copy the same, with the clock advanced
// exactly as copy-by-copy additions would advance it.
import type { CostActor } from '../vmm/actor.js';
import type { Ledger } from '../vmm/ledger.js';
import type { Op } from '../workload/ops.js';

/**
 * Counted runs shorter than this are charged copy by copy: asking the actor
 * for a bulk price (a probe into a scratch ledger) costs about as much as
 * charging a few copies. Either way the result is bit-identical.
 */
export const MIN_BULK_COPIES = 8;

/**
 * Charge up to `left` further copies of `op` (the rest of its counted run)
 * starting at time `clock[0]`, stopping after the first copy whose end
 * reaches `stop`; returns the copies charged and leaves the new time in
 * `clock[0]`. With `bulk`, the actor is asked for a per-copy price
 * (repeatCost) and, while it answers null (state still settling, e.g. a
 * site adapting), asked again after 1, 2, 4, … more copies; without it, or
 * for short runs, every copy goes through charge(): the op-by-op reference.
 */
export function chargeRun(actor: CostActor, op: Op, left: number, ledger: Ledger, clock: Float64Array, stop: number, bulk: boolean): number {
  let t = clock[0];
  let k = 0;
  let nextAsk = bulk && actor.repeatCost !== undefined ? 0 : Infinity;
  let gap = 1;
  while (k < left) {
    if (k === nextAsk) {
      if (left - k < MIN_BULK_COPIES) nextAsk = Infinity;
      else {
        const c = actor.repeatCost!(op, left - k, ledger);
        if (c !== null) {
          clock[0] = t;
          const m = advanceRun(clock, c, left - k, stop);
          actor.chargeRepeats!(op, m, ledger);
          return k + m;
        }
        nextAsk = k + gap;
        gap *= 2;
      }
    }
    t += actor.charge(op, ledger);
    k++;
    if (t >= stop) break;
  }
  clock[0] = t;
  return k;
}

/** 2^52: from here on a double's spacing exceeds 1/2, and adding whole cycles may round. */
const EXACT_INTEGER_STEPS_BELOW = 2 ** 52;

/**
 * Advance `clock[0]` by `cycles` per copy for at most `copies` copies,
 * stopping after the first copy that reaches `stop`; returns the copies
 * taken. The result is bit-identical to the loop
 * `do { t += cycles; k++ } while (k < copies && t < stop)`, but for whole
 * `cycles` it takes O(log t) steps: inside one binade [2^e, 2^(e+1)) every
 * double is a multiple of the binade's spacing (≤ 1), so t + j·cycles is
 * exact while it stays below 2^(e+1), and the loop's sums are the same
 * exact values; only the copy that crosses into the next binade rounds, and
 * it is added on its own, as the loop adds it. Fractional times (a 60 Hz
 * tick of a 3.8 GHz clock) are therefore advanced exactly too.
 */
export function advanceRun(clock: Float64Array, cycles: number, copies: number, stop: number): number {
  let t = clock[0];
  let k = 0;
  if (copies <= 0) return 0;
  if (cycles === 0) {
    clock[0] = t;
    return t >= stop ? 1 : copies;
  }
  const wholeSteps = Number.isInteger(cycles) && cycles > 0 && copies * cycles <= Number.MAX_SAFE_INTEGER;
  while (k < copies) {
    if (wholeSteps && t >= 1 && t < EXACT_INTEGER_STEPS_BELOW) {
      // Copies that keep t inside its binade: exact sums, taken at once.
      const top = binadeTop(t);
      let n = Math.min(copies - k, Math.floor((top - t) / cycles)); // top − t is exact (Sterbenz)
      while (n > 0 && t + n * cycles >= top) n--;
      while (n < copies - k && t + (n + 1) * cycles < top) n++;
      if (n > 0) {
        if (t + n * cycles >= stop) {
          // The first copy that reaches stop lies among them: all these sums are exact.
          let j = Math.max(1, Math.ceil((stop - t) / cycles));
          while (j > 1 && t + (j - 1) * cycles >= stop) j--;
          while (t + j * cycles < stop) j++;
          clock[0] = t + j * cycles;
          return k + j;
        }
        t += n * cycles;
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

/** The smallest power of two above `t` (t ≥ 1, finite). */
function binadeTop(t: number): number {
  let b = 2 ** Math.floor(Math.log2(t));
  while (b > t) b /= 2;
  while (b * 2 <= t) b *= 2;
  return b * 2;
}
