// A recording of one charge: every addition it made to a ledger's totals (in
// order), the side effects it asked for (a TLB flush on an exit) and the
// cycles it returned. An actor whose charge of an operation depends on no
// state (CostActor.isStatic) is asked once per operation; the runner replays
// the tape for every later copy, which adds exactly the same numbers to the
// same totals in the same order, so the ledger is bit-identical to calling
// the actor again — without its dispatch on the operation's kind.
import { compileShared } from '../engine/compiledCode.js';

/** Which of a ledger's arrays an entry adds to (see Ledger.accumulators). */
export const ACC = { counts: 0, cycles: 1, componentCycles: 2, componentCounts: 3, counters: 4 } as const;

/** The additions, effects and cycles of one recorded charge. */
export class ChargeTape {
  /** Array of each addition (an ACC value). */
  arrays: Uint8Array = new Uint8Array(8);
  /** Index within that array. */
  indexes: Int32Array = new Int32Array(8);
  /** The amount added. */
  amounts: Float64Array = new Float64Array(8);
  /** Number of additions. */
  length = 0;
  /** Side effects, in order; each must be idempotent (a second call right after the first changes nothing), as a TLB flush is. */
  readonly effects: Array<() => void> = [];
  /** Cycles the charge returned. */
  cycles = 0;
  /**
   * The additions grouped by the total they add to (Ledger.runLimit /
   * applyRun), made on first use: most tapes never charge a counted run,
   * and a tape's memory is mostly these arrays.
   */
  totals: TapeTotals | null = null;
  /** Every amount finite and ≥ 0: only then can copies be added at once. */
  runnable = false;
  /**
   * The additions as straight-line code (see {@link compileTape}): one
   * indexed add per entry with the index and amount as constants, which the
   * JIT compiles like the actor's own charge, without its dispatch.
   */
  replay: TapeReplay | null = null;
  /** The same additions, its effects and the clock, in a loop over copies (see {@link compileCopies}); compiled after {@link replay}, when the tape's copies are first charged in a loop (Ledger.applyCopies). */
  copies: TapeCopies | null = null;
  /** Replays so far while not compiled: a tape is compiled once it has been replayed {@link COMPILE_AFTER_REPLAYS} times, so rare operations never pay for compiling. */
  coldReplays = 0;

  /** Finish a recording: the charge returned `cycles`. */
  seal(cycles: number): void {
    this.cycles = cycles;
    this.replay = null;
    this.copies = null;
    this.coldReplays = 0;
    this.totals = null;
    let runnable = Number.isFinite(cycles) && cycles >= 0;
    for (let i = 0; i < this.length && runnable; i++) {
      const a = this.amounts[i];
      if (!(Number.isFinite(a) && a >= 0)) runnable = false;
    }
    this.runnable = runnable;
  }

  /** {@link totals}, made now if not yet. */
  grouped(): TapeTotals {
    return (this.totals ??= new TapeTotals(this));
  }

  /** Append one addition. */
  add(array: number, index: number, amount: number): void {
    if (this.length === this.arrays.length) this.grow();
    this.arrays[this.length] = array;
    this.indexes[this.length] = index;
    this.amounts[this.length] = amount;
    this.length++;
  }

  private grow(): void {
    const n = 2 * this.arrays.length;
    const a = new Uint8Array(n);
    a.set(this.arrays);
    this.arrays = a;
    const i = new Int32Array(n);
    i.set(this.indexes);
    this.indexes = i;
    const m = new Float64Array(n);
    m.set(this.amounts);
    this.amounts = m;
  }
}

/**
 * A tape's additions grouped by total, for adding n copies at once
 * (Ledger.runLimit / applyRun): array and index of each total, where its
 * amounts start and end in {@link amounts}, whether they are all whole
 * numbers, and their sum.
 */
export class TapeTotals {
  readonly arrays: Uint8Array;
  readonly indexes: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly whole: Uint8Array;
  readonly sums: Float64Array;
  /** The amounts grouped by total, in tape order within each. */
  readonly amounts: Float64Array;
  /** What one copy adds to each total, exactly, as last found by Ledger.runLimit. */
  readonly runSteps: Float64Array;
  /**
   * Of each total whose amounts are not all whole: the lower bound of the
   * binade its step was last found for (0: none; a binade's is at least the
   * smallest normal double) and that step (Ledger.runLimit).
   */
  readonly binadeLows: Float64Array;
  readonly binadeSteps: Float64Array;

