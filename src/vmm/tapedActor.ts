// Wraps a cost actor so that each static operation (CostActor.isStatic) is
// charged through the actor twice, recorded the second time (an operation
// charged once is never worth a tape), and replayed from then on: the
// runner's per-operation path becomes a map look-up and a compiled run of
// additions instead of a dispatch through the mode's actor. The ledger ends
// bit-identical to calling the actor every time (ChargeTape), and the same
// tape charges a counted run of the operation at once (Ledger.applyRun).
// Operations whose charge takes one of a few state-dependent forms
// (CostActor.variantOf) keep a tape per form.
import { TransientCompute, type Op } from '../workload/ops.js';
import { ITEM, itemCode, type StreamItem } from '../workload/control.js';
import { KERNEL_STATE, ONCE_LEAF, type OpNode, type StaticCharger, type Unrecorded } from '../workload/stream.js';
import { NEVER_STATIC, type CostActor, type RepeatQuote } from './actor.js';
import { compileKernel, MAX_KERNEL_LEAVES, type BodyKernel, type KernelLeaf, type KernelNode } from './bodyKernel.js';
import { ChargeTape } from './chargeTape.js';
import { IterationTapes } from './iterationTapes.js';
import type { Ledger } from './ledger.js';

/**
 * Operations remembered per actor, taped or not, and operations seen once
 * (not yet recorded). An operation is recorded when it is charged a second
 * time: a trace too large to hold is streamed, and its operations are new
 * objects window by window, most never charged twice. When either set is
 * full it is dropped whole and starts again (a generation): memory stays
 * bounded, and operations that keep recurring are recorded again. Tapes
 * are exact, so what is remembered changes only the speed, never a result.
 */
export const MAX_TAPED_OPS = 65_536;

/** What the wrapper knows of one operation object. */
class OpSlot {
  constructor(
    /** The operation. */
    readonly op: Op | null,
    /** Its tape when the op is static; null otherwise. */
    readonly tape: ChargeTape | null,
    /** Tapes by variant when the actor reports variants (CostActor.variantOf); null for an op charged by the actor every time. */
    readonly variants: Array<ChargeTape | undefined> | null,
  ) {}
}

const DYNAMIC = new OpSlot(null, null, null);

/** Visits of a loop body while some of its operations are not recorded, before it is left to the lane for good. */
const KERNEL_TRIES = 32;

/** Leaf ids (stream.ts `leaf`) remembered by index; larger ids are found through the map. */
const MAX_LEAF_ID = 1 << 20;

/** A cost actor whose static operations are replayed from tapes. */
export class TapedActor implements CostActor, StaticCharger<Ledger> {
  private readonly slots = new Map<Op, OpSlot>();
  /** Operations charged once, through the actor, not recorded yet. */
  private readonly seenOnce = new Set<Op>();
  /** The op charged last and its slot: the copies of a counted run (charged one by one) skip the map. */
  private lastOp: Op | null = null;
  private lastSlot: OpSlot = DYNAMIC;
  /** Slots by leaf id, each checked against its op (leaves of different compilers may share an id). */
  private readonly byLeaf: OpSlot[] = [];

  /** The answer repeatCost gives (one object, reused), and the tape it priced. */
  private readonly quote: RepeatQuote = { cycles: 0, copies: 0 };
  private quotedTape: ChargeTape | null = null;

  /** Compiled loop bodies by body (kernelFor): the kernel, null for none, or the tries so far while some operation is not recorded. */
  private readonly kernels = new Map<readonly OpNode[], BodyKernel | null | number>();
  /** The same, settled ones, by the id of the body's first leaf: found by index on the lane's path. */
  private readonly kernelByLeaf: Array<{ readonly nodes: readonly OpNode[]; readonly kernel: BodyKernel | null }> = [];

  /** Whole loop iterations of static operations, charged from their operations' tapes (iterationTapes.ts). */
  private readonly iterations: IterationTapes;

  constructor(
    readonly inner: CostActor,
    /** Most operations remembered in each of {@link slots} and {@link seenOnce} (MAX_TAPED_OPS; tests give a few, to run past it). */
    private readonly maxOps = MAX_TAPED_OPS,
  ) {
    this.iterations = new IterationTapes(inner, (op, variant) => {
      const slot = this.slots.get(op);
      if (slot === undefined) return null;
      return variant < 0 ? slot.tape : slot.variants?.[variant] ?? null;
    });
  }

