// A workload body as a tree of counted runs, and the lazy cursor that walks
// it one operation at a time. Memory is proportional to the tree, never to
// the number of operations produced.
import { ITEM, itemCode, type StreamItem } from './control.js';

/**
 * A counted run of one operation, or a counted loop over child nodes. A leaf
 * made by {@link leaf} carries its item's ITEM bits (`code`); one written
 * without them (in a test) gets them computed as it is reached.
 */
export type OpNode =
  | { readonly op: StreamItem; readonly count: number; readonly code?: number; readonly id?: number }
  | { readonly body: readonly OpNode[]; readonly count: number };

/**
 * A leaf: `count` copies of `op`, with its ITEM bits and `id`, a number the
 * workload compiler gives each leaf it makes (−1: none), by which a runner's
 * charge tapes find the op without hashing it (TapedActor.chargeLeaf).
 */
export function leaf(op: StreamItem, count: number, id = -1): OpNode {
  return { op, count, code: itemCode(op), id };
}

/**
 * An ItemSource's leafId for an item that is charged once and never met
 * again (a trace line whose operation occurs once in the trace, with no
 * copies): a runner charges it as any other, and the taped actor charges it
 * through its actor without remembering it (a tape is made on a second
 * charge, which never comes).
 */
export const ONCE_LEAF = -2;

/** Anything that yields stream items one at a time (an op tree cursor, a trace reader). */
export interface ItemSource {
  /** The next item, or null when the stream is exhausted. */
  next(): StreamItem | null;
  /** Copies of the item last returned that follow it at once (the rest of a counted run). */
  readonly repeats: number;
  /** Consume `n` (≤ repeats) of those copies, as n calls of next() would. */
  take(n: number): void;
  /** The ITEM bits (control.ts) of the item next() last returned. */
  readonly code: number;
  /** The id of the leaf next() last took its item from (see {@link leaf}); −1 when it has none; {@link ONCE_LEAF} for an item met once. */
  readonly leafId: number;
  /**
   * The node list of a loop (or body) when the item next() last returned is
   * the first copy of its first leaf, so a whole iteration of it starts
   * there; else null. A runner may then charge the iteration at once and
   * {@link skipIterations}.
   */
  readonly iterationStart: readonly OpNode[] | null;
  /** Iterations of that loop still to start after the current one. */
  readonly iterationsLeft: number;
  /**
   * Consume the rest of the iteration {@link iterationStart} gave and
   * `iterations − 1` (≤ {@link iterationsLeft}) whole iterations after it,
   * `rest` operations in all, as that many calls of next() would.
   */
  skipIterations(iterations: number, rest: number): void;
}

/**
 * The state a compiled loop body (TapedActor.kernelFor, bodyKernel.ts) reads
 * and writes, slots of a Float64Array: the clock and the stop; the node it
 * is at and the copies of it still to charge (0: it has not begun); the
 * loop's iterations still to start; operations charged so far by the lane
 * call; whether computations may be cut; the bulk cue (see chargeStatic);
 * and, when it stopped inside a loop node (index), that loop's node, copies
 * still to charge and iterations still to start.
 */
export const KERNEL_STATE = { t: 0, stop: 1, index: 2, rem: 3, left: 4, ops: 5, cuts: 6, maxRun: 7, inChild: 8, cj: 9, crem: 10, cleft: 11 } as const;

/** The kernels' state, one for the thread: a kernel runs to its end before the next starts. */
const KERNEL_SCRATCH = new Float64Array(12);

