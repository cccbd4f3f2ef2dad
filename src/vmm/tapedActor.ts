// Wraps a cost actor so that each static operation (CostActor.isStatic) is
// charged through the actor once, recorded, and replayed from then on: the
// runner's per-operation path becomes a map look-up and a short loop of
// additions instead of a dispatch through the mode's actor. The ledger ends
// bit-identical to calling the actor every time (ChargeTape), and the same
// tape charges a counted run of the operation at once (Ledger.applyRun).
import type { Op } from '../workload/ops.js';
import type { CostActor } from './actor.js';
import { ChargeTape } from './chargeTape.js';
import type { Ledger } from './ledger.js';

/**
 * Operations remembered per actor, taped or not. Workloads reuse a bounded
 * set of operation objects (a trace keeps at most 65,536 distinct ones);
 * operations made on the fly (the rest of a preempted computation) beyond
 * this are charged through the actor, so memory stays bounded.
 */
export const MAX_TAPED_OPS = 65_536;

/** A cost actor whose static operations are replayed from tapes. */
export class TapedActor implements CostActor {
  /** Per operation object: its tape, or null for an operation the actor must charge itself. */
  private readonly tapes = new Map<Op, ChargeTape | null>();

  constructor(readonly inner: CostActor) {}

  charge(op: Op, ledger: Ledger): number {
    const tape = this.tapes.get(op);
    if (tape === undefined) return this.first(op, ledger);
    if (tape === null) return this.inner.charge(op, ledger);
    ledger.apply(tape);
    return tape.cycles;
  }

  /** First sight of `op`: record its charge if it is static, else remember that it is not. */
  private first(op: Op, ledger: Ledger): number {
    if (this.tapes.size >= MAX_TAPED_OPS) return this.inner.charge(op, ledger);
    if (this.inner.isStatic === undefined || !this.inner.isStatic(op)) {
      this.tapes.set(op, null);
      return this.inner.charge(op, ledger);
    }
    const tape = new ChargeTape();
    ledger.record(tape);
    const cycles = this.inner.charge(op, ledger);
    ledger.stopRecording(cycles);
    this.tapes.set(op, tape);
    return cycles;
  }

  /** A taped operation's copies all cost its tape; others are the actor's to price. */
  repeatCost(op: Op, copies: number, ledger: Ledger): number | null {
    const tape = this.tapes.get(op);
    if (tape !== undefined && tape !== null) return ledger.canApplyRun(tape, copies) ? tape.cycles : null;
    return this.inner.repeatCost === undefined ? null : this.inner.repeatCost(op, copies, ledger);
  }

  chargeRepeats(op: Op, n: number, ledger: Ledger): void {
    const tape = this.tapes.get(op);
    if (tape !== undefined && tape !== null) ledger.applyRun(tape, n);
    else this.inner.chargeRepeats!(op, n, ledger);
  }

  metrics(): Record<string, number> {
    return this.inner.metrics?.() ?? {};
  }
}