  /**
   * Charge a whole iteration of `nodes` (the runner's cursor just gave its
   * first operation, from the leaf with id `leafId`) and up to `more` further
   * iterations of that loop at once from time `t`, if they are static now
   * and end before `stop`: the end time, with the iterations and operations
   * charged in {@link iterationsCharged} and {@link iterationOps}; else NaN
   * (charge op by op).
   */
  chargeIterations(nodes: readonly OpNode[], leafId: number, more: number, t: number, stop: number, ledger: Ledger): number {
    return this.iterations.charge(nodes, leafId, more, t, stop, ledger);
  }

  /** Iterations the last successful {@link chargeIterations} charged. */
  get iterationsCharged(): number {
    return this.iterations.lastIterations;
  }

  /** Operations it charged. */
  get iterationOps(): number {
    return this.iterations.lastOps;
  }

  /** Iterations charged at once so far, in all. */
  get iterationsSoFar(): number {
    return this.iterations.charged;
  }

  /**
   * {@link charge} for an op taken from the leaf with id `leafId` (−1: none):
   * the slot is found by index instead of hashing the op. An op met once
   * (ONCE_LEAF) is charged by the actor and not remembered.
   */
  chargeLeaf(op: Op, leafId: number, ledger: Ledger): number {
    if (leafId >= 0 && leafId < MAX_LEAF_ID) {
      const known = this.byLeaf[leafId];
      if (known !== undefined && known.op === op) return this.chargeSlot(known, op, ledger);
      const slot = this.slots.get(op);
      if (slot !== undefined) {
        this.byLeaf[leafId] = slot;
        return this.chargeSlot(slot, op, ledger);
      }
    } else if (leafId === ONCE_LEAF) return this.inner.charge(op, ledger);
    return this.charge(op, ledger);
  }

  /**
   * {@link chargeLeaf} as the static lane calls it for an operation without
   * a recording (OpCursor.chargeStatic's `unrecorded`): a function of this
   * actor's own, so the lane's call site sees a new target in every run and
   * the JIT does not inline the actor's whole charge path into the lane.
   */
  readonly chargeUnrecorded: Unrecorded<Ledger> = (op, leafId, ledger) => this.chargeLeaf(op as Op, leafId, ledger);

  /**
   * The static lane's charge (OpCursor.chargeStatic): `op`, from the leaf
   * with id `leafId`, replayed from its tape when it is a static operation
   * already recorded under that leaf, or from the tape of the form it takes
   * now (CostActor.variantOf) when that form was recorded; else NaN,
   * charging nothing (the runner then charges it through
   * {@link chargeLeaf}, which records it).
   */
  chargeStatic(leafId: number, op: StreamItem, ledger: Ledger): number {
    if (!(leafId >= 0 && leafId < MAX_LEAF_ID)) return NaN;
    const known = this.byLeaf[leafId];
    if (known === undefined || known.op !== op) return NaN;
    const tape = this.tapeIn(known, op as Op);
    if (tape === null) return NaN;
    ledger.apply(tape);
    return tape.cycles;
  }

  copiesCharged = 0;
  /** The lane's time while chargeStaticCopies charges (Ledger.applyCopies keeps it in an array). */
  private readonly laneClock = new Float64Array(1);

  chargeStaticCopies(leafId: number, op: StreamItem, ledger: Ledger, t: number, stop: number, left: number): number {
    // chargeStatic has just charged op from this leaf's slot, and its form has not moved since.
    const tape = this.tapeIn(this.byLeaf[leafId], op as Op)!;
    const clock = this.laneClock;
    clock[0] = t;
    this.copiesCharged = ledger.applyCopies(tape, left, clock, stop);
    return clock[0];
  }