/** Charges an operation from a recording of its charge, if it has one (TapedActor.chargeStatic). */
export interface StaticCharger<L> {
  /** Charge `op`, taken from the leaf with id `leafId`, into `ledger` and return its cycles; NaN, charging nothing, when it has no recording. */
  chargeStatic(leafId: number, op: StreamItem, ledger: L): number;
  /**
   * Right after chargeStatic charged `op` (from the leaf `leafId`) from its
   * recording: charge up to `left` further copies of it as that many
   * chargeStatic calls would, from time `t`, stopping after the first copy
   * whose end reaches `stop`. Returns the new time, the copies charged in
   * {@link copiesCharged}.
   */
  chargeStaticCopies(leafId: number, op: StreamItem, ledger: L, t: number, stop: number, left: number): number;
  /** Copies the last chargeStaticCopies charged. */
  readonly copiesCharged: number;
  /**
   * A compiled form of the loop body `nodes` when it is flat and every
   * operation of it replays a recording; null when it has none; undefined
   * when that is not known yet (an operation of it was not charged yet):
   * ask again where an iteration begins.
   */
  kernelFor(nodes: readonly OpNode[]): LaneKernel | null | undefined;
  /** Run a kernel kernelFor gave on `state` (KERNEL_STATE) into `ledger`. */
  runKernel(kernel: LaneKernel, ledger: L, state: Float64Array): void;
}

/**
 * How a runner charges an operation without a recording, taken from the
 * leaf with id `leafId`, into `ledger`: its cycles (OpCursor.chargeStatic's
 * `unrecorded`; TapedActor.chargeUnrecorded).
 */
export type Unrecorded<L> = (op: StreamItem, leafId: number, ledger: L) => number;

/** What the lane knows of a compiled body. */
export interface LaneKernel {
  /** Operations in one iteration of the body (its counts summed). */
  readonly opsPerIteration: number;
  /** It has loop nodes, and runs op by op only. */
  readonly perOpOnly: boolean;
}

/**
 * A compiled body is entered only when it may charge at least this many
 * operations (op by op: the loop's iterations left; in bulk: one
 * iteration): entering one (its state written and read back) costs about
 * what the lane spends on a few operations.
 */
export const MIN_KERNEL_OPS = 8;

/**
 * Yields the operations of a node list in order; `null` when exhausted.
 * The loop stack is kept in parallel arrays whose slots are reused, so
 * walking a tree allocates nothing after the deepest loop was first entered.
 */
/** The node list of a cursor that has not entered one. */
const NO_NODES: readonly OpNode[] = Object.freeze([]);

export class OpCursor implements ItemSource {
  /** Node list, next index and iterations left of each open loop below the innermost one (outermost first). */
  private readonly stackNodes: Array<readonly OpNode[]> = [];
  private readonly stackIndex: number[] = [];
  private readonly stackLeft: number[] = [];
  /** Number of open loops, the innermost included. */
  private depth = 0;
  /** The innermost open loop, kept in fields rather than on the stack: its node list, next index, iterations still to start after the current one. */
  private nodes: readonly OpNode[] = NO_NODES;
  private index = 0;
  private left = 0;
  private leafOp: StreamItem | null = null;
  private leafLeft = 0;
  /** The ITEM bits of the item next() last returned. */
  code = 0;
  /** The id of its leaf (−1: none). */
  leafId = -1;
  /** Operations produced so far. */
  produced = 0;
  /** Operations the last {@link chargeStatic} charged. */
  laneOps = 0;
  /** The item advance() last took was given back by chargeStatic: next() returns it again. */
  private held = false;
  /** The compiled form of {@link nodes} (null: none; undefined: not looked up since it was entered), and of each list on the stack. */
  private kernel: LaneKernel | null | undefined = undefined;
  private readonly stackKernel: Array<LaneKernel | null | undefined> = [];

  constructor(root: readonly OpNode[], repeat = 1) {
    this.reset(root, repeat);
  }

  /**
   * Start on `root`, as the constructor does: a guest system reuses the
   * cursor of finished kernel work or of a finished request this way instead
   * of allocating one. (The loop stack's slots beyond the depth are never
   * read before push() writes them.)
   */
  reset(root: readonly OpNode[], repeat = 1): this {
    this.depth = 0;
    this.nodes = NO_NODES;
    this.index = 0;
    this.left = 0;
    this.leafOp = null;
    this.leafLeft = 0;
    this.code = 0;
    this.leafId = -1;
    this.produced = 0;
    this.laneOps = 0;
    this.held = false;
    this.kernel = undefined;
    if (repeat > 0 && root.length > 0) this.push(root, repeat - 1);
    return this;
  }

  /**
   * Copies of the operation last returned by {@link next} that follow it
   * immediately (the rest of its counted run). A runner may consume them in
   * bulk with {@link take} instead of calling next() once per copy.
   */
  get repeats(): number {
    return this.leafLeft;
  }

