// Compiled loop bodies for the static lane (OpCursor.chargeStatic): a loop
// body of counted runs of one operation (and, op by op, of loops over such
// runs, one level down) whose operations all replay recordings becomes one
// function that charges them one at a time, in
// order — each operation's recorded additions written out as straight-line
// code, its effects called, the clock advanced by its cycles and checked
// against the stop after each — and walks the body's counted runs and
// iterations itself. It stops exactly where the lane would: the clock reached
// the stop, or the next operation is one the runner must see (a first
// computation that would cross the stop; in bulk, an iteration start or a
// long counted run). Operation by operation the same additions in the same
// order as the lane's replays, so the ledger ends bit-identical.
import { KERNEL_STATE, type LaneKernel } from '../workload/stream.js';
import type { ChargeTape } from './chargeTape.js';
import { compileShared } from '../engine/compiledCode.js';

/** A body's compiled charge: the ledger's five arrays, the state (KERNEL_STATE), the effects of its operations' tapes. */
export type KernelFn = (
  counts: Float64Array, cycles: Float64Array, componentCycles: Float64Array, componentCounts: Float64Array, counters: Float64Array,
  state: Float64Array, effects: ReadonlyArray<() => void>, variants: ReadonlyArray<() => number>,
) => void;

/** One compiled body: its source for each path, compiled on first use. */
export class BodyKernel implements LaneKernel {
  private perOp: KernelFn | null = null;
  /** In bulk, by the runner's cue (OpCursor.chargeStatic's maxRun): one in practice. */
  private readonly bulk = new Map<number, KernelFn>();

  constructor(
    private readonly items: readonly KernelNode[],
    readonly effects: ReadonlyArray<() => void>,
    /** The form each operation whose charge takes one of several forms takes now (CostActor.variantOf), in emission order. */
    readonly variants: ReadonlyArray<() => number>,
    readonly opsPerIteration: number,
    /** True when a node is a loop: op by op only (in bulk each of its iterations is a cue the runner must see). */
    readonly perOpOnly: boolean,
  ) {}

  /**
   * The function for one path: op by op (`maxRun` Infinity: it walks the
   * loop's iterations itself) or in bulk (it leaves iteration starts and
   * runs followed by `maxRun` or more copies to the runner). A function per
   * path, not one with a flag: one function called on both paths
   * alternately was deoptimized again and again (apache-lin native op by op
   * 13.7 against 42.9 M ops/s with one path per process).
   */
  fn(maxRun: number): KernelFn {
    if (maxRun === Infinity) return (this.perOp ??= compiledFn(this.items, Infinity));
    if (this.perOpOnly) throw new Error('a kernel with loops runs op by op only');
    let fn = this.bulk.get(maxRun);
    if (fn === undefined) this.bulk.set(maxRun, (fn = compiledFn(this.items, maxRun)));
    return fn;
  }
}

/**
 * What a kernel needs of each node: its recording, or for an operation whose
 * charge takes one of several forms the forms recorded so far and what
 * tells the form it takes now; its count; and for a computation its cycles
 * (what the lane compares with the stop).
 */
export interface KernelLeaf {
  tape: ChargeTape | null;
  forms: ReadonlyArray<ChargeTape | undefined> | null;
  variant: (() => number) | null;
  count: number;
  /** The computation's cycles; NaN when the operation is not a computation. */
  compute: number;
}

/** A node of a compiled body: a counted run of one operation, or (one level down) a counted loop over such runs. */
export type KernelNode = KernelLeaf | { readonly body: readonly KernelLeaf[]; readonly count: number };

const isLoop = (x: KernelNode): x is { readonly body: readonly KernelLeaf[]; readonly count: number } => 'body' in x;

/** Bodies with more runs than this (a loop's counted once), or more additions in all, are left to the lane op by op (the function would be large). */
export const MAX_KERNEL_LEAVES = 128;
export const MAX_KERNEL_ADDITIONS = 2048;

const KERNEL_PARAMS = ['a0', 'a1', 'a2', 'a3', 'a4', 'st', 'fx', 'vf'];
const S = KERNEL_STATE;

/** Kernels made so far in this process (each compiled once per distinct source: see compiledCode.ts). */
let kernelsMade = 0;

/** Kernels made so far in this process. */
export function compiledKernelCount(): number {
  return kernelsMade;
}

const num = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/** The kernel of `items` (a body's nodes, in order), or null when one of them cannot be written out. */
export function compileKernel(items: readonly KernelNode[]): BodyKernel | null {
  const leaves = items.flatMap((x) => (isLoop(x) ? x.body : [x]));
  if (items.length < 2 || leaves.length > MAX_KERNEL_LEAVES) return null;
  let additions = 0;
  // Effects and variant look-ups in the order compiledFn writes them out.
  const effects: Array<() => void> = [];
  const variants: Array<() => number> = [];
  for (const leaf of leaves) {
    if (leaf.variant !== null) variants.push(leaf.variant);
    for (const tape of tapesOf(leaf)) {
      if (tape === undefined) continue;
      additions += tape.length;
      if (additions > MAX_KERNEL_ADDITIONS || !Number.isFinite(tape.cycles)) return null;
      for (let j = 0; j < tape.length; j++) if (!Number.isFinite(tape.amounts[j])) return null;
      effects.push(...tape.effects);
    }
  }
  const ops = items.reduce((a, x) => a + (isLoop(x) ? x.count * x.body.reduce((b, l) => b + l.count, 0) : x.count), 0);
  return new BodyKernel(items, effects, variants, ops, items.some(isLoop));
}

