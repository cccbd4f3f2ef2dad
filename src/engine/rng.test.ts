import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng } from './rng.js';

describe('Rng', () => {
  it('the same seed gives the same sequence', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
  });

  it('different seeds give different sequences', () => {
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it('values lie in [0, 1) and int(n) in [0, n)', () => {
    const r = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
    }
  });

  it('deriveSeed is deterministic and distinct per replicate', () => {
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => deriveSeed(1, i)));
    expect(seeds.size).toBe(100);
  });
});