  constructor(tape: ChargeTape) {
    const n = tape.length;
    const key = (i: number) => tape.arrays[i] * 2 ** 31 + tape.indexes[i];
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
    let totals = 0;
    for (let j = 0; j < n; j++) if (j === 0 || key(order[j]) !== key(order[j - 1])) totals++;
    this.arrays = new Uint8Array(totals);
    this.indexes = new Int32Array(totals);
    this.start = new Int32Array(totals);
    this.end = new Int32Array(totals);
    this.whole = new Uint8Array(totals);
    this.sums = new Float64Array(totals);
    this.amounts = new Float64Array(n);
    this.runSteps = new Float64Array(totals);
    this.binadeLows = new Float64Array(totals);
    this.binadeSteps = new Float64Array(totals);
    let t = -1;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      if (j === 0 || key(i) !== key(order[j - 1])) {
        t++;
        this.arrays[t] = tape.arrays[i];
        this.indexes[t] = tape.indexes[i];
        this.start[t] = j;
        this.whole[t] = 1;
      }
      const a = tape.amounts[i];
      this.amounts[j] = a;
      this.end[t] = j + 1;
      this.sums[t] += a;
      if (!Number.isInteger(a)) this.whole[t] = 0;
    }
  }
}

/** Replays of a tape by the loop (Ledger.apply) before it is compiled to straight-line code. */
export const COMPILE_AFTER_REPLAYS = 16;

/** A tape's additions compiled: counts, cycles, component cycles, component counts, counters. */
export type TapeReplay = (counts: Float64Array, cycles: Float64Array, componentCycles: Float64Array, componentCounts: Float64Array, counters: Float64Array) => void;

/**
 * Up to `k` copies of a tape from time `clock[0]`, each its additions and
 * effects and then the time advanced by its cycles, stopping after the
 * first copy whose end reaches `stop`: the copies charged, the new time in
 * `clock[0]`.
 */
export type TapeCopies = (
  counts: Float64Array, cycles: Float64Array, componentCycles: Float64Array, componentCounts: Float64Array, counters: Float64Array,
  effects: ReadonlyArray<() => void>, k: number, clock: Float64Array, stop: number,
) => number;

const ARG = ['a0', 'a1', 'a2', 'a3', 'a4'];
const COPIES_PARAMS = [...ARG, 'fx', 'k', 'clock', 'stop'];

/** The tape's additions as statements, in its order. */
function additions(tape: ChargeTape): string[] {
  const lines: string[] = [];
  for (let i = 0; i < tape.length; i++) {
    const a = tape.amounts[i];
    if (!Number.isFinite(a)) throw new RangeError(`a charge added ${a}`);
    lines.push(`${ARG[tape.arrays[i]]}[${tape.indexes[i]}] += ${Object.is(a, -0) ? '-0' : String(a)};`);
  }
  return lines;
}

/**
 * Compile `tape`'s additions into a function. Amounts are written with
 * Number.prototype.toString, which gives back exactly the same double; the
 * order of the additions is the tape's. The source holds only integers and
 * numbers, never input text.
 */
export function compileTape(tape: ChargeTape): TapeReplay {
  return compileShared<TapeReplay>(ARG, additions(tape).join('\n'));
}

/**
 * Compile the loop over copies of `tape` (see {@link TapeCopies}): per copy
 * the additions of {@link compileTape}, the effects in order and the clock,
 * exactly what Ledger.apply and an addition of the tape's cycles do per
 * copy, without a call per copy.
 */
export function compileCopies(tape: ChargeTape): TapeCopies {
  if (!Number.isFinite(tape.cycles)) throw new RangeError(`a charge returned ${tape.cycles}`);
  const effects = tape.effects.map((_, i) => `fx[${i}]();`);
  const cycles = Object.is(tape.cycles, -0) ? '-0' : String(tape.cycles);
  const source = `let t = clock[0];
let j = 0;
while (j < k) {
${[...additions(tape), ...effects].join('\n')}
t += ${cycles}; j++;
if (t >= stop) break;
}
clock[0] = t;
return j;`;
  return compileShared<TapeCopies>(COPIES_PARAMS, source);
}