  /** Consume `n` (0 ≤ n ≤ {@link repeats}) copies of the last operation, as n calls of next() would. */
  take(n: number): void {
    if (!(n >= 0 && n <= this.leafLeft)) throw new RangeError(`cannot take ${n} of ${this.leafLeft} repeats`);
    this.leafLeft -= n;
    this.produced += n;
  }

  get iterationStart(): readonly OpNode[] | null {
    const nodes = this.nodes;
    if (this.index !== 1 || nodes.length < 2 || this.depth === 0) return null;
    const first = nodes[0] as { readonly op?: StreamItem; readonly count: number };
    return first.op === this.leafOp && this.leafLeft === first.count - 1 ? nodes : null;
  }

  get iterationsLeft(): number {
    return this.left;
  }

  skipIterations(iterations: number, rest: number): void {
    if (this.iterationStart === null || !(iterations >= 1 && iterations - 1 <= this.left)) throw new RangeError(`cannot skip ${iterations} iterations here`);
    this.leafLeft = 0;
    this.index = this.nodes.length;
    this.left -= iterations - 1;
    this.produced += rest;
  }

  /** The next operation, or null when the body is exhausted. */
  next(): StreamItem | null {
    if (this.held) {
      this.held = false;
      this.produced++;
      return this.leafOp;
    }
    if (this.leafLeft > 0) {
      this.leafLeft--;
      this.produced++;
      return this.leafOp;
    }
    return this.advance();
  }

  /**
   * The static lane, a runner's per-operation path without its per-operation
   * dispatch: from time `t`, take the next operations one at a time and
   * charge each through `charger` (its recorded charge), advancing the time
   * by each one's cycles, until the time reaches `stop`, the stream ends, or
   * the next operation is one the runner must see: a scheduler instruction,
   * an address-space switch, with `cuts` a computation that would cross
   * `stop` (the runner cuts it there, unless it is a further copy of a run
   * the lane is charging), an operation without a recording (unless the
   * runner passes `unrecorded`, the one call its loop would charge such an
   * operation by: a single stream's TapedActor.chargeLeaf; the lane then
   * charges it by that call when no copies of it follow), or, with
   * `maxRun` finite (the runner charges in bulk), the first operation of a
   * loop iteration or one followed by `maxRun` or more copies (the bulk
   * paths' cues). That operation is not consumed: next() returns it. Returns
   * the new time, with the operations charged in {@link laneOps}. Exactly
   * what the runner's loop would have charged, in the same order. A flat
   * loop body whose operations all replay recordings, with at least
   * {@link MIN_KERNEL_OPS} operations to give, is charged by its compiled
   * form (bodyKernel.ts), which does the same one operation at a time.
   */
  chargeStatic<L>(charger: StaticCharger<L>, ledger: L, t: number, stop: number, maxRun: number, cuts: boolean, unrecorded: Unrecorded<L> | null = null): number {
    let n = 0;
    // The compiled form of the current list is looked for where the lane starts and where an iteration of a list begins.
    let tryKernel = true;
    while (!this.held) {
      if (tryKernel) {
        tryKernel = false;
        let kernel = this.kernel;
        if (kernel === undefined) kernel = this.kernel = charger.kernelFor(this.nodes);
        // Op by op it walks the loop's iterations; in bulk it ends at the next iteration start, and does not begin at one.
        const worth = kernel !== null && kernel !== undefined &&
          (maxRun === Infinity
            ? (this.left + 1) * kernel.opsPerIteration >= MIN_KERNEL_OPS
            : !kernel.perOpOnly && kernel.opsPerIteration >= MIN_KERNEL_OPS && (this.index > 0 || this.leafLeft > 0));
        if (worth) {
          // A flat body whose operations all replay recordings: its compiled form charges them (bodyKernel.ts).
          t = this.runKernel(kernel!, charger, ledger, t, stop, maxRun, cuts, n);
          n = this.laneOps;
          if (t >= stop) break;
          // It stopped at an operation the lane must look at, or at the body's end: the next step the lane's own.
          continue;
        }
      }
      let op: StreamItem | null;
      const copy = this.leafLeft > 0;
      if (copy) {
        this.leafLeft--;
        op = this.leafOp!;
      } else {
        op = this.advance();
        if (op === null) break;
      }
      const code = this.code;
      if (
        // A computation is cut at `stop` only where a runner's loop would cut it (with `cuts`: a task's, not
        // interrupt work's): when it takes it through next(), not as a further copy of the counted run it
        // just charged (chargeRun charges those whole).
        (code !== 0 && (code !== ITEM.compute || (cuts && (n === 0 || !copy) && t + (op as { readonly cycles: number }).cycles > stop))) ||
        (maxRun !== Infinity && (this.leafLeft >= maxRun || (!copy && this.iterationStart !== null)))
      ) {
        this.giveBack(copy);
        break;
      }
      let cycles = charger.chargeStatic(this.leafId, op, ledger);
      if (cycles !== cycles) {
        // A run of copies goes to the runner, whose chargeRun charges them in the actor's own loop (chargeCopies).
        if (unrecorded === null || this.leafLeft > 0) {
          this.giveBack(copy);
          break;
        }
        cycles = unrecorded(op, this.leafId, ledger);
      }
      if (copy) this.produced++;
      t += cycles;
      n++;
      if (t >= stop) break;
      if (!copy && this.index === 1) tryKernel = true;
      else if (code === 0 && this.leafLeft > 0) {
        // Further copies of an operation charged from its recording: each would pass the checks above as this
        // one did (a copy is never a cue, and a recorded form stays the op's form while only its copies are
        // charged), so the charger replays them in a loop of its own.
        t = charger.chargeStaticCopies(this.leafId, op, ledger, t, stop, this.leafLeft);
        const k = charger.copiesCharged;
        this.leafLeft -= k;
        this.produced += k;
        n += k;
        if (t >= stop) break;
      }
    }
    this.laneOps = n;
    return t;
  }

