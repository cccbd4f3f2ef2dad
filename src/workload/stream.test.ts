import { describe, expect, it } from 'vitest';
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
