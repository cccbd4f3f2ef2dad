// The 97.5% quantile of Student's t distribution, for two-sided 95%
// confidence intervals of a mean from few replicates. simple-statistics has
// no t quantile (and its probit is only good to about 1e-3), so t is expanded
// around the exact normal quantile.

/** The standard normal 97.5% quantile, Φ⁻¹(0.975). */
const Z975 = 1.959963984540054;

/**
 * Exact values for 1–4 degrees of freedom, where the expansion below is
 * poor; standard t-table entries (they are mathematical constants, not data).
 */
const SMALL_DF = [12.706204736, 4.302652730, 3.182446305, 2.776445105];

/**
 * t₀.₉₇₅ with `df` degrees of freedom. For df ≥ 5 the Cornish–Fisher
 * expansion of t around the normal quantile z (Abramowitz & Stegun 26.7.5),
 * within 3e-4 of the exact value at df 5 and closer above.
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new RangeError(`degrees of freedom must be ≥ 1, got ${df}`);
  if (df <= SMALL_DF.length && Number.isInteger(df)) return SMALL_DF[df - 1];
  const z = Z975;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7, z9 = z ** 9;
  return z
    + (z3 + z) / (4 * df)
    + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2)
    + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
    + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4);
}
