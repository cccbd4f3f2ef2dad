import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SetAssocLru, WIDE_WAYS, frameHash } from './setAssocLru.js';

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

/**
 * The reference: each set a plain array of its valid keys, least recently
 * used first; a hit moves the key to the end, a fill into a full set drops
 * the first. Sets are chosen by the documented rule (low 32 bits modulo the
 * set count, or the frame hash), so only replacement is under test.
 */
class ReferenceLru {
  private readonly sets: number[][];
  constructor(private readonly entries: number, private readonly ways: number, private readonly frameLines = 0) {
    this.sets = Array.from({ length: entries / ways }, () => []);
  }
  private set(key: number): number[] {
    const n = this.sets.length;
    if (this.frameLines > 0) {
      const fl = this.frameLines;
      return this.sets[(frameHash(key, fl) % (n / fl)) * fl + (key % fl)];
    }
    return this.sets[(key >>> 0) % n];
  }
  contains(key: number): boolean {
    return this.sets.length > 0 && this.set(key).includes(key);
  }
  lookup(key: number): boolean {
    if (this.sets.length === 0) return false;
    const set = this.set(key);
    const at = set.indexOf(key);
    if (at < 0) return false;
    set.splice(at, 1);
    set.push(key);
    return true;
  }
  fill(key: number): void {
    if (this.sets.length === 0) return;
    const set = this.set(key);
    if (set.length === this.ways) set.shift();
    set.push(key);
  }
  access(key: number): boolean {
    if (this.lookup(key)) return true;
    this.fill(key);
    return false;
  }
  flush(): void {
    for (const set of this.sets) set.length = 0;
  }
}

describe('SetAssocLru against a plain-array LRU (fast-check)', () => {
  // Geometries: narrow (scanned) and wide (WideSets), one set or several, a
  // set count that is not a power of two, with and without frame hashing.
  const geometries = [
    { entries: 8, ways: 1 }, { entries: 8, ways: 2 }, { entries: 12, ways: 4 }, { entries: 8, ways: 8 },
    { entries: WIDE_WAYS - 1, ways: WIDE_WAYS - 1 }, { entries: 16, ways: 16 }, { entries: 48, ways: 16 },
    { entries: 24, ways: 24 }, { entries: 64, ways: 64 }, { entries: 128, ways: 32 },
    { entries: 64, ways: 16, frameLines: 2 }, { entries: 32, ways: 2, frameLines: 4 },
  ];
  // Keys that come back often (a pool of 24, so a key is used again across
  // flushes and after eviction), and rarer ones from a wider range; high
  // parts above 2^32 share the low bits.
  const high = fc.constantFrom(0, 2 ** 32, 2 ** 40, 2 ** 52 - 2 ** 33);
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 0, max: 11 }), fc.constantFrom(0, 2 ** 40)).map(([lo, hi]) => hi + lo) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 150 }), high).map(([lo, hi]) => hi + lo) },
  );
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('access' as const), key }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('lookupThenFill' as const), key }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('lookup' as const), key }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('fill' as const), key }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('contains' as const), key }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
  );

  it('every geometry gives the reference hit/miss on every operation of random key and flush sequences', () => {
    fc.assert(
      fc.property(fc.constantFrom(...geometries), fc.array(op, { maxLength: 600 }), (g, ops) => {
        const fl = ('frameLines' in g ? g.frameLines : undefined) ?? 0;
        const c = new SetAssocLru(g, fl > 0 ? { frameLines: fl } : undefined);
        const ref = new ReferenceLru(g.entries, g.ways, fl);
        const seen = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'flush') {
            c.flush();
            ref.flush();
            continue;
          }
          seen.add(o.key);
          switch (o.kind) {
            case 'access':
              expect(fl > 0 ? c.accessHashed(o.key, frameHash(o.key, fl)) : c.access(o.key)).toBe(ref.access(o.key));
              break;
            case 'lookupThenFill': // the TLB's way: look up, walk, fill on a miss
              if (!ref.lookup(o.key)) {
                expect(c.lookup(o.key)).toBe(false);
                c.fill(o.key);
                ref.fill(o.key);
              } else expect(c.lookup(o.key)).toBe(true);
              break;
            case 'lookup':
              expect(c.lookup(o.key)).toBe(ref.lookup(o.key));
              break;
            case 'fill': // fill takes an absent key
              if (!ref.contains(o.key)) {
                c.fill(o.key);
                ref.fill(o.key);
              }
              break;
            case 'contains':
              expect(c.contains(o.key)).toBe(ref.contains(o.key));
              break;
          }
        }
        for (const k of seen) expect(c.contains(k)).toBe(ref.contains(k));
      }),
      { numRuns: 1000 },
    );
  });

  it('a key filled again after a flush, while its flushed copy is still in the set, is found and held once', () => {
    for (const direct of [false, true]) {
      const c = new SetAssocLru({ entries: 16, ways: 16 });
      expect(c.access(5)).toBe(false); // 5 is now MRU of the set
      c.flush();
      if (direct) c.fill(5); // no lookup before it
      else expect(c.access(5)).toBe(false);
      expect(c.lookup(5)).toBe(true);
      for (let k = 100; k < 115; k++) c.fill(k); // 15 more keys: the set is full, 5 is its LRU
      expect(c.contains(5)).toBe(true);
      c.fill(200);
      expect(c.contains(5)).toBe(false);
    }
  });

  it('a fully associative 64-way set filled with fresh keys holds exactly the 64 most recent since the last flush', () => {
    const c = new SetAssocLru({ entries: 64, ways: 64 });
    let flushedAt = 0;
    for (let i = 0; i < 5000; i++) {
      if (i % 1000 === 500) {
        c.flush();
        flushedAt = i;
      }
      c.fill(2 ** 40 + i);
      const held = Math.min(64, i - flushedAt + 1);
      expect(c.contains(2 ** 40 + i - held + 1)).toBe(true);
      expect(c.contains(2 ** 40 + i - held)).toBe(false);
    }
  });
});
