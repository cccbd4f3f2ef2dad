// The library's arguments are input like a scenario file: a study passing
// NaN as a seed, a negative limit or a string where a scenario goes gets an
// InputError naming the function and the option, as a typo in a file does —
// not a TypeError deep inside, a limit that turns itself off (every
// comparison with NaN is false) or a record stamped with a NaN seed.
import { MAX_JSON_NESTING, nestedDeeperThan } from '../workload/jsonLine.js';
import { z } from 'zod';
import { InputError } from '../config/errors.js';
import { SweepPlan } from '../config/sweepPlan.js';
import { validate } from '../config/zodIssues.js';
import type { KeyPath } from '../workload/expand.js';
import { MissPriceCache } from '../mmu/missPrice.js';
import { TraceCache } from '../workload/traceCursor.js';
import { WarmWorkers } from '../run/workerPool.js';

/** A seed, as a scenario's `seed:` takes it. */
const Seed = z.int().nonnegative().max(2 ** 32 - 1);
/** A count or index that stays exact. */
const Whole = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A limit: a positive whole number (see Limits). */
const Limit = z.int().positive().max(Number.MAX_SAFE_INTEGER);

/** A value an override may take: what a `--set` value written as YAML can be. */
const OverrideValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number().finite(), z.boolean(), z.null(), z.array(OverrideValue), z.record(z.string(), OverrideValue)]));

const ScenarioOptions = z.strictObject({
  set: z.union([
    z.array(z.string()),
    z.record(z.string().regex(/^[^=]+$/, 'an override key has no "=" (the value goes in the value)'), OverrideValue),
  ]).optional(),
  modelsDir: z.string().optional(),
  limits: z.strictObject({
    maxInputBytes: Limit.optional(),
    maxOpsPerRun: Limit.optional(),
    maxSweepPoints: Limit.optional(),
    maxSimSeconds: Limit.optional(),
    maxEvents: Limit.optional(),
    maxResultBytes: Limit.optional(),
  }).optional(),
});

/**
 * The command line's own options (a progress observer, caches shared across
 * points, workers started ahead): what it passes, or unset — anything else
 * was a TypeError deep inside a run (`options.observer?.started is not a function`).
 */
const observer = z.custom<unknown>((v) => v !== null && typeof v === 'object' && typeof (v as { started?: unknown }).started === 'function',
  'expected an observer with a started() method (for the command line\'s own use: leave it unset)');
const instance = (cls: abstract new (...args: never[]) => unknown, what: string) =>
  z.custom<unknown>((v) => v instanceof cls, `expected ${what} (for the command line's own use: leave it unset)`);

const RunOptions = {
  jobs: z.int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  components: z.boolean().optional(),
  onTask: z.custom<unknown>((v) => typeof v === 'function', 'expected a function').optional(),
  warm: instance(WarmWorkers, 'the workers warmWorkersFor() started').optional(),
};

const SweepOptions = ScenarioOptions.extend({
  ...RunOptions,
  shard: z.strictObject({ index: z.int().positive().max(Number.MAX_SAFE_INTEGER), count: z.int().positive().max(Number.MAX_SAFE_INTEGER) })
    .refine((s) => s.index <= s.count, { message: 'expected 1 ≤ index ≤ count', path: ['index'] })
    .optional(),
});

const RunTasksOptions = z.strictObject({ ...RunOptions, faultPoint: Whole.nullable().optional(), observer: observer.optional() });

const SimulateOptions = z.strictObject({ seed: Seed.optional() });

const RunScenarioOptions = z.strictObject({
  components: z.boolean().optional(),
  point: Whole.optional(),
  params: z.record(z.string(), z.union([z.string(), z.number().finite(), z.boolean()])).optional(),
  replicate: Whole.optional(),
  seed: Seed.optional(),
  observer: observer.optional(),
  bulk: z.boolean().optional(),
  tapes: z.boolean().optional(),
  traces: instance(TraceCache, 'a TraceCache').optional(),
  missPrices: instance(MissPriceCache, 'a MissPriceCache').optional(),
});

const SCHEMAS = {
  loadScenario: ScenarioOptions,
  planScenario: ScenarioOptions,
  sweep: SweepOptions,
  runTasks: RunTasksOptions,
  simulate: SimulateOptions,
  runScenario: RunScenarioOptions,
} as const;

