// Accumulates what a run was charged: per category a count and cycles, and
// per named cost component (exit, vmreads, decode, …) cycles. Arrays indexed
// by number keep the per-operation path free of hashing. Actors keep their
// counters (exits, traps, …) here too, so that a recorded charge (a
// ChargeTape) replays everything a charge did.
import { CATEGORIES, type Category } from './categories.js';
import { ACC, COMPILE_AFTER_REPLAYS, ChargeTape, compileTape } from './chargeTape.js';

/** Per-category totals of one run. */
export interface CategoryTotal {
  count: number;
  cycles: number;
}

/** Where one run's cycles went. */
export class Ledger {
  readonly counts: Float64Array;
  readonly cycles: Float64Array;
  private readonly componentIds = new Map<string, number>();
  // Typed arrays grown by doubling when a name is interned, so the hot path
  // is a plain indexed add on a float array.
  private componentCycles = new Float64Array(32);
  private componentCounts = new Float64Array(32);
  /** Actors' counters ({@link newCounter}): not categories, not components; reported by the actors' metrics. */
  private counterValues = new Float64Array(16);
  private counterCount = 0;
  /** The arrays a ChargeTape entry adds to, indexed by ACC (rebuilt when one grows). */
  private accumulators: Float64Array[];
  /** While a charge is recorded: the tape every addition and effect is also written to. */
  private tape: ChargeTape | null = null;

  /** With `shared`, the per-category totals live in shared memory, so another thread can watch a run (progress display). */
  constructor(shared = false) {
    const bytes = CATEGORIES.length * Float64Array.BYTES_PER_ELEMENT;
    this.counts = new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.cycles = new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.accumulators = this.arrays();
  }

  private arrays(): Float64Array[] {
    const a: Float64Array[] = [];
    a[ACC.counts] = this.counts;
    a[ACC.cycles] = this.cycles;
    a[ACC.componentCycles] = this.componentCycles;
    a[ACC.componentCounts] = this.componentCounts;
    a[ACC.counters] = this.counterValues;
    return a;
  }

  /** Charge one operation of category index `cat` costing `cycles`. */
  charge(cat: number, cycles: number): void {
    this.counts[cat]++;
    this.cycles[cat] += cycles;
    const tape = this.tape;
    if (tape !== null) {
      tape.add(ACC.counts, cat, 1);
      tape.add(ACC.cycles, cat, cycles);
    }
  }

  /** Charge `n` operations of category `cat` costing `cycles` in all (e.g. a batch of hidden faults). */
  chargeMany(cat: number, n: number, cycles: number): void {
    this.counts[cat] += n;
    this.cycles[cat] += cycles;
    const tape = this.tape;
    if (tape !== null) {
      tape.add(ACC.counts, cat, n);
      tape.add(ACC.cycles, cat, cycles);
    }
  }

  /** A new counter of an actor's (exits, traps, …), zero; each call gives a fresh one, so actors sharing a ledger keep their own. */
  newCounter(): number {
    const id = this.counterCount++;
    if (id >= this.counterValues.length) {
      const v = new Float64Array(2 * this.counterValues.length);
      v.set(this.counterValues);
      this.counterValues = v;
      this.accumulators = this.arrays();
    }
    return id;
  }

  /** Add `n` to counter `id`. */
  count(id: number, n: number): void {
    this.counterValues[id] += n;
    if (this.tape !== null) this.tape.add(ACC.counters, id, n);
  }

  /** The value of counter `id`. */
  counter(id: number): number {
    return this.counterValues[id];
  }

  /**
   * Run a side effect of a charge on simulated hardware state (an exit
   * flushing the TLB) through the ledger, so that a recorded charge replays
   * it. `effect` must be idempotent: calling it twice in a row changes
   * nothing more than calling it once.
   */
  effect(effect: () => void): void {
    effect();
    if (this.tape !== null) this.tape.effects.push(effect);
  }

  /** Record every addition and effect into `tape` (emptied first) until {@link stopRecording}. */
  record(tape: ChargeTape): void {
    tape.length = 0;
    tape.effects.length = 0;
    this.tape = tape;
  }

  /** Stop recording; `cycles` is what the recorded charge returned. */
  stopRecording(cycles: number): void {
    const tape = this.tape!;
    tape.cycles = cycles;
    let whole = Number.isInteger(cycles) && cycles >= 0;
    let sum = 0;
    for (let i = 0; i < tape.length; i++) {
      const a = tape.amounts[i];
      if (!(Number.isInteger(a) && a >= 0)) whole = false;
      sum += a;
    }
    tape.wholeAmounts = whole;
    tape.amountSum = sum;
    tape.replay = null;
    tape.coldReplays = 0;
    this.tape = null;
  }

