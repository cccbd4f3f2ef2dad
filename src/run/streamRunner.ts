// Drives one guest operation stream through a cost actor inside a
// simulation, with temporal decoupling: the stream runs operations inline
// until its local time reaches the next pending event, and only then goes
// through the heap. With nothing else pending, a whole run never touches it.
import type { Simulation } from '../engine/simulation.js';
import type { CostActor } from '../vmm/actor.js';
import type { Ledger } from '../vmm/ledger.js';
import type { OpCursor } from '../workload/stream.js';

/** Runs a cursor's operations on one virtual CPU until it is exhausted. */
export class StreamRunner {
  /** Simulated time at which the stream's last operation completed (NaN while running). */
  finishedAt = NaN;
  /** Operations charged so far. */
  ops = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly cursor: OpCursor,
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
      t += actor.charge(op, ledger);
      n++;
      if (t >= horizon) break;
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
