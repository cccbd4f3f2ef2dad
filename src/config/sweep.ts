// Sweep expansion: a scenario's `sweep:` block (grid × zip of dotted override
// keys) becomes a list of points, each a list of overrides applied exactly
// like `--set`, tagged with the values that make the point unique.
import { z } from 'zod';
import { deriveSeed } from '../engine/rng.js';
import { InputError, type Origin } from './errors.js';
import { FORBIDDEN_KEYS, keyPath, type Override } from './overrides.js';
import type { KeyPath } from '../workload/expand.js';
import { DEFAULT_LIMITS, formatCount, LIMIT_FLAGS } from './limits.js';

/**
 * Most points a sweep may expand to. A typo such as a 1000-value list crossed
 * with another is caught here rather than after hours of simulation.
 */
export const MAX_SWEEP_POINTS = DEFAULT_LIMITS.maxSweepPoints;

/** Most replicates a scenario may ask for. */
export const MAX_REPLICATES = 1_000;

/**
 * The sweep key that selects one execution mode per point: `vmm: [native,
 * hardware]` makes each point run just that mode (its `vmms` becomes
 * `[value]`). To compare several modes inside every point, list them in
 * `vmms:` and sweep something else.
 */
export const MODE_SWEEP_KEY = 'vmm';

const dottedKey = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a dotted key such as cpu.vmx.vmExitCycles')
  .refine((k) => !/^(sweep|set|replicates)(\.|$)/.test(k), 'sweep, set and replicates cannot be swept')
  .refine((k) => !k.split('.').some((s) => FORBIDDEN_KEYS.has(s)), `a key of parameters, not of ${[...FORBIDDEN_KEYS].join(', ')}`);

const factor = z.record(dottedKey, z.array(z.unknown()).min(1));

/** The `sweep:` block of a scenario. */
export const SweepSchema = z
  .strictObject({
    grid: factor
      .default({})
      .describe('cartesian product: every combination of the listed values (the last key varies fastest)'),
    zip: factor
      .default({})
      .describe('paired lists of equal length: the i-th values go together; crossed with the grid'),
  })
  .describe('parameters to sweep by dotted key (as in set:): cpu (a preset), vmm (one mode per point), cpu.vmx.vmExitCycles, …');

/** A validated sweep block. */
export type Sweep = z.infer<typeof SweepSchema>;

/** The value a point is tagged with in results: scalars as written, anything else as compact JSON. */
export type ParamValue = string | number | boolean;

/** One sweep point: the overrides that define it and the values that tag it. */
export interface SweepPoint {
  /** Position in expansion order, from 0. */
  index: number;
  /** Swept key → value, in the order the keys are written (grid first, then zip). */
  params: Record<string, ParamValue>;
  /** The point's overrides, each located at the sweep entry that supplies it. */
  overrides: Override[];
}

/** Where a key path inside the scenario file is written. */
export type SweepLocator = (path: KeyPath, atKey?: boolean) => Origin;

/** Number of points `sweep` expands to (1 without a sweep). */
export function countPoints(sweep: Sweep | undefined): number {
  if (!sweep) return 1;
  let n = 1;
  for (const values of Object.values(sweep.grid)) n *= values.length;
  const zipLen = Object.values(sweep.zip)[0]?.length ?? 1;
  return n * zipLen;
}

/**
 * Expand a sweep into points: grid (cartesian, last key fastest) × zip (paired
 * lists, fastest of all). Without a sweep there is one point with no
 * overrides. Throws a located InputError for zip lists of unequal length, a
 * key swept twice, two keys of which one lies inside the other, or more than
 * `maxPoints` points.
 */
export function expandSweep(sweep: Sweep | undefined, locate: SweepLocator, maxPoints = MAX_SWEEP_POINTS): SweepPoint[] {
  if (!sweep) return [{ index: 0, params: {}, overrides: [] }];
  const zipKeys = Object.keys(sweep.zip);
  const zipLen = zipKeys.length ? sweep.zip[zipKeys[0]].length : 1;
  for (const k of zipKeys) {
    if (sweep.zip[k].length !== zipLen) {
      throw new InputError(
        `zip lists must have equal lengths: ${k} has ${sweep.zip[k].length} values, ${zipKeys[0]} has ${zipLen}`,
        locate(['sweep', 'zip', k], true), ['sweep', 'zip', k]);
    }
    if (k in sweep.grid) {
      throw new InputError(`${k} is swept in both grid and zip; sweep it in one of them`, locate(['sweep', 'zip', k], true), ['sweep', 'zip', k]);
    }
  }
  refuseOverlappingKeys(sweep, locate);
  const total = countPoints(sweep);
  if (total > maxPoints) {
    throw new InputError(
      `the sweep expands to ${formatCount(total)} points; the limit is ${formatCount(maxPoints)} (split it into several scenarios, shorten its lists, or raise the limit with ${LIMIT_FLAGS.maxSweepPoints})`,
      locate(['sweep'], true), ['sweep']);
  }
  const gridKeys = Object.keys(sweep.grid);
  const points: SweepPoint[] = [];
  const entry = (kind: 'grid' | 'zip', key: string, i: number) => {
    const value = sweep[kind][key][i];
    return { key, value, origin: locate(['sweep', kind, key, i]) };
  };
  for (let g = 0; g < total / zipLen; g++) {
    // Mixed-radix decomposition of g: the last grid key is the least significant digit.
    const chosen: Array<{ key: string; value: unknown; origin: Origin }> = [];
    let rest = g;
    for (let k = gridKeys.length - 1; k >= 0; k--) {
      const len = sweep.grid[gridKeys[k]].length;
      chosen.unshift(entry('grid', gridKeys[k], rest % len));
      rest = Math.floor(rest / len);
    }
    for (let z = 0; z < zipLen; z++) {
      const all = [...chosen, ...zipKeys.map((k) => entry('zip', k, z))];
      points.push({
        index: points.length,
        params: Object.fromEntries(all.map((e) => [e.key, tag(e.value)])),
        overrides: all.map(toOverride),
      });
    }
  }
  return points;
}