  /** Add what `tape` recorded, in its order, and run its effects: exactly what the recorded charge did. */
  apply(tape: ChargeTape): void {
    const replay = tape.replay;
    if (replay !== null) replay(this.counts, this.cycles, this.componentCycles, this.componentCounts, this.counterValues);
    else {
      const acc = this.accumulators;
      const { arrays, indexes, amounts } = tape;
      for (let i = 0, n = tape.length; i < n; i++) acc[arrays[i]][indexes[i]] += amounts[i];
      if (++tape.coldReplays >= COMPILE_AFTER_REPLAYS) tape.replay = compileTape(tape);
    }
    const effects = tape.effects;
    for (let i = 0; i < effects.length; i++) effects[i]();
  }

  /**
   * True when {@link applyRun}(tape, n) for any n ≤ `maxCopies` leaves
   * bit-for-bit what n calls of {@link apply} would: every amount and every
   * total it touches a whole number, and every total within 2^53 after
   * the copies (where addition is exact, so grouping does not matter).
   */
  canApplyRun(tape: ChargeTape, maxCopies: number): boolean {
    if (!tape.wholeAmounts) return false;
    const grow = tape.amountSum * maxCopies;
    if (!(grow <= Number.MAX_SAFE_INTEGER)) return false;
    const acc = this.accumulators;
    const { arrays, indexes } = tape;
    for (let i = 0; i < tape.length; i++) {
      const total = acc[arrays[i]][indexes[i]];
      if (!Number.isInteger(total) || total + grow > Number.MAX_SAFE_INTEGER) return false;
    }
    return true;
  }

  /** {@link apply} `n` times at once; only where {@link canApplyRun} holds (effects are idempotent: run once). */
  applyRun(tape: ChargeTape, n: number): void {
    if (n <= 0) return;
    const acc = this.accumulators;
    const { arrays, indexes, amounts } = tape;
    for (let i = 0; i < tape.length; i++) acc[arrays[i]][indexes[i]] += n * amounts[i];
    const effects = tape.effects;
    for (let i = 0; i < effects.length; i++) effects[i]();
  }

  /** Charge `cycles` to category `cat` without counting an operation (e.g. translation work). */
  chargeCycles(cat: number, cycles: number): void {
    this.cycles[cat] += cycles;
    if (this.tape !== null) this.tape.add(ACC.cycles, cat, cycles);
  }

  /** Intern a component name once; pass the id to {@link component} on the hot path. */
  componentId(name: string): number {
    let id = this.componentIds.get(name);
    if (id === undefined) {
      id = this.componentIds.size;
      this.componentIds.set(name, id);
      if (id >= this.componentCycles.length) {
        const cycles = new Float64Array(2 * this.componentCycles.length);
        cycles.set(this.componentCycles);
        this.componentCycles = cycles;
        const counts = new Float64Array(2 * this.componentCounts.length);
        counts.set(this.componentCounts);
        this.componentCounts = counts;
        this.accumulators = this.arrays();
      }
    }
    return id;
  }

  /**
   * Record `cycles` spent in component `id` by `count` occurrences (a batch of
   * hidden faults records its exits at once). Components explain categories;
   * they do not add to totals.
   */
  component(id: number, cycles: number, count = 1): void {
    this.componentCycles[id] += cycles;
    this.componentCounts[id] += count;
    const tape = this.tape;
    if (tape !== null) {
      tape.add(ACC.componentCycles, id, cycles);
      tape.add(ACC.componentCounts, id, count);
    }
  }

  /** Total cycles over all categories. */
  totalCycles(): number {
    let s = 0;
    for (const c of this.cycles) s += c;
    return s;
  }

  /** Category totals keyed by name, omitting categories that were never charged. */
  categories(): Partial<Record<Category, CategoryTotal>> {
    const out: Partial<Record<Category, CategoryTotal>> = {};
    CATEGORIES.forEach((name, i) => {
      if (this.counts[i] !== 0 || this.cycles[i] !== 0) out[name] = { count: this.counts[i], cycles: this.cycles[i] };
    });
    return out;
  }

  /** Occurrences recorded so far of the component named `name` (0 when never interned); a map look-up, not for the hot path. */
  componentCount(name: string): number {
    const id = this.componentIds.get(name);
    return id === undefined ? 0 : this.componentCounts[id];
  }

  /** Component totals keyed by name, in interning order, omitting components never charged. */
  components(): Record<string, { count: number; cycles: number }> {
    const out: Record<string, { count: number; cycles: number }> = {};
    for (const [name, id] of this.componentIds) {
      if (this.componentCounts[id] === 0) continue;
      out[name] = { count: this.componentCounts[id], cycles: this.componentCycles[id] };
    }
    return out;
  }
}
