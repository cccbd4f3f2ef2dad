// Drives one guest operation stream through a cost actor inside a
// simulation, with temporal decoupling: the stream runs operations inline
// until its local time reaches the next pending event, and only then goes
// through the heap. With nothing else pending, a whole run never touches it.
// Counted runs of one operation skip the cursor per copy, and when the actor
// says every copy costs the same (repeatCost) it charges the run at once; the
// clock still advances copy by copy, so timing is bit-for-bit unchanged.
import type { Simulation } from '../engine/simulation.js';
import type { CostActor } from '../vmm/actor.js';
import type { Ledger } from '../vmm/ledger.js';
import { CAT } from '../vmm/categories.js';
import type { ItemSource } from '../workload/stream.js';

/** Runs a cursor's operations on one virtual CPU until it is exhausted. */
export class StreamRunner {
  /** Simulated time at which the stream's last operation completed (NaN while running). */
  finishedAt = NaN;
  /** Operations charged so far. */
  ops = 0;
  /** Scratch cell through which {@link advanceFixed} hands back the clock. */
  private readonly clock = new Float64Array(1);

  constructor(
    private readonly sim: Simulation,
    private readonly cursor: ItemSource,
    private readonly actor: CostActor,
    private readonly ledger: Ledger,
    private readonly onDone: () => void = () => {},
  ) {}

  /** Begin at the current simulated time. */
  start(): void {
    this.sim.at(this.sim.now, this.slice);
  }

  /** Run inline until the next pending event (or the end), then yield through the heap. */
  private readonly slice = (): void => {
    const { sim, cursor, actor, ledger } = this;
    const horizon = sim.peekTime();
    let t = sim.now;
    let n = 0;
    let op = cursor.next();
    while (op !== null) {
      if (op.kind === 'waitUntil') {
        // A trace timestamp: the stream does not continue before it; the CPU idles meanwhile.
        if (op.cycles > t) {
          ledger.charge(CAT.idle, op.cycles - t);
          t = op.cycles;
        }
        if (t >= horizon) break;
        op = cursor.next();
        continue;
      }
      if (op.kind === 'block') throw new Error('a single stream cannot block on a device; use a guest system (processes:)');
      t += actor.charge(op, ledger);
      n++;
      if (t >= horizon) break;
      const left = cursor.repeats;
      if (left > 0) {
        // The rest of a counted run: the same op `left` more times. Ask the
        // actor whether the copies can be charged at once; if not yet (state
        // still settling, e.g. a site adapting), charge copy by copy and ask
        // again after 1, 2, 4, … more copies.
        let k = 0;
        let nextAsk = 0;
        let gap = 1;
        while (k < left) {
          if (k === nextAsk && actor.repeatCost !== undefined) {
            const c = actor.repeatCost(op, left - k, ledger);
            if (c !== null) {
              const clock = this.clock;
              clock[0] = t;
              const m = advanceFixed(clock, c, left - k, horizon);
              t = clock[0];
              actor.chargeRepeats!(op, m, ledger);
              k += m;
              break;
            }
            nextAsk = k + gap;
            gap *= 2;
          }
          t += actor.charge(op, ledger);
          k++;
          if (t >= horizon) break;
        }
        cursor.take(k);
        n += k;
        if (t >= horizon) break;
      }
      op = cursor.next();
    }
    this.ops += n;
    if (op === null) {
      this.finishedAt = t;
      sim.at(t, this.onDone);
    } else {
      sim.at(t, this.slice);
    }
  };
}

/**
 * Advance `clock[0]` by `cycles` per copy for at most `copies` copies,
 * stopping after the first copy that reaches `horizon`; returns the copies
 * taken. A separate small numeric function so that V8 keeps one optimized
 * version of this loop across runs, whatever the callers' object shapes.
 */
function advanceFixed(clock: Float64Array, cycles: number, copies: number, horizon: number): number {
  let t = clock[0];
  let k = 0;
  while (k < copies) {
    t += cycles;
    k++;
    if (t >= horizon) break;
  }
  clock[0] = t;
  return k;
}