/**
 * Indexes of the points that each take one value of one swept key, every
 * other key at its first value (zip lists count as one key), in ascending
 * order: Σ list lengths points, where the sweep has their product. A value
 * refused whatever it is combined with is met among them, and for such
 * values the smallest failing index here is the first failing point of the
 * whole sweep (see expandSweep's order).
 */
export function probePoints(sweep: Sweep | undefined): number[] {
  if (!sweep) return [0];
  const zipLen = Object.values(sweep.zip)[0]?.length ?? 1;
  const picked = new Set<number>();
  for (let z = 0; z < zipLen; z++) picked.add(z);
  let stride = zipLen;
  const gridKeys = Object.keys(sweep.grid);
  for (let k = gridKeys.length - 1; k >= 0; k--) {
    const len = sweep.grid[gridKeys[k]].length;
    for (let i = 0; i < len; i++) picked.add(i * stride);
    stride *= len;
  }
  return [...picked].sort((a, b) => a - b);
}

/**
 * The parameter an override key changes, as a normalized dotted path for
 * comparing keys: `vmm` (one mode per point) changes `vmms`, and list
 * indexes are numbers (`workloads.00` is `workloads.0`).
 */
export function overrideTarget(key: string): string {
  return key === MODE_SWEEP_KEY ? 'vmms' : keyPath(key).join('.');
}

/**
 * Whether `outer` names `inner` or a mapping or list around it (normalized
 * targets, see {@link overrideTarget}), so overriding both leaves the value of
 * `inner` to the order they are applied in. `cpu` and `guest` alone pick a
 * model by name; the keys inside that model (`cpu.vmx.vmExitCycles`) are
 * separate parameters.
 */
export function targetsOverlap(outer: string, inner: string): boolean {
  return outer === inner || (outer !== 'cpu' && outer !== 'guest' && inner.startsWith(`${outer}.`));
}

/**
 * Refuse two sweep keys (grid or zip) of which one is the other or lies
 * inside it (`workloads.0` and `workloads.0.repeat`, `vmm` and `vmms`): which
 * value a point runs would depend on the order the keys are written in,
 * while each point is labelled with both. Linear in the keys: each key's
 * prefixes are looked up.
 */
function refuseOverlappingKeys(sweep: Sweep, locate: SweepLocator): void {
  type Entry = { index: number; kind: 'grid' | 'zip'; key: string };
  const all: Entry[] = [
    ...Object.keys(sweep.grid).map((key) => ({ kind: 'grid' as const, key })),
    ...Object.keys(sweep.zip).map((key) => ({ kind: 'zip' as const, key })),
  ].map((e, index) => ({ ...e, index }));
  // Located at the key written second, naming the first with its place.
  const refuse = (a: Entry, b: Entry, how: string, why = '') => {
    const [first, second] = a.index < b.index ? [a, b] : [b, a];
    const at = locate(['sweep', first.kind, first.key], true);
    throw new InputError(
      `${how} sweep.${first.kind}.${first.key} (${at.source}:${at.line}:${at.col})${why}, so which value a point runs ` +
        'would depend on the order the two are applied in, while each point is labelled with both: sweep only one of them',
      locate(['sweep', second.kind, second.key], true), ['sweep', second.kind, second.key]);
  };
  const seen = new Map<string, Entry>();
  for (const e of all) {
    const target = overrideTarget(e.key);
    const twin = seen.get(target);
    if (twin) refuse(twin, e, 'sets the same parameter as');
    seen.set(target, e);
  }
  for (const e of all) {
    const target = overrideTarget(e.key);
    const segs = target.split('.');
    for (let n = 1; n < segs.length; n++) {
      const outer = seen.get(segs.slice(0, n).join('.'));
      if (outer && targetsOverlap(overrideTarget(outer.key), target)) refuse(outer, e, 'overlaps', `: ${e.key} lies inside ${outer.key}`);
    }
  }
}

/** A swept `vmm: X` becomes `vmms: [X]`; every other key is an override as written. */
function toOverride(e: { key: string; value: unknown; origin: Origin }): Override {
  if (e.key === MODE_SWEEP_KEY) return { key: 'vmms', value: [e.value], origin: e.origin };
  return e;
}

function tag(value: unknown): ParamValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? 'null';
}

/**
 * Seed of replicate `r` of a scenario seeded `seed`: replicate 0 runs the
 * scenario seed itself (so `run` and a one-replicate sweep agree), and each
 * later replicate a seed derived from it. Every point uses the same seeds
 * (common random numbers), so differences between points are not noise.
 */
export function replicateSeed(seed: number, r: number): number {
  return r === 0 ? seed : deriveSeed(seed, r);
}