  /**
   * The compiled form of the loop body `nodes` (bodyKernel.ts) when it has
   * two or more nodes, each a counted run of one operation or a loop of two
   * or more such runs, and each of its operations is static and recorded, or
   * takes one of several forms of which one at least is recorded, and is
   * neither a scheduler instruction nor a CR3 write; else null. Looked up by the body;
   * for a body some of whose operations are not recorded yet the answer is
   * undefined (not known yet), and the cursor asks again where an iteration
   * of it begins or on a later visit, up to KERNEL_TRIES times. Found by the
   * id of its first leaf once settled (a look-up on every entry into a body).
   */
  kernelFor(nodes: readonly OpNode[]): BodyKernel | null | undefined {
    const first = nodes[0] as { readonly op?: StreamItem; readonly id?: number } | undefined;
    if (first === undefined) return null;
    const firstId = first.op === undefined ? -1 : first.id ?? -1;
    const byFirst = firstId >= 0 && firstId < MAX_LEAF_ID ? this.kernelByLeaf[firstId] : undefined;
    if (byFirst !== undefined && byFirst.nodes === nodes) return byFirst.kernel;
    const known = this.kernels.get(nodes);
    if (known !== undefined && typeof known !== 'number') return known;
    const tries = known ?? 0;
    let kernel: BodyKernel | null | 'later' = null;
    if (nodes.length >= 2 && nodes.length <= MAX_KERNEL_LEAVES) {
      const items: KernelNode[] = [];
      kernel = 'later';
      for (const node of nodes) {
        const body = (node as { readonly body?: readonly OpNode[] }).body;
        let item: KernelNode | null | 'later';
        if (body === undefined) item = this.kernelLeaf(node);
        else if (body.length < 2 || !(node.count >= 1)) item = null; // a one-node loop is one longer run to the cursor
        else {
          const leaves: KernelLeaf[] = [];
          item = null;
          for (const child of body) {
            const leaf = 'body' in child ? null : this.kernelLeaf(child);
            if (leaf === null || leaf === 'later') {
              item = leaf;
              break;
            }
            leaves.push(leaf);
          }
          if (leaves.length === body.length) item = { body: leaves, count: node.count };
        }
        if (item === null || item === 'later') {
          kernel = item;
          break;
        }
        items.push(item);
      }
      if (items.length === nodes.length) kernel = compileKernel(items);
    }
    if (kernel === 'later') {
      if (tries + 1 < KERNEL_TRIES) {
        this.kernels.set(nodes, tries + 1);
        return undefined;
      }
      kernel = null;
    }
    this.kernels.set(nodes, kernel);
    if (firstId >= 0 && firstId < MAX_LEAF_ID) this.kernelByLeaf[firstId] = { nodes, kernel };
    return kernel;
  }

  /** What a kernel needs of one counted run: null when it cannot be compiled, 'later' when its operation was not charged yet. */
  private kernelLeaf(node: OpNode): KernelLeaf | null | 'later' {
    const leaf = node as { readonly op?: StreamItem; readonly count: number; readonly code?: number; readonly id?: number };
    const op = leaf.op;
    if (op === undefined) return null;
    const id = leaf.id ?? -1;
    const code = leaf.code ?? itemCode(op);
    if (!(id >= 0 && id < MAX_LEAF_ID) || (code !== 0 && code !== ITEM.compute) || !(leaf.count >= 1)) return null;
    const byLeaf = this.byLeaf[id];
    const slot = byLeaf !== undefined && byLeaf.op === op ? byLeaf : this.slots.get(op as Op);
    if (slot === undefined) return 'later';
    const compute = code === ITEM.compute ? (op as { readonly cycles: number }).cycles : NaN;
    if (slot.tape !== null) return { tape: slot.tape, forms: null, variant: null, count: leaf.count, compute };
    const forms = slot.variants;
    if (forms === null) return null; // charged by the actor every time
    if (!forms.some((f) => f !== undefined)) return 'later';
    // One of several forms: the kernel charges those recorded by now, and leaves any other to the lane.
    const inner = this.inner;
    return { tape: null, forms: [...forms], variant: () => inner.variantOf!(op as Op), count: leaf.count, compute };
  }

  /** Run a kernel kernelFor gave, by the path `state` asks for (its maxRun), against `ledger`. */
  runKernel(kernel: BodyKernel, ledger: Ledger, state: Float64Array): void {
    ledger.runKernel(kernel.fn(state[KERNEL_STATE.maxRun]), state, kernel.effects, kernel.variants);
  }

  private chargeSlot(slot: OpSlot, op: Op, ledger: Ledger): number {
    const tape = slot.tape;
    if (tape !== null) {
      ledger.apply(tape);
      return tape.cycles;
    }
    if (slot.variants === null) return this.inner.charge(op, ledger);
    return this.chargeVariant(op, slot.variants, ledger);
  }

  charge(op: Op, ledger: Ledger): number {
    let slot: OpSlot | undefined;
    if (op === this.lastOp) slot = this.lastSlot;
    else {
      slot = this.slots.get(op);
      if (slot === undefined) return this.first(op, ledger);
      this.lastOp = op;
      this.lastSlot = slot;
    }
    return this.chargeSlot(slot, op, ledger);
  }

  /**
   * The runner is about to charge the rest of a counted run of `op` (from the
   * leaf with id `leafId`) through {@link charge}: remember its slot as the
   * last op's, so that not even the first copy hashes the op.
   */
  runFollows(op: Op, leafId: number): void {
    const known = leafId >= 0 && leafId < MAX_LEAF_ID ? this.byLeaf[leafId] : undefined;
    if (known !== undefined && known.op === op) {
      this.lastOp = op;
      this.lastSlot = known;
    }
  }

