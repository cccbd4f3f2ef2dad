import { describe, expect, it } from 'vitest';
import { SetAssocLru } from './setAssocLru.js';

describe('SetAssocLru', () => {
  it('evicts the least recently used entry of a full set', () => {
    const c = new SetAssocLru({ entries: 2, ways: 2 });
    c.fill(10);
    c.fill(20);
    expect(c.lookup(10)).toBe(true); // 10 becomes MRU, 20 is LRU
    c.fill(30);
    expect([c.contains(10), c.contains(20), c.contains(30)]).toEqual([true, false, true]);
  });

  it('a cyclic sweep one entry larger than a fully associative LRU cache never hits', () => {
    const c = new SetAssocLru({ entries: 8, ways: 8 });
    let hits = 0;
    for (let round = 0; round < 5; round++) for (let k = 0; k < 9; k++) hits += c.access(k) ? 1 : 0;
    expect(hits).toBe(0);
  });

  it('a cyclic sweep that fits hits on every pass after the first', () => {
    const c = new SetAssocLru({ entries: 8, ways: 8 });
    let hits = 0;
    for (let round = 0; round < 5; round++) for (let k = 0; k < 8; k++) hits += c.access(k) ? 1 : 0;
    expect(hits).toBe(4 * 8);
  });

  it('keys map to sets by their low bits, so a direct-mapped cache conflicts on equal residues', () => {
    const c = new SetAssocLru({ entries: 4, ways: 1 });
    c.fill(1);
    c.fill(2 ** 40 + 5); // residue 1 mod 4 too
    expect(c.contains(1)).toBe(false);
    expect(c.contains(2 ** 40 + 5)).toBe(true);
    c.fill(2);
    expect(c.contains(2 ** 40 + 5)).toBe(true);
  });

  it('keys above 2^32 are distinct even when their low 32 bits agree', () => {
    const c = new SetAssocLru({ entries: 4, ways: 4 });
    c.fill(2 ** 33 + 7);
    expect(c.lookup(2 ** 34 + 7)).toBe(false);
    expect(c.lookup(2 ** 33 + 7)).toBe(true);
  });

  it('flush invalidates everything; a zero-entry structure never hits', () => {
    const c = new SetAssocLru({ entries: 4, ways: 2 });
    c.fill(3);
    c.flush();
    expect(c.lookup(3)).toBe(false);
    const none = new SetAssocLru({ entries: 0, ways: 1 });
    expect(none.access(3)).toBe(false);
    expect(none.access(3)).toBe(false);
  });

  it('rejects entries that are not a multiple of ways', () => {
    expect(() => new SetAssocLru({ entries: 6, ways: 4 })).toThrow(/multiple of ways/);
  });
});

describe('SetAssocLru with frame hashing', () => {
  it('lines of one frame fill consecutive sets; frames whose numbers share low bits spread over sets', () => {
    const c = new SetAssocLru({ entries: 512, ways: 1 }, { frameLines: 64 });
    for (let line = 0; line < 64; line++) c.fill(2 ** 40 + line); // one frame: 64 lines, 64 distinct sets
    let kept = 0;
    for (let line = 0; line < 64; line++) kept += c.contains(2 ** 40 + line) ? 1 : 0;
    expect(kept).toBe(64);
    // Eight frames 2^20 lines apart: unhashed they would all land in the same sets.
    const d = new SetAssocLru({ entries: 512, ways: 1 }, { frameLines: 64 });
    for (let f = 0; f < 8; f++) d.fill(f * 2 ** 20);
    let distinct = 0;
    for (let f = 0; f < 8; f++) distinct += d.contains(f * 2 ** 20) ? 1 : 0;
    expect(distinct).toBeGreaterThan(1);
  });
});

describe('SetAssocLru slot hints (16+ ways)', () => {
  it('behave exactly like the plain scan: same hits and evictions over a random key stream', () => {
    // Same geometry with 16 ways (hinted) checked against a reference LRU list.
    const c = new SetAssocLru({ entries: 32, ways: 16 });
    const sets: number[][] = [[], []];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const key = (x >>> 8) % 80 + (i % 3 === 0 ? 2 ** 40 : 0);
      const set = sets[(key >>> 0) % 2];
      const at = set.indexOf(key);
      const expected = at >= 0;
      if (at >= 0) set.splice(at, 1);
      else if (set.length === 16) set.shift();
      set.push(key);
      expect(c.access(key)).toBe(expected);
    }
  });
});
