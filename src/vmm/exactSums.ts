// Repeated additions in binary floating point, taken at once and exactly.
// Inside one binade [lo, 2·lo) every double is a multiple of the binade's
// spacing u = lo·2^-52, so adding an amount a ≥ 0 to any total T of the
// binade gives T + round(a/u)·u, the same step whatever T is, as long as the
// sum stays inside the binade and a/u is not halfway between two integers
// (round-half-to-even would then depend on T's last bit). So n further
// additions of a are T + n·round(a/u)·u, one exact multiplication and one
// exact addition: the basis of every counted-run shortcut (Ledger.runLimit,
// chargeRun.ts advanceRun), for whole and fractional amounts alike.

/** The smallest positive normal double: below it the spacing is fixed and these rules are not used. */
export const MIN_NORMAL = 2 ** -1022;

/** A binade's spacing over its lower bound. */
const ULP_OF_ONE = 2 ** -52;

/** A double and its two 32-bit halves; HIGH is the index of the half holding sign and exponent (the platform's byte order). */
const bits = new Float64Array(1);
const halves = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The binade of `x`: its lower bound lo (a power of two with lo ≤ x < 2·lo);
 * x must be normal, finite and positive. Exactly x with its fraction bits
 * cleared (no logarithm: this is on the bulk paths' every call).
 */
export function binadeLow(x: number): number {
  bits[0] = x;
  halves[HIGH] &= 0xfff00000;
  halves[1 - HIGH] = 0;
  return bits[0];
}

/** The spacing of doubles in the binade whose lower bound is `lo`. */
export function spacingOf(lo: number): number {
  return lo * ULP_OF_ONE;
}

/**
 * The step, in units of the spacing `u`, that adding `amount` (≥ 0) makes to
 * any total of the binade: round(amount/u) to nearest; −1 when that is a tie
 * (the rounding then depends on the total) or not finite.
 */
export function stepUnits(amount: number, u: number): number {
  const q = amount / u; // exact: u is a power of two
  if (!Number.isFinite(q)) return -1;
  const whole = Math.floor(q);
  const frac = q - whole;
  if (frac === 0.5) return -1;
  return frac < 0.5 ? whole : whole + 1;
}

/**
 * The exact step that adding `values[from … to)` (each ≥ 0), one after
 * another, makes to any total of the binade [lo, 2·lo) while the sums stay
 * inside it: the sum of their rounded steps; NaN when one is a tie.
 */
export function binadeStep(values: ArrayLike<number>, from: number, to: number, lo: number): number {
  const u = spacingOf(lo);
  let units = 0;
  for (let i = from; i < to; i++) {
    const k = stepUnits(values[i], u);
    if (k < 0) return NaN;
    units += k;
  }
  return units * u;
}

/**
 * The most steps n, 0 to `most`, with t + n·step < bound, where every
 * t + k·step up to bound is exact (inside t's binade, bound ≤ its top):
 * found from one division, then corrected by exact comparisons. `step` ≥ 0;
 * 0 steps never move t.
 */
export function stepsBelow(t: number, step: number, most: number, bound: number): number {
  if (most <= 0 || !(t + step < bound)) return 0;
  if (step === 0) return most;
  let n = Math.max(1, Math.min(most, Math.floor((bound - t) / step)));
  while (n > 1 && t + n * step >= bound) n--;
  while (n < most && t + (n + 1) * step < bound) n++;
  return n;
}
