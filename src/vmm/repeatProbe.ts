// Bulk charging of counted runs for actors whose charge of an operation
// depends on nothing but the operation (apart from counters): charge one copy
// into a scratch ledger, then add that record n times to the real ledger.
// Ledger.canAddCopies decides when that is bit-identical to n charges.
import { Ledger } from './ledger.js';

/** One actor's scratch ledger for recording a single charge. */
export class RepeatProbe {
  private readonly one = new Ledger();

  /**
   * Record one charge made by `chargeOne` (which must charge the scratch
   * ledger it is given and touch no actor state but counters the caller
   * restores); returns its cycles if `copies` more copies can be added to
   * `ledger` exactly, else null.
   */
  probe(ledger: Ledger, copies: number, chargeOne: (scratch: Ledger) => number): number | null {
    this.one.resetLike(ledger);
    const cycles = chargeOne(this.one);
    return ledger.canAddCopies(this.one, copies) ? cycles : null;
  }

  /** Add `n` copies of the recorded charge to `ledger`. */
  replay(ledger: Ledger, n: number): void {
    ledger.addCopies(this.one, n);
  }
}
