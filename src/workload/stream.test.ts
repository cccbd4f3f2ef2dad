import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Op } from './ops.js';
import { countOps, OpCursor, type OpNode } from './stream.js';

const a: Op = { kind: 'syscall', site: 1 };
const b: Op = { kind: 'callret' };
const drain = (c: OpCursor) => {
  const out: string[] = [];
  for (let op = c.next(); op !== null; op = c.next()) out.push(op === a ? 'a' : 'b');
  return out.join('');
};

describe('OpCursor', () => {
  it('yields counted runs in order, the body repeated', () => {
    const body: OpNode[] = [{ op: a, count: 2 }, { op: b, count: 1 }];
    expect(drain(new OpCursor(body, 3))).toBe('aabaabaab');
  });

  it('expands nested loops lazily', () => {
    const body: OpNode[] = [{ op: a, count: 1 }, { body: [{ op: b, count: 2 }], count: 2 }];
    expect(drain(new OpCursor(body, 2))).toBe('abbbbabbbb');
  });

  it('skips empty loops and zero repeats', () => {
    expect(drain(new OpCursor([{ body: [], count: 5 }, { op: a, count: 1 }], 1))).toBe('a');
    expect(drain(new OpCursor([{ op: a, count: 1 }], 0))).toBe('');
  });

  it('countOps agrees with what the cursor yields', () => {
    const body: OpNode[] = [{ op: a, count: 3 }, { body: [{ op: b, count: 2 }, { op: a, count: 1 }], count: 4 }];
    const c = new OpCursor(body, 5);
    expect(drain(c).length).toBe(countOps(body, 5));
    expect(c.produced).toBe(countOps(body, 5));
  });
});

