// Retargets a composite at address spaces: the guest profile writes a
// composite once (a context switch, a fork that fills in a child's page
// tables, a process creation that attaches to the child and comes back) with
// placeholder address spaces — 0 for the target, 1 for the caller — and a
// workload names the real ones (`{use: fork, asid: 2, from: 1}`); the
// scheduler makes one copy of its context switch per incoming address
// space. Sites are kept: every copy is the same kernel code.
import { CURRENT_ASID } from './ops.js';
import { leaf, type OpNode } from './stream.js';

/** Placeholder address space of the target in a composite. */
export const TARGET_ASID = 0;
/** Placeholder address space of the caller in a composite. */
export const CALLER_ASID = 1;

/**
 * A copy of `nodes` in which cr3writes, mmCreates and explicitly targeted
 * pteWrites and mmDestroys to
 * address space 0 go to `target`, and (when `from` is given) those to 1 go
 * to `from`. Other address spaces are left alone.
 */
export function retargetCr3(nodes: readonly OpNode[], target: number, from?: number): OpNode[] {
  const map = (a: number): number => (a === TARGET_ASID ? target : a === CALLER_ASID && from !== undefined ? from : a);
  return nodes.map((n) => {
    if ('body' in n) return { body: retargetCr3(n.body, target, from), count: n.count };
    if (n.op.kind === 'cr3write' || n.op.kind === 'mmCreate') return leaf({ ...n.op, asid: map(n.op.asid) }, n.count);
    if ((n.op.kind === 'pteWrite' || n.op.kind === 'mmDestroy') && n.op.asid !== CURRENT_ASID) return leaf({ ...n.op, asid: map(n.op.asid) }, n.count);
    return n;
  });
}

/**
 * A copy of `nodes` in which every named address space (cr3writes,
 * mmCreates, and pteWrites and mmDestroys that name one) is `delta` higher:
 * the k-th copy of a process that creates processes creates its own.
 */
export function shiftAsids(nodes: readonly OpNode[], delta: number): OpNode[] {
  return nodes.map((n) => {
    if ('body' in n) return { body: shiftAsids(n.body, delta), count: n.count };
    const op = n.op;
    if (op.kind === 'cr3write' || op.kind === 'mmCreate') return leaf({ ...op, asid: op.asid + delta }, n.count);
    if ((op.kind === 'pteWrite' || op.kind === 'mmDestroy') && op.asid !== CURRENT_ASID) return leaf({ ...op, asid: op.asid + delta }, n.count);
    return n;
  });
}
