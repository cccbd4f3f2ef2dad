import { describe, expect, it } from 'vitest';
import { compileShared, sharedFunctionCount } from '../engine/compiledCode.js';
import { ChargeTape, compileCopies, compileTape } from './chargeTape.js';

const tape = (amounts: number[]): ChargeTape => {
  const t = new ChargeTape();
  amounts.forEach((a, i) => t.add(1, i, a));
  t.seal(amounts.reduce((x, y) => x + y, 0));
  return t;
};

describe('compileShared', () => {
  it('compiles a source once: the same parameters and source give the same function, others a new one', () => {
    const f = compileShared<(a: number) => number>(['a'], 'return a + 1;');
    expect(compileShared(['a'], 'return a + 1;')).toBe(f);
    expect(compileShared(['b'], 'return a + 1;')).not.toBe(f);
    expect(compileShared(['a'], 'return a + 2;')).not.toBe(f);
    expect(f(1)).toBe(2);
  });

  it('tapes with the same additions share their compiled replay and copies loop; tapes that differ do not', () => {
    const a = tape([3, 0.5]);
    const b = tape([3, 0.5]);
    const c = tape([3, 0.25]);
    expect(compileTape(a)).toBe(compileTape(b));
    expect(compileTape(a)).not.toBe(compileTape(c));
    expect(compileCopies(a)).toBe(compileCopies(b));
    expect(compileCopies(a)).not.toBe(compileCopies(c));
    // The shared replay adds the tape's amounts to the arrays it is given.
    const cycles = new Float64Array(2);
    const none = new Float64Array(0);
    compileTape(b)(none, cycles, none, none, none);
    expect([...cycles]).toEqual([3, 0.5]);
  });

  it('keeps a bounded number of functions, and still compiles past the bound', () => {
    for (let i = 0; i < 5000; i++) compileShared(['x'], `return x + ${i};`);
    expect(sharedFunctionCount()).toBeLessThanOrEqual(4096);
    const late = compileShared<(x: number) => number>(['x'], 'return x * 4999;');
    expect(late(2)).toBe(9998);
  });
});