describe('OpCursor.reset', () => {
  // Bodies of counted runs and loops nested up to three deep.
  const node: fc.Memo<OpNode> = fc.memo((depth) =>
    depth <= 1
      ? fc.record({ op: fc.constantFrom(a, b), count: fc.integer({ min: 0, max: 3 }) })
      : fc.oneof(
          fc.record({ op: fc.constantFrom(a, b), count: fc.integer({ min: 0, max: 3 }) }),
          fc.record({ body: fc.array(node(depth - 1), { maxLength: 3 }), count: fc.integer({ min: 0, max: 3 }) }),
        ),
  );
  const body = fc.array(node(3), { maxLength: 4 });
  /** What a cursor gives from where it is: each item, what iterationStart and repeats say of it, and how much it has produced. */
  const trace = (c: OpCursor) => {
    const out: unknown[] = [];
    for (let op = c.next(); op !== null; op = c.next()) out.push([op === a ? 'a' : 'b', c.repeats, c.iterationStart !== null, c.iterationsLeft, c.produced]);
    return out;
  };

  it('a cursor reset anywhere gives what a new cursor on the same body gives', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 3 }), fc.nat(40), fc.boolean(), body, fc.integer({ min: 0, max: 3 }), (first, r1, steps, taking, second, r2) => {
        const used = new OpCursor(first, r1);
        for (let i = 0; i < steps && used.next() !== null; i++) if (taking && used.repeats > 0) used.take(1);
        expect(trace(used.reset(second, r2))).toEqual(trace(new OpCursor(second, r2)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('OpCursor runs', () => {
  it('reports the rest of a counted run as repeats, and take() consumes them like next()', () => {
    const c = new OpCursor([{ op: a, count: 5 }, { op: b, count: 1 }], 1);
    expect(c.next()).toBe(a);
    expect(c.repeats).toBe(4);
    c.take(3);
    expect(c.produced).toBe(4);
    expect(c.repeats).toBe(1);
    expect(drain(c)).toBe('ab');
  });

  it('hands out a loop whose whole body is one counted run as one run', () => {
    const c = new OpCursor([{ op: a, count: 3 }], 4);
    expect(c.next()).toBe(a);
    expect(c.repeats).toBe(11);
  });

  it('refuses to take more copies than follow', () => {
    const c = new OpCursor([{ op: a, count: 2 }], 1);
    c.next();
    expect(() => c.take(2)).toThrow(RangeError);
  });
});

describe('OpCursor static lane (chargeStatic)', () => {
  const c5: Op = { kind: 'compute', cycles: 5, mode: 'kernel' };
  /** Charges `a` 10 cycles and the computation its cycles; has no recording of `b`, which the actor charges 7 (chargeLeaf). */
  const charger = {
    chargeStatic: (_id: number, op: unknown, log: string[]) => (op === a ? (log.push('a'), 10) : op === c5 ? (log.push('c'), 5) : NaN),
    kernelFor: () => null,
    runKernel: () => {},
    copiesCharged: 0,
    /** Copies charged one chargeStatic each, as the lane would charge them. */
    chargeStaticCopies(id: number, op: unknown, log: string[], t: number, stop: number, left: number): number {
      let k = 0;
      while (k < left) {
        t += this.chargeStatic(id, op, log);
        k++;
        if (t >= stop) break;
      }
      this.copiesCharged = k;
      return t;
    },
  };

  it('charges recorded operations in order and stops at the first without one, which next() then gives', () => {
    const c = new OpCursor([{ op: a, count: 3 }, { body: [{ op: b, count: 1 }, { op: a, count: 1 }], count: 2 }], 1);
    const log: string[] = [];
    expect(c.chargeStatic(charger, log, 0, Infinity, Infinity, true)).toBe(30);
    expect(c.laneOps).toBe(3);
    expect(c.produced).toBe(3);
    expect(c.next()).toBe(b);
    expect(c.produced).toBe(4);
    expect(c.chargeStatic(charger, log, 30, Infinity, Infinity, true)).toBe(40);
    expect(drain(c)).toBe('ba');
    expect(c.produced).toBe(countOps([{ op: a, count: 3 }, { body: [{ op: b, count: 1 }, { op: a, count: 1 }], count: 2 }]));
  });

  it('with `unrecorded` (a single stream), charges an operation without a recording by it and goes on, but leaves a run of copies to the runner', () => {
    const body: OpNode[] = [{ op: a, count: 1 }, { op: b, count: 1 }, { op: a, count: 1 }];
    const c = new OpCursor(body, 2);
    const log: string[] = [];
    /** What the runner would charge `b` by: 7 cycles. */
    const unrecorded = (op: unknown) => (op === b ? (log.push('B'), 7) : NaN);
    expect(c.chargeStatic(charger, log, 0, Infinity, Infinity, false, unrecorded)).toBe(2 * (10 + 7 + 10));
    expect(log.join('')).toBe('aBaaBa');
    expect(c.laneOps).toBe(6);
    expect(c.produced).toBe(6);
    expect(c.next()).toBeNull();
    // The stop is checked after it, as the runner's loop checks it.
    const cut = new OpCursor(body, 2);
    expect(cut.chargeStatic(charger, [], 0, 15, Infinity, false, () => 7)).toBe(17);
    expect(cut.laneOps).toBe(2);
    expect(cut.next()).toBe(a);
    // Copies follow: the runner charges the run (chargeRun, in the actor's own loop).
    const run = new OpCursor([{ op: a, count: 1 }, { op: b, count: 3 }], 1);
    expect(run.chargeStatic(charger, [], 0, Infinity, Infinity, false, () => 7)).toBe(10);
    expect(run.next()).toBe(b);
    expect(run.repeats).toBe(2);
  });

  it('stops once the time reaches stop, inside a counted run, which continues from there', () => {
    const c = new OpCursor([{ op: a, count: 5 }, { op: b, count: 1 }], 1);
    const log: string[] = [];
    expect(c.chargeStatic(charger, log, 0, 25, Infinity, true)).toBe(30);
    expect(c.laneOps).toBe(3);
    expect(c.next()).toBe(a);
    expect(c.repeats).toBe(1);
  });

  it('leaves a computation that would cross stop to the runner, but not a further copy of the run it is charging', () => {
    const first = new OpCursor([{ op: c5, count: 3 }], 1);
    expect(first.chargeStatic(charger, [], 0, 3, Infinity, true)).toBe(0);
    expect(first.next()).toBe(c5);
    expect(first.repeats).toBe(2);
    const copies = new OpCursor([{ op: c5, count: 3 }], 1);
    expect(copies.chargeStatic(charger, [], 0, 7, Infinity, true)).toBe(10); // the runner's loop charges the copies whole
    const uncut = new OpCursor([{ op: c5, count: 3 }], 1);
    expect(uncut.chargeStatic(charger, [], 0, 3, Infinity, false)).toBe(5); // interrupt work is never cut
  });

  it('in bulk, stops before a loop iteration begins and before a long counted run, the bulk paths\' cues', () => {
    const loop = new OpCursor([{ body: [{ op: a, count: 1 }, { op: a, count: 1 }], count: 3 }], 1);
    expect(loop.chargeStatic(charger, [], 0, Infinity, 8, true)).toBe(0);
    expect(loop.next()).toBe(a);
    expect(loop.iterationStart).not.toBeNull();
    const run = new OpCursor([{ op: a, count: 20 }], 1);
    expect(run.chargeStatic(charger, [], 0, Infinity, 8, true)).toBe(0);
    expect(run.next()).toBe(a);
    expect(run.repeats).toBe(19);
  });
});
