// Whole loop iterations charged at once. When every operation of a loop
// body is static for a mode (CostActor.isStatic) or in a static form now
// (variantOf ≥ 0), no charge in the iteration changes state another one
// reads, so the iteration's charges are its operations' tapes one after
// another: concatenated into one tape, they add exactly the same numbers to
// the same totals in the same order. The clock advances by the iteration's
// cycles added one operation at a time; inside one binade each addition is
// the same exact step (exactSums.ts), so the end time is one addition when
// the iteration stays inside the binade and ends before the next event (no
// computation in it is cut). Otherwise the runner charges op by op.
import type { Op } from '../workload/ops.js';
import { ITEM, itemCode, type StreamItem } from '../workload/control.js';
import type { OpNode } from '../workload/stream.js';
import { NEVER_STATIC, type CostActor } from './actor.js';
import { ChargeTape } from './chargeTape.js';
import { binadeLow, binadeStep, MIN_NORMAL, stepsBelow } from './exactSums.js';
import type { Ledger } from './ledger.js';

/** Copies of one leaf an iteration may hold (a longer counted run is charged in bulk anyway). */
export const MAX_LEAF_COPIES = 8;
/** Operations an iteration may hold (its tape stays short). */
export const MAX_ITERATION_OPS = 64;
/**
 * Runs of fewer iterations than this are applied one copy at a time: pricing
 * a run at once (Ledger.runLimit, a pass over every total the tape adds to
 * and its binade) costs about what a dozen replays of the tape do. The result
 * is bit-identical either way.
 */
export const MIN_RUN_ITERATIONS = 16;
/** Variant forms an operation may take for an iteration's tape to be found by number (PTE outcomes are 0–2). */
const VARIANT_BASE = 4;
/** Operations with variant forms an iteration may hold: their forms make one key below 2^53. */
const MAX_VARIANT_OPS = 24;
/** Iterations whose tape could not be built (an op not yet charged in that form) before the body is given up. */
const MAX_MISSES = 64;

/** A tape of one iteration in one combination of variant forms, with its clock step for the binade last seen. */
class IterationTape {
  /** Binade [lo, top) whose step is cached, and the step (NaN: some addition is a rounding tie there). */
  private lo = Infinity;
  private top = -Infinity;
  private step = NaN;

  constructor(
    readonly tape: ChargeTape,
    /** Each operation's cycles, in order. */
    private readonly cycles: Float64Array,
  ) {}

  /** The time after the iteration's operations, one addition each, from `t`; NaN when that is not one exact step inside t's binade. */
  endFrom(t: number): number {
    if (!(t >= this.lo && t < this.top)) {
      if (!(t >= MIN_NORMAL && t < Infinity)) return NaN;
      const lo = binadeLow(t);
      this.lo = lo;
      this.top = 2 * lo;
      this.step = binadeStep(this.cycles, 0, this.cycles.length, lo);
    }
    const end = t + this.step;
    return end < this.top ? end : NaN;
  }

  /**
   * How many iterations, 1 to `most`, from `t` (whose first, {@link endFrom}
   * found, ends before `stop`, so at least 1) stay inside t's binade and end
   * before `stop`: each adds the same exact step.
   */
  iterationsFrom(t: number, most: number, stop: number): number {
    return stepsBelow(t, this.step, most, Math.min(this.top, stop));
  }

  /** The time after `m` iterations from `t` (m ≤ what {@link iterationsFrom} allowed): exact. */
  endAfter(t: number, m: number): number {
    return t + m * this.step;
  }
}

/** What is known of one loop body for one actor. */
class IterationPlan {
  /** False when some operation can never be taped, or the body is too long. */
  fusable: boolean;
  /** Its operations, copies expanded, in order. */
  readonly ops: Op[] = [];
  /** Indexes into ops of the operations with variant forms. */
  readonly variantAt: number[] = [];
  readonly tapes = new Map<number, IterationTape>();
  lastKey = -1;
  lastTape: IterationTape | null = null;
  misses = 0;

  constructor(readonly nodes: readonly OpNode[], actor: CostActor) {
    this.fusable = this.flatten(nodes, actor) && this.ops.length >= 2 && this.variantAt.length <= MAX_VARIANT_OPS;
  }

  private flatten(nodes: readonly OpNode[], actor: CostActor): boolean {
    for (const node of nodes) {
      if (node.count <= 0) continue;
      const op = (node as { readonly op?: StreamItem }).op;
      if (op === undefined) {
        const body = (node as { readonly body: readonly OpNode[] }).body;
        for (let c = 0; c < node.count; c++) {
          const before = this.ops.length;
          if (!this.flatten(body, actor)) return false;
          if (this.ops.length === before) break; // a body of no operations: its other copies add none either
        }
        continue;
      }
      const code = (node as { readonly code?: number }).code ?? itemCode(op);
      if ((code & ~ITEM.compute) !== 0 || node.count > MAX_LEAF_COPIES || this.ops.length + node.count > MAX_ITERATION_OPS) return false;
      const asOp = op as Op;
      let variant = false;
      if (actor.isStatic === undefined || !actor.isStatic(asOp)) {
        if (actor.variantOf === undefined || actor.variantOf(asOp) === NEVER_STATIC) return false;
        variant = true;
      }
      for (let c = 0; c < node.count; c++) {
        if (variant) this.variantAt.push(this.ops.length);
        this.ops.push(asOp);
      }
    }
    return true;
  }
}

