// A workload body as a tree of counted runs, and the lazy cursor that walks
// it one operation at a time. Memory is proportional to the tree, never to
// the number of operations produced.
import type { Op } from './ops.js';

/** A counted run of one operation, or a counted loop over child nodes. */
export type OpNode =
  | { readonly op: Op; readonly count: number }
  | { readonly body: readonly OpNode[]; readonly count: number };

interface Frame {
  nodes: readonly OpNode[];
  index: number;
  left: number; // iterations of `nodes` still to start after this one
}

/** Yields the operations of a node list in order; `null` when exhausted. */
export class OpCursor {
  private readonly frames: Frame[] = [];
  private leafOp: Op | null = null;
  private leafLeft = 0;
  /** Operations produced so far. */
  produced = 0;

  constructor(root: readonly OpNode[], repeat = 1) {
    if (repeat > 0 && root.length > 0) this.frames.push({ nodes: root, index: 0, left: repeat - 1 });
  }

  /** The next operation, or null when the body is exhausted. */
  next(): Op | null {
    if (this.leafLeft > 0) {
      this.leafLeft--;
      this.produced++;
      return this.leafOp;
    }
    return this.advance();
  }

  private advance(): Op | null {
    const frames = this.frames;
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (f.index >= f.nodes.length) {
        if (f.left > 0) {
          f.left--;
          f.index = 0;
          continue;
        }
        frames.pop();
        continue;
      }
      const node = f.nodes[f.index++];
      if (node.count <= 0) continue;
      if ('op' in node) {
        this.leafOp = node.op;
        this.leafLeft = node.count - 1;
        this.produced++;
        return node.op;
      }
      if (node.body.length > 0) frames.push({ nodes: node.body, index: 0, left: node.count - 1 });
    }
    return null;
  }
}

/** Total operations a node list yields when repeated `repeat` times. */
export function countOps(nodes: readonly OpNode[], repeat = 1): number {
  let n = 0;
  for (const node of nodes) n += 'op' in node ? node.count : countOps(node.body, node.count);
  return n * repeat;
}