  /** Run `kernel`, the compiled form of {@link nodes}, from where the cursor is, and leave the cursor where it stopped: the new time, the lane's operations in {@link laneOps}. */
  private runKernel<L>(kernel: LaneKernel, charger: StaticCharger<L>, ledger: L, t: number, stop: number, maxRun: number, cuts: boolean, n: number): number {
    const st = KERNEL_SCRATCH;
    const S = KERNEL_STATE;
    st[S.t] = t;
    st[S.stop] = stop;
    st[S.index] = this.leafLeft > 0 ? this.index - 1 : this.index;
    st[S.rem] = this.leafLeft;
    st[S.left] = this.left;
    st[S.ops] = n;
    st[S.cuts] = cuts ? 1 : 0;
    st[S.maxRun] = maxRun;
    charger.runKernel(kernel, ledger, st);
    const i = st[S.index];
    const rem = st[S.rem];
    this.left = st[S.left];
    this.produced += st[S.ops] - n;
    this.laneOps = st[S.ops];
    if (st[S.inChild] !== 0) {
      // Inside the loop node i: past it in this list, and into it, as advance() would have entered it.
      this.index = i + 1;
      this.leafLeft = 0;
      const body = (this.nodes[i] as { readonly body: readonly OpNode[] }).body;
      this.push(body, st[S.cleft]);
      this.setAt(st[S.cj], st[S.crem]);
      return st[S.t];
    }
    this.setAt(i, rem);
    return st[S.t];
  }

  /** Leave the cursor at node `i` of the current list with `rem` copies of it still to give (0: the node has not begun). */
  private setAt(i: number, rem: number): void {
    if (rem > 0) {
      // Inside the counted run of node i: as if next() had returned one of its copies.
      const node = this.nodes[i] as { readonly op: StreamItem; readonly code?: number; readonly id?: number };
      this.index = i + 1;
      this.leafOp = node.op;
      this.code = node.code ?? itemCode(node.op);
      this.leafId = node.id ?? -1;
    } else this.index = i;
    this.leafLeft = rem;
  }

  /** Undo taking the operation chargeStatic took last (a copy of the current run, or a leaf advance() reached). */
  private giveBack(copy: boolean): void {
    if (copy) this.leafLeft++;
    else {
      this.held = true;
      this.produced--;
    }
  }

