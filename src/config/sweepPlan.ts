// A sweep as a list of tasks: points (from the scenario's `sweep:` block)
// × replicates. Task t is point ⌊t / R⌋, replicate t mod R; the same
// numbering in every process, so shards and workers agree on it.
import { createHash } from 'node:crypto';
import { InputError } from './errors.js';
import { ScenarioSource, type LoadedScenario, type LoadOptions } from './load.js';
import { withDefaults } from './limits.js';
import { expandSweep, overrideTarget, probePoints, replicateSeed, targetsOverlap, type SweepLocator, type SweepPoint } from './sweep.js';
import { parseSetFlag } from './overrides.js';

/** One unit of work: a point and a replicate. */
export interface SweepTask {
  /** Task index: point × replicates + replicate. */
  index: number;
  point: number;
  replicate: number;
}

/** Points of at most this many kept once loaded (validateAll loads every point; the run then reuses them). */
export const KEPT_POINTS = 64;

/** A scenario expanded into points, ready to be loaded point by point. */
export class SweepPlan {
  /** Loaded points, for a sweep of at most KEPT_POINTS points (a bigger one is loaded point by point, in bounded memory). */
  private readonly kept = new Map<number, LoadedScenario>();

  private constructor(
    readonly source: ScenarioSource,
    readonly options: LoadOptions,
    /** The scenario with only its own `set:` and --set applied. */
    readonly base: LoadedScenario,
    readonly points: readonly SweepPoint[],
    readonly replicates: number,
  ) {}

  /**
   * Read `file` and expand its sweep. Only the base scenario is validated
   * here; {@link validateAll} loads every point.
   */
  static create(source: ScenarioSource, options: LoadOptions = {}, maxPoints = withDefaults(options.limits).maxSweepPoints): SweepPlan {
    const base = source.load(options);
    const locate = source.locatorWith(options);
    refuseSweptOverrides(base, options.set ?? [], locate);
    const points = expandSweep(base.scenario.sweep, locate, maxPoints);
    return new SweepPlan(source, options, base, points, base.scenario.replicates);
  }

  /** Read `file` (within the input-size limit of `options`) and expand its sweep. */
  static read(file: string, options: LoadOptions = {}): SweepPlan {
    return SweepPlan.create(ScenarioSource.read(file, withDefaults(options.limits).maxInputBytes), options);
  }

  /** Number of tasks: points × replicates. */
  get taskCount(): number {
    return this.points.length * this.replicates;
  }

  /** Task `index` as point and replicate. */
  task(index: number): SweepTask {
    return { index, point: Math.floor(index / this.replicates), replicate: index % this.replicates };
  }

  /** Resolve point `p`: the base scenario with the point's overrides (a located InputError if they are invalid). */
  load(p: number): LoadedScenario {
    const kept = this.kept.get(p);
    if (kept !== undefined) return kept;
    const loaded = this.resolve(p);
    if (this.points.length <= KEPT_POINTS) this.kept.set(p, loaded);
    return loaded;
  }

  private resolve(p: number): LoadedScenario {
    const point = this.points[p];
    try {
      return this.source.load({ ...this.options, point: point.overrides });
    } catch (e) {
      if (!(e instanceof InputError) || point.overrides.length === 0) throw e;
      const values = Object.entries(point.params).map(([k, v]) => `${k}=${v}`).join(', ');
      throw new InputError(`${e.detail} — in sweep point ${p} (${values})`, e.origin, e.path);
    }
  }

  /** Seed of a task: the replicate's seed derived from the point's scenario seed. */
  seed(loaded: LoadedScenario, replicate: number): number {
    return replicateSeed(loaded.scenario.seed, replicate);
  }

  /**
   * Load every point, so any bad value fails before anything runs, and return
   * each point's fingerprint (a hash of everything that determines its
   * results: resolved scenario, models, compiled workloads), scenario seed,
   * and what its records are of (scenario and cpu names, workloads × modes).
   */
  validateAll(): Array<{ fingerprint: string; seed: number; scenario: string; cpu: string; workloads: string[]; vmms: string[] }> {
    // First one point per swept value: a value refused in every combination (a repeat past --max-ops, a
    // misspelt key) fails after Σ list lengths loads instead of up to their product (10,000 took 4 s).
    for (const p of probePoints(this.base.scenario.sweep)) this.load(p);
    return this.points.map((_, p) => {
      const loaded = this.load(p);
      return {
        fingerprint: fingerprint(loaded), seed: loaded.scenario.seed,
        scenario: loaded.scenario.name, cpu: loaded.cpu.name, workloads: loaded.workloads.map((w) => w.name), vmms: [...loaded.scenario.vmms],
      };
    });
  }
}

/**
 * A --set on a key the scenario sweeps (or on a key inside or around one)
 * would run every point at the --set value while each point is labelled with
 * its swept value: refused, naming both. Keys are compared as the
 * parameters they set ({@link overrideTarget}, {@link targetsOverlap}), as
 * sweep keys are compared with each other.
 */
function refuseSweptOverrides(base: LoadedScenario, set: readonly string[], locate: SweepLocator): void {
  const sweep = base.scenario.sweep;
  if (!sweep || set.length === 0) return;
  const swept = [...Object.keys(sweep.grid).map((k) => ['grid', k] as const), ...Object.keys(sweep.zip).map((k) => ['zip', k] as const)];
  for (const flag of set) {
    const o = parseSetFlag(flag);
    const key = overrideTarget(o.key);
    const hit = swept.find(([, k]) => targetsOverlap(key, overrideTarget(k)) || targetsOverlap(overrideTarget(k), key));
    if (!hit) continue;
    const [kind, k] = hit;
    const at = locate(['sweep', kind, k], true);
    const where = at.line === undefined ? at.source : `${at.source}:${at.line}:${at.col ?? 1}`;
    throw new InputError(
      `${k} is swept by the scenario (${where}: sweep.${kind}.${k}); a --set of it would run every point at one value ` +
        'while labelling each with its swept value: drop the --set, or change the sweep',
      o.origin,
    );
  }
}

/** A hash of a resolved point: equal fingerprints simulate identically. */
export function fingerprint(loaded: LoadedScenario): string {
  const { file: _file, workloadOrigins: _origins, limits: _limits, estimates: _estimates, ...rest } = loaded;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}
