// Retargets a composite at an address space: the guest profile writes its
// context-switch composite once, with a placeholder cr3write; the scheduler
// needs one copy per incoming address space. Sites are kept, because every
// copy is the same kernel code.
import type { OpNode } from './stream.js';

/** A copy of `nodes` in which every cr3write switches to `asid`. */
export function retargetCr3(nodes: readonly OpNode[], asid: number): OpNode[] {
  return nodes.map((n) => {
    if ('body' in n) return { body: retargetCr3(n.body, asid), count: n.count };
    if (n.op.kind === 'cr3write') return { op: { ...n.op, asid }, count: n.count };
    return n;
  });
}