  /**
   * `op` has no slot: on its first sight, charge it through the actor and
   * remember it was seen; on its second, record its charge if it is static,
   * else remember how it is charged.
   */
  private first(op: Op, ledger: Ledger): number {
    const inner = this.inner;
    if (op instanceof TransientCompute) return inner.charge(op, ledger); // made on the fly, charged once
    const seen = this.seenOnce;
    if (!seen.delete(op)) {
      if (seen.size >= this.maxOps) seen.clear();
      seen.add(op);
      return inner.charge(op, ledger);
    }
    if (this.slots.size >= this.maxOps) this.forgetSlots();
    if (inner.isStatic !== undefined && inner.isStatic(op)) {
      const tape = new ChargeTape();
      const cycles = this.record(op, tape, ledger);
      this.slots.set(op, new OpSlot(op, tape, null));
      return cycles;
    }
    if (inner.variantOf !== undefined && inner.variantOf(op) !== NEVER_STATIC) {
      const variants: Array<ChargeTape | undefined> = [];
      this.slots.set(op, new OpSlot(op, null, variants));
      return this.chargeVariant(op, variants, ledger);
    }
    this.slots.set(op, new OpSlot(op, null, null));
    return inner.charge(op, ledger);
  }

  /** Drop every slot (a new generation); the tapes kernels and iterations hold stay theirs, as exact as before. */
  private forgetSlots(): void {
    this.slots.clear();
    this.byLeaf.length = 0;
    this.lastOp = null;
    this.lastSlot = DYNAMIC;
  }

  private chargeVariant(op: Op, variants: Array<ChargeTape | undefined>, ledger: Ledger): number {
    const v = this.inner.variantOf!(op);
    if (v < 0) return this.inner.charge(op, ledger);
    const tape = variants[v];
    if (tape !== undefined) {
      ledger.apply(tape);
      return tape.cycles;
    }
    const fresh = new ChargeTape();
    const cycles = this.record(op, fresh, ledger);
    variants[v] = fresh;
    return cycles;
  }

  private record(op: Op, tape: ChargeTape, ledger: Ledger): number {
    ledger.record(tape);
    const cycles = this.inner.charge(op, ledger);
    ledger.stopRecording(cycles);
    return cycles;
  }

  /** The tape that would charge `op` now, if any. */
  private tapeNow(op: Op): ChargeTape | null {
    const slot = this.slots.get(op);
    return slot === undefined ? null : this.tapeIn(slot, op);
  }

  /** The tape that would charge `op` (whose slot is `slot`) now: its one, or that of the form it takes now, if recorded. */
  private tapeIn(slot: OpSlot, op: Op): ChargeTape | null {
    if (slot.tape !== null || slot.variants === null) return slot.tape;
    const v = this.inner.variantOf!(op);
    return v < 0 ? null : slot.variants[v] ?? null;
  }

  /**
   * Op by op, the copies of a static operation, or of one that takes a
   * recorded form now (CostActor.variantOf): its tape replayed once per
   * copy, as charge(op) replays it, without looking the op up or asking its
   * form again for each. A charge in a recorded form changes nothing the
   * form depends on (it is static), and nothing else is charged between the
   * copies, so every copy takes the first one's form. −1 for an operation
   * without such a tape now (charge() takes each copy).
   */
  chargeCopies(op: Op, left: number, ledger: Ledger, clock: Float64Array, stop: number): number {
    const slot = op === this.lastOp ? this.lastSlot : this.slots.get(op);
    const tape = slot === undefined ? null : this.tapeIn(slot, op);
    if (tape === null) return -1;
    return ledger.applyCopies(tape, left, clock, stop);
  }

  /** A taped operation's copies all cost its tape, as many as the ledger can add at once exactly; others are the actor's to price. */
  repeatCost(op: Op, copies: number, ledger: Ledger): RepeatQuote | null {
    const tape = this.tapeNow(op);
    this.quotedTape = tape;
    if (tape !== null) {
      const m = ledger.runLimit(tape, copies);
      if (m <= 0) return null;
      this.quote.cycles = tape.cycles;
      this.quote.copies = m;
      return this.quote;
    }
    return this.inner.repeatCost === undefined ? null : this.inner.repeatCost(op, copies, ledger);
  }

  /** Called right after repeatCost(op) answered: state has not moved since, so the same tape (or the actor) charges. */
  chargeRepeats(op: Op, n: number, ledger: Ledger): void {
    const tape = this.quotedTape;
    if (tape !== null) ledger.applyRun(tape, n);
    else this.inner.chargeRepeats!(op, n, ledger);
  }

  /** Operations remembered now: with a slot, and seen once (each at most the cap). */
  get remembered(): number {
    return this.slots.size + this.seenOnce.size;
  }

  metrics(): Record<string, number> {
    return this.inner.metrics?.() ?? {};
  }
}
