import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binadeLow, MIN_NORMAL, spacingOf, stepsBelow, stepUnits } from './exactSums.js';

describe('exact sums', () => {
  it('binadeLow is the power of two at or below x, for every positive normal double', () => {
    fc.assert(
      fc.property(fc.double({ min: MIN_NORMAL, max: Number.MAX_VALUE, noNaN: true }), (x) => {
        const lo = binadeLow(x);
        expect(lo <= x && x < 2 * lo).toBe(true);
        expect(Number.isInteger(Math.log2(lo))).toBe(true);
      }),
      { numRuns: 20000 },
    );
    expect(binadeLow(1)).toBe(1);
    expect(binadeLow(2 - 2 ** -52)).toBe(1);
    expect(binadeLow(Number.MAX_VALUE)).toBe(2 ** 1023);
    expect(binadeLow(MIN_NORMAL)).toBe(MIN_NORMAL);
  });

  it('a step inside a binade is the same for every total in it, and ties are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 2 ** 30 }), (e, amount, k) => {
        const lo = 2 ** e;
        const u = spacingOf(lo);
        const total = lo + ((k * u) % lo);
        const units = stepUnits(amount, u);
        if (units < 0) return;
        const sum = total + amount;
        if (sum < 2 * lo) expect(sum).toBe(total + units * u);
      }),
      { numRuns: 20000 },
    );
    expect(stepUnits(0.5, 1)).toBe(-1);
    expect(stepUnits(1.5, 1)).toBe(-1);
    expect(stepUnits(1.25, 1)).toBe(1);
  });

  it('stepsBelow: the most steps that end below the bound, also when the gap is a whole number of steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 20 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 10000 }), fc.boolean(),
        (e, k, units, steps, most, whole) => {
          const lo = 2 ** e;
          const u = spacingOf(lo);
          const t = lo + k * u;
          const step = units * u;
          // A bound a whole number of steps away, or anywhere after the first step.
          const bound = Math.min(2 * lo, whole ? t + steps * step : t + step + (steps * step) / 3);
          const n = stepsBelow(t, step, most, bound);
          if (!(t + step < bound)) {
            expect(n).toBe(0);
            return;
          }
          expect(n >= 1 && n <= most).toBe(true);
          expect(t + n * step < bound).toBe(true);
          if (n < most) expect(t + (n + 1) * step >= bound).toBe(true);
        }),
      { numRuns: 20000 },
    );
    expect(stepsBelow(8, 1, 100, 12)).toBe(3); // 9, 10, 11 < 12; 12 is not
    expect(stepsBelow(8, 0, 100, 12)).toBe(100);
    expect(stepsBelow(8, 4, 100, 12)).toBe(0); // the first step already reaches the bound
    expect(stepsBelow(8, 1, 0, 12)).toBe(0);
  });
});