  private push(nodes: readonly OpNode[], left: number): void {
    if (this.depth > 0) {
      const d = this.depth - 1;
      this.stackNodes[d] = this.nodes;
      this.stackIndex[d] = this.index;
      this.stackLeft[d] = this.left;
      this.stackKernel[d] = this.kernel;
    }
    this.depth++;
    this.nodes = nodes;
    this.index = 0;
    this.left = left;
    this.kernel = undefined;
  }

  private pop(): void {
    const d = --this.depth - 1;
    if (d >= 0) {
      this.nodes = this.stackNodes[d];
      this.index = this.stackIndex[d];
      this.left = this.stackLeft[d];
      this.kernel = this.stackKernel[d];
    } else this.kernel = null; // exhausted
  }

  private advance(): StreamItem | null {
    while (this.depth > 0) {
      const nodes = this.nodes;
      const index = this.index;
      if (index >= nodes.length) {
        if (this.left > 0) {
          this.left--;
          this.index = 0;
        } else {
          this.pop();
        }
        continue;
      }
      this.index = index + 1;
      const node = nodes[index];
      const count = node.count;
      if (count <= 0) continue;
      const op = (node as { readonly op?: StreamItem }).op;
      if (op !== undefined) {
        this.leafOp = op;
        this.code = (node as { readonly code?: number }).code ?? itemCode(op);
        this.leafId = (node as { readonly id?: number }).id ?? -1;
        this.leafLeft = count - 1;
        const left = this.left;
        if (nodes.length === 1 && left > 0 && count * (left + 1) <= Number.MAX_SAFE_INTEGER) {
          // A loop whose whole body is one counted run is one longer run:
          // hand it out as such, so runners see every copy as a repeat.
          this.leafLeft = count * (left + 1) - 1;
          this.left = 0;
        }
        this.produced++;
        return op;
      }
      const body = (node as { readonly body: readonly OpNode[] }).body;
      if (body.length > 0) this.push(body, count - 1);
    }
    return null;
  }
}

/**
 * Total operations a node list yields when repeated `repeat` times. Composite
 * bodies are shared between their uses, so the tree is really a DAG; each
 * distinct body is counted once, which keeps this linear in the size of the
 * definitions even when the expansion is astronomically long.
 */
export function countOps(nodes: readonly OpNode[], repeat = 1): number {
  return leafSum(nodes, () => 1, new Map()) * repeat;
}

/**
 * Memory accesses a node list makes when repeated `repeat` times (each
 * `memory` operation stands for `accesses` of them; the MMU model simulates
 * every one, so they cost like operations). Linear in the definitions, as
 * {@link countOps}.
 */
export function countAccesses(nodes: readonly OpNode[], repeat = 1): number {
  return leafSum(nodes, accessesOf, new Map()) * repeat;
}

/**
 * Cycles of the computations (`compute` operations) a node list holds when
 * repeated `repeat` times: their native time, which every mode but the
 * interpreter (whose speed is its parameter) matches or exceeds. Linear in
 * the definitions, as {@link countOps}.
 */
export function countComputeCycles(nodes: readonly OpNode[], repeat = 1): number {
  return leafSum(nodes, computeCyclesOf, new Map()) * repeat;
}

/** Memory accesses one copy of `op` makes (what countAccesses sums). */
export const accessesOf = (op: StreamItem): number => (op.kind === 'memory' ? op.accesses : 0);

/** Cycles of computation one copy of `op` stands for (what countComputeCycles sums). */
export const computeCyclesOf = (op: StreamItem): number => (op.kind === 'compute' ? op.cycles : 0);

/** Σ over the leaves of `nodes` of count × perCopy(op), each distinct body summed once (`memo`). */
function leafSum(nodes: readonly OpNode[], perCopy: (op: StreamItem) => number, memo: Map<readonly OpNode[], number>): number {
  const known = memo.get(nodes);
  if (known !== undefined) return known;
  let n = 0;
  for (const node of nodes) n += 'op' in node ? perCopy(node.op) * node.count : leafSum(node.body, perCopy, memo) * node.count;
  memo.set(nodes, n);
  return n;
}
