// Drives one guest operation stream through a cost actor inside a
// simulation, with temporal decoupling: the stream runs operations inline
// until its local time reaches the next pending event, and only then goes
// through the heap. With nothing else pending, a whole run never touches it.
// Counted runs of one operation skip the cursor per copy and go through
// chargeRun (shared with the guest system's PhysicalCpu), which charges them
// at once when the actor prices every copy the same, with the clock advanced
// exactly as copy-by-copy additions would.
import type { Simulation } from '../engine/simulation.js';
import type { CostActor } from '../vmm/actor.js';
import { TapedActor } from '../vmm/tapedActor.js';
import type { Ledger } from '../vmm/ledger.js';
import { CAT } from '../vmm/categories.js';
import { chargeIterations, chargeRun, MIN_BULK_COPIES } from './chargeRun.js';
import { OpCursor, type ItemSource, type Unrecorded } from '../workload/stream.js';
import { ITEM, type WaitUntilItem } from '../workload/control.js';
import type { Op } from '../workload/ops.js';

/** Runs a cursor's operations on one virtual CPU until it is exhausted. */
export class StreamRunner {
  /** Simulated time at which the stream's last operation completed (NaN while running). */
  finishedAt = NaN;
  /** Operations charged so far. */
  ops = 0;
  /** Scratch cell through which {@link chargeRun} hands back the clock. */
  private readonly clock = new Float64Array(1);
  /** The actor when it replays charge tapes: ops are then found by their leaf's id. */
  private readonly taped: TapedActor | null;
  /** In bulk: {@link chargeIterations}, bound for this runner alone. */
  private readonly iterations: typeof chargeIterations | null;
  /** The cursor when its recorded operations can go through the static lane (an op tree's, with tapes); null otherwise (a trace's). */
  private readonly lane: OpCursor | null;
  /** In bulk, the lane leaves the bulk paths their cues (loop iterations, long counted runs). */
  private readonly laneRun: number;
  /** How the lane charges an operation without a recording: as this loop would (chargeLeaf). */
  private readonly unrecorded: Unrecorded<Ledger> | null;

  constructor(
    private readonly sim: Simulation,
    private readonly cursor: ItemSource,
    private readonly actor: CostActor,
    private readonly ledger: Ledger,
    private readonly onDone: () => void = () => {},
    /** False: charge every copy through charge(), the op-by-op reference the fast paths must equal. */
    private readonly bulk = true,
  ) {
    this.taped = actor instanceof TapedActor ? actor : null;
    // A function of this runner's own (bound), so that the loop's call site sees a new target in every
    // run and the JIT never inlines the iteration path into the loop, whose per-operation path (the
    // actor's charge, inlined) it would otherwise crowd out: 54 -> 45 M ops/s measured, op by op.
    this.iterations = bulk ? chargeIterations.bind(null) : null;
    this.lane = this.taped !== null && cursor instanceof OpCursor ? cursor : null;
    this.laneRun = bulk ? MIN_BULK_COPIES : Infinity;
    this.unrecorded = this.taped?.chargeUnrecorded ?? null;
  }

  /** Begin at the current simulated time. */
  start(): void {
    this.sim.at(this.sim.now, this.slice);
  }

  /** Run inline until the next pending event (or the end), then yield through the heap. */
  private readonly slice = (): void => {
    const { sim, cursor, actor, ledger, clock, taped, iterations, lane } = this;
    const horizon = sim.peekTime();
    let t = sim.now;
    let n = 0;
    let exhausted = false;
    for (;;) {
      if (lane !== null) {
        // Operations that replay a recording, and those that do not but have no copies following (this loop
        // would charge one by chargeLeaf alone), one by one without this loop's dispatch (OpCursor.chargeStatic);
        // a stream's computations are never cut.
        t = lane.chargeStatic(taped!, ledger, t, horizon, this.laneRun, false, this.unrecorded);
        const charged = lane.laneOps;
        n += charged;
        // Having charged nothing, the lane leaves the next op to the loop, which charges one even past the horizon.
        if (charged > 0 && t >= horizon) break;
      }
      const op = cursor.next();
      if (op === null) {
        exhausted = true;
        break;
      }
      const code = cursor.code; // the item's kind bits, not its kind: see control.ts
      if (code === ITEM.waitUntil) {
        const wait = op as WaitUntilItem;
        // A trace timestamp: the stream does not continue before it; the CPU idles meanwhile.
        if (wait.cycles > t) {
          ledger.charge(CAT.idle, wait.cycles - t);
          t = wait.cycles;
        }
        if (t >= horizon) break;
        continue;
      }
      if (code === ITEM.block) throw new Error('a single stream cannot block on a device; use a guest system (processes:)');
      if (taped !== null && iterations !== null) {
        // The first op of a loop iteration: it and the loop's next iterations at once, if static (chargeRun.ts).
        const end = iterations(cursor, taped, t, horizon, ledger);
        if (end === end) {
          t = end;
          n += taped.iterationOps;
          continue;
        }
      }
      t += taped !== null ? taped.chargeLeaf(op as Op, cursor.leafId, ledger) : actor.charge(op as Op, ledger);
      n++;
      if (t >= horizon) break;
      const left = cursor.repeats;
      if (left > 0) {
        // The rest of a counted run: the same op `left` more times (chargeRun.ts).
        if (taped !== null) taped.runFollows(op as Op, cursor.leafId);
        clock[0] = t;
        const k = chargeRun(actor, op as Op, left, ledger, clock, horizon, this.bulk);
        t = clock[0];
        cursor.take(k);
        n += k;
        if (t >= horizon) break;
      }
    }
    this.ops += n;
    if (exhausted) {
      this.finishedAt = t;
      sim.at(t, this.onDone);
    } else {
      sim.at(t, this.slice);
    }
  };
}