/**
 * The iteration tapes of one actor. `tapeOf(op, variant)` gives the charge
 * tape the TapedActor holds for an op (in a variant form, or −1 for a
 * static op), or null while it has none.
 */
export class IterationTapes {
  /** Plans by the id of their body's first leaf, checked against the body; other bodies in the map. */
  private readonly byLeaf: IterationPlan[] = [];
  private readonly plans = new Map<readonly OpNode[], IterationPlan>();
  /** Iterations and operations charged last. */
  lastIterations = 0;
  lastOps = 0;
  /** Iterations charged at once so far. */
  charged = 0;

  constructor(
    private readonly actor: CostActor,
    private readonly tapeOf: (op: Op, variant: number) => ChargeTape | null,
  ) {}

  /**
   * Charge one whole iteration of `nodes` (whose first leaf has id `leafId`)
   * and up to `more` further iterations of its loop from time `t`, if they
   * are static now and end, exactly, before `stop`: returns the end time
   * (and leaves the iterations and operations charged in
   * {@link lastIterations} and {@link lastOps}), or NaN when the runner must
   * charge the iteration op by op.
   */
  charge(nodes: readonly OpNode[], leafId: number, more: number, t: number, stop: number, ledger: Ledger): number {
    let plan = leafId >= 0 ? this.byLeaf[leafId] : undefined;
    if (plan === undefined || plan.nodes !== nodes) {
      plan = this.plans.get(nodes);
      if (plan === undefined) {
        plan = new IterationPlan(nodes, this.actor);
        this.plans.set(nodes, plan);
      }
      if (leafId >= 0 && leafId < 1 << 20) this.byLeaf[leafId] = plan;
    }
    if (!plan.fusable) return NaN;
    let key = 0;
    const at = plan.variantAt;
    for (let i = 0; i < at.length; i++) {
      const v = this.actor.variantOf!(plan.ops[at[i]]);
      if (v < 0 || v >= VARIANT_BASE) return NaN;
      key = key * VARIANT_BASE + v;
    }
    let it = plan.lastTape;
    if (key !== plan.lastKey || it === null) {
      it = plan.tapes.get(key) ?? null;
      if (it === null) {
        it = this.build(plan);
        if (it === null) {
          if (++plan.misses > MAX_MISSES) plan.fusable = false;
          return NaN;
        }
        plan.tapes.set(key, it);
      }
      plan.lastKey = key;
      plan.lastTape = it;
    }
    const end = it.endFrom(t);
    if (!(end < stop)) return NaN;
    // No charge of a static iteration moves state: the loop's next iterations take the same forms and
    // tape. As many as stay inside the clock's binade, end before stop and the ledger adds at once exactly.
    let m = more > 0 ? it.iterationsFrom(t, 1 + more, stop) : 1;
    if (m < MIN_RUN_ITERATIONS) {
      // A few copies: applied one by one, which is what a run at once must equal, at less cost than pricing it.
      for (let i = 0; i < m; i++) ledger.apply(it.tape);
    } else {
      m = ledger.runLimit(it.tape, m);
      if (m > 1) ledger.applyRun(it.tape, m);
      else {
        m = 1;
        ledger.apply(it.tape);
      }
    }
    this.lastIterations = m;
    this.lastOps = m * plan.ops.length;
    this.charged += m;
    return m === 1 ? end : it.endAfter(t, m);
  }

  /** The iteration's tape in the variant forms its operations take now: their tapes in order; null while one is missing. */
  private build(plan: IterationPlan): IterationTape | null {
    const tape = new ChargeTape();
    const cycles = new Float64Array(plan.ops.length);
    let next = 0; // index into variantAt of the next op with variant forms
    for (let i = 0; i < plan.ops.length; i++) {
      const op = plan.ops[i];
      let form = -1;
      if (next < plan.variantAt.length && plan.variantAt[next] === i) {
        form = this.actor.variantOf!(op);
        next++;
      }
      const one = this.tapeOf(op, form);
      if (one === null || !(one.cycles >= 0)) return null;
      for (let j = 0; j < one.length; j++) tape.add(one.arrays[j], one.indexes[j], one.amounts[j]);
      tape.effects.push(...one.effects);
      cycles[i] = one.cycles;
    }
    tape.seal(0);
    return new IterationTape(tape, cycles);
  }
}