/** A leaf's tapes: its one, or its forms by index (undefined: not recorded). */
function tapesOf(leaf: KernelLeaf): ReadonlyArray<ChargeTape | undefined> {
  return leaf.tape !== null ? [leaf.tape] : leaf.forms ?? [];
}

/**
 * One operation's charge (see chargeCode), or for one of several forms a
 * choice by the form it takes now, running `bail` (before charging
 * anything) when that form was not recorded when the kernel was made.
 */
function leafCharge(leaf: KernelLeaf, fx: { next: number; variant: number }, bail: string): string {
  if (leaf.tape !== null) return chargeCode(leaf.tape, fx);
  const branches: string[] = [];
  (leaf.forms ?? []).forEach((tape, v) => {
    if (tape !== undefined) branches.push(`if (v === ${v}) { ${chargeCode(tape, fx)} }`);
  });
  return `const v = vf[${fx.variant++}](); ${branches.join(' else ')} else { ${bail} }`;
}

/** One operation's recorded additions and effects, then the clock; `fx` numbers the effects in emission order. */
function chargeCode(tape: ChargeTape, fx: { next: number; variant: number }): string {
  const body: string[] = [];
  for (let j = 0; j < tape.length; j++) body.push(`${KERNEL_PARAMS[tape.arrays[j]]}[${tape.indexes[j]}] += ${num(tape.amounts[j])};`);
  for (let j = 0; j < tape.effects.length; j++) body.push(`fx[${fx.next++}]();`);
  body.push(`t += ${num(tape.cycles)}; n++;`);
  return body.join(' ');
}

/** Write out and compile (or find) the function of `items` for one path (see BodyKernel.fn). */
function compiledFn(items: readonly KernelNode[], maxRun: number): KernelFn {
  const bulk = maxRun !== Infinity;
  const n = items.length;
  const cases: string[] = [];
  const fx = { next: 0, variant: 0 };
  for (let i = 0; i < n; i++) {
    const item = items[i];
    if (isLoop(item)) {
      // A loop, entered from its start (the lane never enters a kernel inside one): stopping inside it leaves
      // the cursor in it (inChild, the node cj, copies crem still to charge, iterations cleft still to start).
      const runs = item.body.map((leaf, j) => {
        const { count, compute } = leaf;
        const forms = leaf.variant !== null; // only a choice of forms can stop before charging a copy
        const exit = `i = ${i}; inChild = 1; cj = ${j}; break out;`;
        const cut = Number.isNaN(compute) ? '' : `if (cuts && t + ${num(compute)} > stop) { crem = 0; ${exit} }`;
        return `${cut}
    crem = ${count};${forms ? ' fresh = true;' : ''}
    for (;;) {
      ${leafCharge(leaf, fx, `if (fresh) crem = 0; ${exit}`)} crem--;${forms ? ' fresh = false;' : ''}
      if (t >= stop) { i = ${i}; inChild = 1; cj = crem === 0 ? ${j + 1} : ${j}; break out; }
      if (crem === 0) break;
    }`;
      });
      cases.push(`case ${i}: {
  cleft = ${item.count - 1};
  for (;;) {
    ${runs.join('\n    ')}
    if (cleft > 0) { cleft--; continue; }
    break;
  }
}`);
      continue;
    }
    const { count, compute } = item;
    const forms = item.variant !== null; // only a choice of forms can stop before charging a copy
    const cut = Number.isNaN(compute) ? '' : `if (cuts && (rem === 0 || n === 0) && t + ${num(compute)} > stop) { i = ${i}; break out; }`;
    // In bulk, the runner's cues: an iteration start (the first node, fresh), a run followed by maxRun or more copies.
    const start = bulk
      ? `if (rem === 0) { if (${i === 0 || count - 1 >= maxRun}) { i = ${i}; break out; } rem = ${count}; } else if (rem - 1 >= ${maxRun}) { i = ${i}; break out; }`
      : `if (rem === 0) rem = ${count};`;
    cases.push(`case ${i}: {
  ${cut}
  ${forms ? 'fresh = rem === 0;' : ''}
  ${start}
  for (;;) {
    ${leafCharge(item, fx, `if (fresh) rem = 0; i = ${i}; break out;`)} rem--;${forms ? ' fresh = false;' : ''}
    if (t >= stop) { i = rem === 0 ? ${i + 1} : ${i}; break out; }
    if (rem === 0) break;
  }
}`);
  }
  const source = `let t = st[${S.t}]; const stop = st[${S.stop}]; let i = st[${S.index}]; let rem = st[${S.rem}]; let left = st[${S.left}]; let n = st[${S.ops}];
const cuts = st[${S.cuts}] !== 0; let inChild = 0, cj = 0, crem = 0, cleft = 0, fresh = false;
out: for (;;) {
  switch (i) {
${cases.join('\n')}
  }
  ${bulk ? '' : 'if (left > 0) { left--; i = 0; rem = 0; continue; }'}
  i = ${n}; break;
}
st[${S.t}] = t; st[${S.index}] = i; st[${S.rem}] = rem; st[${S.left}] = left; st[${S.ops}] = n;
st[${S.inChild}] = inChild; st[${S.cj}] = cj; st[${S.crem}] = crem; st[${S.cleft}] = cleft;`;
  kernelsMade++;
  // The same body under the same mode compiles once per process.
  return compileShared<KernelFn>(KERNEL_PARAMS, source);
}
