// A recording of one charge: every addition it made to a ledger's totals (in
// order), the side effects it asked for (a TLB flush on an exit) and the
// cycles it returned. An actor whose charge of an operation depends on no
// state (CostActor.isStatic) is asked once per operation; the runner replays
// the tape for every later copy, which adds exactly the same numbers to the
// same totals in the same order, so the ledger is bit-identical to calling
// the actor again — without its dispatch on the operation's kind.

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
   * The totals the tape adds to, each once (filled by {@link seal}), for
   * adding n copies at once (Ledger.runLimit / applyRun): array and index of
   * each, where its amounts start and end in {@link totalAmounts}, whether
   * they are all whole numbers, and their sum.
   */
  totalArrays: Uint8Array = new Uint8Array(0);
  totalIndexes: Int32Array = new Int32Array(0);
  totalStart: Int32Array = new Int32Array(0);
  totalEnd: Int32Array = new Int32Array(0);
  totalWhole: Uint8Array = new Uint8Array(0);
  totalSums: Float64Array = new Float64Array(0);
  /** The amounts grouped by total, in tape order within each. */
  totalAmounts: Float64Array = new Float64Array(0);
  /** What one copy adds to each total, exactly, as last found by Ledger.runLimit. */
  runSteps: Float64Array = new Float64Array(0);
  /**
   * Of each total whose amounts are not all whole: the lower bound of the
   * binade its step was last found for (0: none; a binade's is at least the
   * smallest normal double) and that step (Ledger.runLimit).
   */
  binadeLows: Float64Array = new Float64Array(0);
  binadeSteps: Float64Array = new Float64Array(0);
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

  /** Finish a recording: the charge returned `cycles`; group the additions by total. */
  seal(cycles: number): void {
    this.cycles = cycles;
    this.replay = null;
    this.copies = null;
    this.coldReplays = 0;
    const n = this.length;
    const key = (i: number) => this.arrays[i] * 2 ** 31 + this.indexes[i];
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
    let totals = 0;
    for (let j = 0; j < n; j++) if (j === 0 || key(order[j]) !== key(order[j - 1])) totals++;
    this.totalArrays = new Uint8Array(totals);
    this.totalIndexes = new Int32Array(totals);
    this.totalStart = new Int32Array(totals);
    this.totalEnd = new Int32Array(totals);
    this.totalWhole = new Uint8Array(totals);
    this.totalSums = new Float64Array(totals);
    this.totalAmounts = new Float64Array(n);
    this.runSteps = new Float64Array(totals);
    this.binadeLows = new Float64Array(totals);
    this.binadeSteps = new Float64Array(totals);
    let runnable = Number.isFinite(cycles) && cycles >= 0;
    let t = -1;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      if (j === 0 || key(i) !== key(order[j - 1])) {
        t++;
        this.totalArrays[t] = this.arrays[i];
        this.totalIndexes[t] = this.indexes[i];
        this.totalStart[t] = j;
        this.totalWhole[t] = 1;
      }
      const a = this.amounts[i];
      this.totalAmounts[j] = a;
      this.totalEnd[t] = j + 1;
      this.totalSums[t] += a;
      if (!Number.isInteger(a)) this.totalWhole[t] = 0;
      if (!(Number.isFinite(a) && a >= 0)) runnable = false;
    }
    this.runnable = runnable;
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
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...ARG, additions(tape).join('\n')) as TapeReplay;
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
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...ARG, 'fx', 'k', 'clock', 'stop', source) as TapeCopies;
}
