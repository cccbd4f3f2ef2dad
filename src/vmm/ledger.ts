// Accumulates what a run was charged: per category a count and cycles, and
// per named cost component (exit, vmreads, decode, …) cycles. Arrays indexed
// by number keep the per-operation path free of hashing. Actors keep their
// counters (exits, traps, …) here too, so that a recorded charge (a
// ChargeTape) replays everything a charge did.
import { CATEGORIES, type Category } from './categories.js';
import { ACC, COMPILE_AFTER_REPLAYS, ChargeTape, compileCopies, compileTape } from './chargeTape.js';
import type { KernelFn } from './bodyKernel.js';
import { binadeLow, binadeStep, MIN_NORMAL, stepsBelow } from './exactSums.js';

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
    this.tape!.seal(cycles);
    this.tape = null;
  }

  /** Run a compiled loop body (bodyKernel.ts) on `state` against this ledger's totals. */
  runKernel(fn: KernelFn, state: Float64Array, effects: ReadonlyArray<() => void>, variants: ReadonlyArray<() => number>): void {
    fn(this.counts, this.cycles, this.componentCycles, this.componentCounts, this.counterValues, state, effects, variants);
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
   * Up to `k` copies of `tape` from time `clock[0]`, each exactly what
   * {@link apply} does followed by an addition of the tape's cycles to the
   * time, stopping after the first copy whose end reaches `stop`: the copies
   * applied, the new time in `clock[0]`. Once the tape's replay is compiled
   * (by these copies or before), its loop over copies is too
   * (ChargeTape.copies), and one call runs the rest.
   */
  applyCopies(tape: ChargeTape, k: number, clock: Float64Array, stop: number): number {
    const cycles = tape.cycles;
    let t = clock[0];
    let j = 0;
    // Copy by copy until the tape's replay is compiled (a long run compiles it after its first few copies);
    // then the compiled loop over copies, made once per tape, takes the rest.
    while (tape.copies === null) {
      if (tape.replay !== null) {
        tape.copies = compileCopies(tape);
        break;
      }
      if (j >= k) {
        clock[0] = t;
        return j;
      }
      this.apply(tape);
      t += cycles;
      j++;
      if (t >= stop) {
        clock[0] = t;
        return j;
      }
    }
    clock[0] = t;
    return j + tape.copies(this.counts, this.cycles, this.componentCycles, this.componentCounts, this.counterValues, tape.effects, k - j, clock, stop);
  }

  /**
   * How many copies of `tape`, at most `maxCopies`, {@link applyRun} can add
   * at once leaving bit for bit what as many calls of {@link apply} would
   * (0: none now). Each total the tape adds to allows: with whole amounts and
   * a whole total, the copies that keep it within 2^53 (integer sums are
   * exact in any grouping); otherwise the copies that keep it inside its
   * binade, where each copy adds the same exact step (exactSums.ts). Leaves
   * those steps in the tape for the applyRun that follows.
   */
  runLimit(tape: ChargeTape, maxCopies: number): number {
    if (!tape.runnable) return 0;
    const acc = this.accumulators;
    const g = tape.totals ?? tape.grouped();
    const { runSteps } = g;
    let m = maxCopies;
    for (let s = 0; s < g.arrays.length && m > 0; s++) {
      const total = acc[g.arrays[s]][g.indexes[s]];
      const sum = g.sums[s];
      if (sum === 0) {
        runSteps[s] = 0; // amounts all zero: the total never moves
        continue;
      }
      if (g.whole[s] === 1 && Number.isInteger(total) && total >= 0) {
        // Whole sums: exact up to 2^53 (one copy of slack for the rounded division).
        // Most runs are far below it: m + 1 copies fit, compared exactly (a product
        // above 2^53 rounds to 2^53 or more, above the bound), and the division
        // would leave m as it is.
        if ((m + 1) * sum > Number.MAX_SAFE_INTEGER - total) m = Math.min(m, Math.max(0, Math.floor((Number.MAX_SAFE_INTEGER - total) / sum) - 1));
        runSteps[s] = sum;
        continue;
      }
      if (!(total >= MIN_NORMAL && total < Infinity)) return 0;
      const lo = binadeLow(total);
      // The step depends only on the binade and the tape's amounts: found again only when the total has left the binade it was found for.
      let step = g.binadeSteps[s];
      if (g.binadeLows[s] !== lo) {
        step = binadeStep(g.amounts, g.start[s], g.end[s], lo);
        if (!(step >= 0 && 2 * lo < Infinity)) return 0;
        g.binadeLows[s] = lo;
        g.binadeSteps[s] = step;
      }
      runSteps[s] = step;
      if (step > 0) m = stepsBelow(total, step, m, 2 * lo);
    }
    return m;
  }

  /** Add `n` copies of `tape` at once, right after {@link runLimit} allowed at least n (effects are idempotent: run once). */
  applyRun(tape: ChargeTape, n: number): void {
    if (n <= 0) return;
    const acc = this.accumulators;
    const { arrays, indexes, runSteps } = tape.totals!;
    for (let s = 0; s < arrays.length; s++) acc[arrays[s]][indexes[s]] += n * runSteps[s];
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

  /** The id of the component named `name`, or −1 while it is not interned (unlike {@link componentId}, this interns nothing). */
  internedComponentId(name: string): number {
    return this.componentIds.get(name) ?? -1;
  }

  /** How many components are interned: ids below it are taken, and it grows only when one is added. */
  get componentsInterned(): number {
    return this.componentIds.size;
  }

  /** Occurrences recorded so far of the component with id `id` (an id {@link internedComponentId} gave). */
  componentCountOf(id: number): number {
    return this.componentCounts[id];
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