/** Check the options object of library function `fn` (undefined is no options); InputError naming the option. */
export function checkOptions(fn: keyof typeof SCHEMAS, options: unknown): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw argumentError(fn, 'options', `expected an object of options or nothing, got ${kind(options)}`);
  // Override values are written as JSON, and checked recursively: a value nested past what any parameter
  // needs (or one that refers to itself, which nests without end) is refused before the schema's recursion.
  const set = (options as { set?: unknown }).set;
  if (set !== null && typeof set === 'object' && nestedDeeperThan(set, MAX_JSON_NESTING + 1)) { // the set: object itself is one level
    let circular = false;
    try {
      JSON.stringify(set);
    } catch (e) {
      circular = e instanceof TypeError;
    }
    throw argumentError(fn, 'options', circular
      ? 'set: a value refers to itself (a circular object); expected values that can be written as JSON'
      : `set: a value nests more than ${MAX_JSON_NESTING} levels deep; expected values of a parameter's modest depth`);
  }
  validate(SCHEMAS[fn] as z.ZodType, options, () => ({ source: `${fn}() options` }), `options of ${fn}()`);
}

/** Check that argument `name` of `fn` is a non-empty string (a file, a workload or a mode name). */
export function checkString(fn: string, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') throw argumentError(fn, name, `expected a non-empty string, got ${kind(value)}`);
}

/**
 * The scenarios loadScenario() returned, each frozen (its compiler, a class
 * instance with caches, aside): what runScenario() and simulate() run is what
 * loadScenario() checked. An object built or copied by hand, or a loaded
 * scenario with a workload's repeat set to Infinity afterwards, would reach
 * the simulation unchecked — a TypeError deep inside, a run that never ends,
 * a NaN in a record; a parameter is changed with loadScenario's `set`.
 */
const LOADED = new WeakSet<object>();

/** Freeze `loaded` (all but its compiler) and remember it as checked; returns it. */
export function sealLoaded<T extends object>(loaded: T): T {
  const freeze = (v: unknown): void => {
    // A typed array with elements cannot be frozen (it would throw); none is reachable from a loaded scenario today.
    if (v === null || typeof v !== 'object' || Object.isFrozen(v) || ArrayBuffer.isView(v)) return;
    Object.freeze(v);
    for (const k of Reflect.ownKeys(v)) freeze((v as Record<PropertyKey, unknown>)[k]);
  };
  for (const [k, v] of Object.entries(loaded)) if (k !== 'compiler') freeze(v);
  Object.freeze(loaded);
  LOADED.add(loaded);
  return loaded;
}

/** Check that argument `name` of `fn` is a scenario loadScenario() returned. */
export function checkLoaded(fn: string, name: string, value: unknown): void {
  if (value !== null && typeof value === 'object' && LOADED.has(value)) return;
  const got = value !== null && typeof value === 'object' && !Array.isArray(value)
    ? 'an object loadScenario() did not return (a copy, or one built by hand); change parameters with loadScenario()\'s set option, which checks them'
    : kind(value);
  throw argumentError(fn, name, `expected a loaded scenario (what loadScenario() returns), got ${got}`);
}

/** Check that argument `plan` of `fn` is a SweepPlan (what planScenario() returns); sweep() also takes a file name there. */
export function checkPlan(fn: 'sweep' | 'runTasks', plan: unknown): void {
  if (!(plan instanceof SweepPlan)) {
    throw argumentError(fn, fn === 'sweep' ? 'file' : 'plan', `expected a sweep plan (what planScenario() returns)${fn === 'sweep' ? ' or a scenario file name' : ''}, got ${kind(plan)}`);
  }
}

/** Check task numbers for runTasks: whole numbers below the plan's task count. */
export function checkTasks(tasks: unknown, taskCount: number): void {
  if (!Array.isArray(tasks)) throw argumentError('runTasks', 'tasks', `expected an array of task numbers, got ${kind(tasks)}`);
  const i = tasks.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= taskCount);
  if (i >= 0) throw argumentError('runTasks', 'tasks', `expected whole numbers from 0 to ${taskCount - 1} (the plan has ${taskCount} tasks), got ${kind(tasks[i])}`, [i]);
  // Each task once: a repeated one ran (and was recorded) again, so a list of 10^7 zeros ran out of memory.
  const seen = new Set<number>();
  const twice = tasks.findIndex((t: number) => seen.size === seen.add(t).size);
  if (twice >= 0) throw argumentError('runTasks', 'tasks', `task ${String(tasks[twice])} is listed twice (first at [${tasks.indexOf(tasks[twice])}]); expected each task once`, [twice]);
}

function argumentError(fn: string, name: string, detail: string, path: KeyPath = []): InputError {
  return new InputError(detail, { source: `${fn}() ${name}` }, path);
}

/** A value named for a message: its type, and a short rendering of a scalar. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'string') return v === '' ? 'an empty string' : `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
