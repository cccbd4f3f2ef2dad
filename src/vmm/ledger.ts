// Accumulates what a run was charged: per category a count and cycles, and
// per named cost component (exit, vmreads, decode, …) cycles. Arrays indexed
// by number keep the per-operation path free of hashing.
import { CATEGORIES, type Category } from './categories.js';

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

  /** With `shared`, the per-category totals live in shared memory, so another thread can watch a run (progress display). */
  constructor(shared = false) {
    const bytes = CATEGORIES.length * Float64Array.BYTES_PER_ELEMENT;
    this.counts = new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.cycles = new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /** Charge one operation of category index `cat` costing `cycles`. */
  charge(cat: number, cycles: number): void {
    this.counts[cat]++;
    this.cycles[cat] += cycles;
  }

  /** Charge `n` operations of category `cat` costing `cycles` in all (e.g. a batch of hidden faults). */
  chargeMany(cat: number, n: number, cycles: number): void {
    this.counts[cat] += n;
    this.cycles[cat] += cycles;
  }

  /**
   * True when {@link chargeRun}(cat, n, cycles) for any n ≤ `maxOps` gives
   * bit-for-bit the totals of n single charges: integer cycles and totals
   * that stay within 2^53, where floating-point addition is exact and so
   * does not depend on how the additions are grouped.
   */
  canChargeRun(cat: number, cycles: number, maxOps: number): boolean {
    const total = this.cycles[cat];
    return (
      Number.isInteger(cycles) && cycles >= 0 && Number.isInteger(total) &&
      total + cycles * maxOps <= Number.MAX_SAFE_INTEGER && this.counts[cat] + maxOps <= Number.MAX_SAFE_INTEGER
    );
  }

  /** Charge `n` operations of category `cat` costing `cycles` each; only where {@link canChargeRun} holds. */
  chargeRun(cat: number, n: number, cycles: number): void {
    this.counts[cat] += n;
    this.cycles[cat] += n * cycles;
  }

  /** True when {@link componentRun}(id, n, cycles) for any n ≤ `maxOps` equals n calls of component(id, cycles) bit for bit. */
  canComponentRun(id: number, cycles: number, maxOps: number): boolean {
    const total = this.componentCycles[id];
    return (
      Number.isInteger(cycles) && cycles >= 0 && Number.isInteger(total) &&
      total + cycles * maxOps <= Number.MAX_SAFE_INTEGER && this.componentCounts[id] + maxOps <= Number.MAX_SAFE_INTEGER
    );
  }

  /** Record `n` uses of component `id` costing `cycles` each; only where {@link canComponentRun} holds. */
  componentRun(id: number, n: number, cycles: number): void {
    this.componentCycles[id] += n * cycles;
    this.componentCounts[id] += n;
  }

  /** Charge `cycles` to category `cat` without counting an operation (e.g. translation work). */
  chargeCycles(cat: number, cycles: number): void {
    this.cycles[cat] += cycles;
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
  }

  /** Zero every total and give this ledger `like`'s component ids: a scratch ledger that records one charge. */
  resetLike(like: Ledger): void {
    this.counts.fill(0);
    this.cycles.fill(0);
    const n = like.componentCycles.length;
    if (this.componentCycles.length !== n) {
      this.componentCycles = new Float64Array(n);
      this.componentCounts = new Float64Array(n);
    } else {
      this.componentCycles.fill(0);
      this.componentCounts.fill(0);
    }
  }

  /**
   * True when {@link addCopies}(one, n) for any n ≤ `maxCopies` leaves
   * bit-for-bit the totals that n repeats of the charge recorded in `one`
   * would: every total of `one` an integer and every sum within 2^53.
   */
  canAddCopies(one: Ledger, maxCopies: number): boolean {
    const fits = (total: number, each: number) =>
      each === 0 || (Number.isInteger(each) && each > 0 && Number.isInteger(total) && total + each * maxCopies <= Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < this.counts.length; i++) {
      if (!fits(this.counts[i], one.counts[i]) || !fits(this.cycles[i], one.cycles[i])) return false;
    }
    if (one.componentCycles.length > this.componentCycles.length) return false;
    for (let i = 0; i < one.componentCycles.length; i++) {
      if (!fits(this.componentCounts[i], one.componentCounts[i]) || !fits(this.componentCycles[i], one.componentCycles[i])) return false;
    }
    return true;
  }

  /** Add `n` × every total of `one`; only where {@link canAddCopies} holds. */
  addCopies(one: Ledger, n: number): void {
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i] += n * one.counts[i];
      this.cycles[i] += n * one.cycles[i];
    }
    for (let i = 0; i < one.componentCycles.length; i++) {
      this.componentCounts[i] += n * one.componentCounts[i];
      this.componentCycles[i] += n * one.componentCycles[i];
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
