// Loads a scenario and every model it names into one validated, compiled
// setup: scenario file → overrides → schema → models by name → workloads
// compiled against the guest profile. Every failure is a located InputError.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { CpuModelSchema, type CpuModel } from '../vmm/cpu.js';
import { MODES } from '../vmm/registry.js';
import { NO_COMPOSITES, SpecError, WorkloadCompiler, type CompositeTable, type KeyPath } from '../workload/expand.js';
import { InputFileError, printable } from '../workload/inputFile.js';
import { checkTrace, TraceError, type TraceSummary } from '../workload/traceCursor.js';
import type { TraceSource } from './compileWorkload.js';
import { countOps } from '../workload/stream.js';
import { estimateRun, type RunEstimate } from './runEstimate.js';
import { compileWorkload, type CompiledWorkload } from './compileWorkload.js';
import { didYouMean } from '../workload/didYouMean.js';
import { formatPath, InputError, type Origin } from './errors.js';
import { DEFAULT_LIMITS, formatCount, LIMIT_FLAGS, withDefaults, type Limits } from './limits.js';
import { GuestModelSchema, type GuestModel } from './guestSchema.js';
import { applyAt, keyPath, overrideLocator, parseSetFlag, type Override } from './overrides.js';
import { ScenarioSchema, SetSchema, type Scenario } from './scenarioSchema.js';
import { YamlFile } from './yamlFile.js';
import { validate } from './zodIssues.js';

/** The models/ directory shipped with vmmsim. */
export const DEFAULT_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models');

export type { CompiledWorkload } from './compileWorkload.js';

/** A scenario with every model resolved and validated. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  cpu: CpuModel;
  guest: GuestModel | null;
  /** Parameters of each requested mode that has a models/vmm file, by mode id. */
  vmmParams: Record<string, unknown>;
  workloads: CompiledWorkload[];
  /** The compiler the workloads were compiled with (trace replay compiles lines with it as it reads them). */
  compiler: WorkloadCompiler;
  /** Where each workload is written (for errors found while it runs); not part of the point's fingerprint. */
  workloadOrigins: Origin[];
  /** The limits in force, enforced again while simulating; not part of the fingerprint. */
  limits: Limits;
  /** What each workload is estimated to take under one mode (checked against the limits). */
  estimates: RunEstimate[];
}

/** Options of {@link loadScenario}. */
export interface LoadOptions {
  /** `key=value` strings from --set, applied last (the command line wins). */
  set?: readonly string[];
  modelsDir?: string;
  /** Caps on input size and run length; unspecified ones take {@link DEFAULT_LIMITS}. */
  limits?: Partial<Limits>;
}

/** Load, override, validate and compile a scenario file (its base point, without sweep overrides). */
export function loadScenario(file: string, options: LoadOptions = {}): LoadedScenario {
  return ScenarioSource.read(file, withDefaults(options.limits).maxInputBytes).load(options);
}

/**
 * {@link loadScenario} for a command that runs a scenario once, at its base
 * point (`command`: sensitivity, walk-ratio, validate, reproduce, predict): a sweep
 * or replicates — in the file or set by a flag — would be ignored without a
 * word, so they are bad input, located where they are written.
 */
export function loadBasePoint(file: string, options: LoadOptions, command: string): LoadedScenario {
  const source = ScenarioSource.read(file, withDefaults(options.limits).maxInputBytes);
  const loaded = source.load(options);
  const { sweep, replicates } = loaded.scenario;
  if (sweep !== undefined || replicates > 1) {
    const key = sweep !== undefined ? 'sweep' : 'replicates';
    const what = sweep !== undefined ? 'sweep' : `${replicates} replicates`;
    throw new InputError(`vmmsim ${command} runs the scenario once, at its base point, so its ${what} would be ignored; ` +
      `expected a scenario without ${key === 'sweep' ? 'a sweep' : 'replicates'} (vmmsim run and vmmsim sweep run ${key === 'sweep' ? 'sweeps' : 'replicates'})`, source.locatorWith(options)([key], true), [key]);
  }
  return loaded;
}

/**
 * A scenario file read and parsed once. {@link ScenarioSource.load} resolves
 * it with a sweep point's overrides as often as needed, so a sweep worker
 * reads the file once and loads each point from memory.
 */
export class ScenarioSource {
  /** Model files read and parsed once for every point resolved from this source (a sweep of 8 points spent 0.1 s parsing the same model files again). */
  private readonly models = new Map<string, YamlFile>();

  private constructor(
    readonly file: string,
    readonly yf: YamlFile,
    private readonly raw: Record<string, unknown>,
    private readonly fileSets: readonly Override[],
  ) {}

  /** Read and parse `file`; a broken file is a located InputError. */
  static read(file: string, maxInputBytes: number = DEFAULT_LIMITS.maxInputBytes): ScenarioSource {
    const yf = YamlFile.read(file, 'scenario', maxInputBytes);
    const raw = yf.data;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new InputError('a scenario must be a YAML mapping (name:, workloads:, …)', { source: file, line: 1, col: 1 });
    }
    const doc = raw as Record<string, unknown>;
    const fileSets = validate(SetSchema, doc.set ?? {}, (p, k) => yf.locate(['set', ...p], k), 'scenario');
    const sets = Object.entries(fileSets).map(([key, value]) => ({ key, value, origin: yf.locate(['set', key]) }));
    return new ScenarioSource(file, yf, doc, sets);
  }

  /** Where a key path of the scenario file is written. */
  readonly locate = (path: KeyPath, atKey?: boolean): Origin => this.yf.locate(path, atKey);

  /**
   * Where a key path of the scenario resolved with `options` is written: the
   * --set flag (or `set:` entry) that set it, else the file. A sweep block
   * written by --set is blamed on the flag, not on the file's lines.
   */
  locatorWith(options: LoadOptions = {}): (path: KeyPath, atKey?: boolean) => Origin {
    const { scenario } = groupOverrides([...this.fileSets, ...(options.set ?? []).map(parseSetFlag)]);
    return overrideLocator(scenario, this.locate, (p) => this.yf.has(p));
  }

  /**
   * Resolve the scenario: the file's `set:`, then `point` (a sweep point's
   * overrides), then --set, all through the same schemas as the files.
   */
  load(options: LoadOptions & { point?: readonly Override[] } = {}): LoadedScenario {
    const overrides: Override[] = [...this.fileSets, ...(options.point ?? []), ...(options.set ?? []).map(parseSetFlag)];
    return resolveScenario(this.file, this.yf, structuredClone(this.raw), groupOverrides(overrides), options.modelsDir ?? DEFAULT_MODELS_DIR, withDefaults(options.limits), this.readModel);
  }

  /** A model file, parsed on first use (each load clones its data before overriding it). */
  private readonly readModel: ReadYaml = (path, what, maxBytes) => {
    const key = `${maxBytes}\u0000${path}`;
    let yf = this.models.get(key);
    if (yf === undefined) {
      yf = YamlFile.read(path, what, maxBytes);
      this.models.set(key, yf);
    }
    return yf;
  };
}

/** Validate the overridden document and resolve every model it names. */
/** Reads a YAML file (YamlFile.read, or a cache in front of it). */
type ReadYaml = (path: string, what: string, maxBytes: number) => YamlFile;

const readYaml: ReadYaml = (path, what, maxBytes) => YamlFile.read(path, what, maxBytes);

function resolveScenario(file: string, yf: YamlFile, doc: Record<string, unknown>, groups: Grouped, modelsDir: string, limits: Limits, read: ReadYaml): LoadedScenario {
  // Where a key path of the scenario is written: the override that set it, or the file.
  const scenarioLocator = overrideLocator(groups.scenario, (p, k) => yf.locate(p, k), (p) => yf.has(p));
  const scenario = validate(ScenarioSchema, applyAll(doc, groups.scenario), scenarioLocator, 'scenario');
  const nameOrigin = (key: string) => scenarioLocator([key]);

  const cpuModel = loadModel(modelsDir, 'cpu', scenario.cpu, nameOrigin('cpu'), CpuModelSchema, groups.models.get('cpu') ?? [], limits, read);
  const guest = scenario.guest === undefined ? null : loadGuest(modelsDir, scenario.guest, nameOrigin('guest'), groups.models.get('guest') ?? [], limits, read);
  // The depth of the guest's page tables is the guest's (a 64-bit guest walks 4 levels on any CPU); the MMU
  // model prices every walk at that depth.
  const levels = guest?.pageTableLevels;
  const cpu = levels === undefined || levels === cpuModel.mmu.guestLevels ? cpuModel : { ...cpuModel, mmu: { ...cpuModel.mmu, guestLevels: levels } };
  for (const target of groups.models.keys()) {
    if (target === 'guest' && guest === null) {
      const o = groups.models.get(target)![0];
      throw new InputError('overrides guest parameters, but the scenario names no guest', o.origin, o.path);
    }
  }

  const vmmParams: Record<string, unknown> = {};
  for (const [target, list] of groups.models) {
    if (!target.startsWith('vmm.')) continue;
    const mode = target.slice(4);
    const def = Object.hasOwn(MODES, mode) ? MODES[mode] : undefined;
    const fullPath = ['vmm', mode, ...list[0].path];
    if (!def) throw new InputError(`unknown mode "${mode}": expected one of ${Object.keys(MODES).join(', ')}${didYouMean(mode, Object.keys(MODES))}`, list[0].origin, fullPath);
    if (!def.vmmModel) throw new InputError(`mode "${mode}" has no VMM parameters to override`, list[0].origin, fullPath);
    // Overrides of a mode the scenario does not run are checked all the same: a misspelt or out-of-range
    // key there is an error, not a silent no-op (the checked model is not kept).
    if (!scenario.vmms.includes(mode) && def.paramsSchema) loadModel(modelsDir, 'vmm', def.vmmModel, { source: `mode ${mode}` }, def.paramsSchema, list, limits, read);
  }
  for (const mode of scenario.vmms) {
    const def = MODES[mode];
    if (!def.vmmModel || !def.paramsSchema) continue;
    vmmParams[mode] = loadModel(modelsDir, 'vmm', def.vmmModel, { source: `mode ${mode}` }, def.paramsSchema, groups.models.get(`vmm.${mode}`) ?? [], limits, read);
  }

  const composites = guest ? compositeTable(guest) : NO_COMPOSITES;
  const compiler = new WorkloadCompiler(composites);
  const guestFile = scenario.guest ? modelPath(modelsDir, 'guest', scenario.guest) : '';
  const located = (e: SpecError) => {
    const origin = e.where.doc === 'scenario' ? scenarioLocator(e.where.path) : YamlFile.read(guestFile, 'guest', limits.maxInputBytes).locate(e.where.path);
    // A model key the check read that an override set: the flag may be what is wrong, so the message names it.
    const flags = e.uses.flatMap((u) => {
      const o = [...(groups.models.get(u.model) ?? [])].reverse().find((x) => formatPath(x.path) === formatPath(u.path)); // the last one wins
      return o === undefined ? [] : [`${u.model}.${formatPath(u.path)} is set by ${o.origin.source}`];
    });
    return new InputError(flags.length === 0 ? e.message : `${e.message} (${flags.join('; ')})`, origin, e.where.path);
  };
  const workloads = scenario.workloads.map((w, i) => {
    try {
      return compileWorkload({ compiler, cpu, guest, scenarioFile: file }, w, ['workloads', i]);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      throw located(e);
    }
  });
  // Every line of every trace is checked now, before anything runs or is written; the scenario's own
  // compiler is left alone (compiling composites in it would renumber their sites).
  const traceCheck = { composites, clockHz: cpu.clockGHz * 1e9, maxWork: limits.maxOpsPerRun, scenarioKey: JSON.stringify(guest?.composites ?? null) };
  const traces = workloads.map((w, i) => {
    if (!w.trace) return null;
    try {
      return checkTraceFile(w.trace, traceCheck, scenarioLocator(['workloads', i, 'trace']), ['workloads', i, 'trace']);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      throw located(e); // a broken composite of the guest profile that the trace uses
    }
  });
  const estimates = workloads.map((w, i) => {
    const t = traces[i];
    const at = scenarioLocator(['workloads', i, 'repeat'], true);
    if (t === null) return checkRunLength(w, estimateRun(w, cpu), limits, at, ['workloads', i]);
    // A trace's operations are counted; its simulated time is known only as it runs, but not less than its last timestamp.
    const lastSeconds = t.lastNs / 1e9;
    if (lastSeconds > limits.maxSimSeconds) {
      throw new InputError(`the trace's last timestamp is ${formatSeconds(lastSeconds)} simulated seconds in; the limit is ${formatCount(limits.maxSimSeconds)} ` +
        `(timestamps t are nanoseconds since the trace began; or raise the limit with ${LIMIT_FLAGS.maxSimSeconds})`, scenarioLocator(['workloads', i, 'trace']), ['workloads', i, 'trace']);
    }
    // Nor less than its computations take natively, under every mode that runs a computation at least at native
    // speed (all but the interpreter, whose speed is its parameter): a run that must pass the limit is refused now.
    const computeSeconds = t.computeCycles / (cpu.clockGHz * 1e9);
    const boundMode = scenario.vmms.find((m) => m !== 'interpreter');
    if (boundMode !== undefined && !(computeSeconds <= limits.maxSimSeconds)) {
      const how = Number.isFinite(computeSeconds) ? `take ${formatSeconds(computeSeconds)} simulated seconds` : 'add up to more simulated seconds than a number holds (the total overflows)';
      throw new InputError(`the trace's computations alone (its compute lines, and those of the composites it uses) ${how} at ${cpu.clockGHz} GHz under ${boundMode}, which runs them at native speed or slower; ` +
        `the limit is ${formatCount(limits.maxSimSeconds)} (lower their cycles, or raise the limit with ${LIMIT_FLAGS.maxSimSeconds})`, scenarioLocator(['workloads', i, 'trace']), ['workloads', i, 'trace']);
    }
    return checkRunLength(w, { ...estimateRun(w, cpu), operations: t.operations, memoryAccesses: t.memoryAccesses }, limits, at, ['workloads', i]);
  });
  const workloadOrigins = workloads.map((_, i) => scenarioLocator(['workloads', i], true));
  return { file, scenario, cpu, guest, vmmParams, workloads, compiler, workloadOrigins, limits, estimates };
}

/**
 * Check a trace before anything runs: a file that cannot be read is an error
 * at the scenario line that names it; a broken line (or one an unknown
 * composite or --max-ops refuses) at that line of the trace.
 */
function checkTraceFile(
  trace: TraceSource, check: { composites: CompositeTable; clockHz: number; maxWork: number; scenarioKey: string }, origin: Origin, keyPath: KeyPath,
): TraceSummary {
  try {
    return checkTrace(trace.path, trace.format, { compiler: new WorkloadCompiler(check.composites), clockHz: check.clockHz, maxWork: check.maxWork }, check.scenarioKey);
  } catch (e) {
    if (e instanceof InputFileError) throw new InputError(`${printable(e.source)}: ${e.detail}`, origin, keyPath);
    if (e instanceof TraceError) throw new InputError(e.detail, { source: e.file, line: e.line, col: e.col });
    throw e;
  }
}

/** Operations one mode runs for `w` (a trace's length is unknown until it is read: 0). */
export function opsPerRun(w: CompiledWorkload): number {
  if (w.trace) return 0;
  if (w.system) {
    return w.system.guests.reduce((s, g) => s + g.tasks.reduce((t, k) => t + countOps(k.body, k.repeat), 0) +
      (g.server && g.clients ? countOps(g.server.request, g.clients.requests) : 0), 0);
  }
  return countOps(w.setup ?? [], 1) + countOps(w.body, w.repeat);
}

/**
 * Refuse a workload whose estimate passes a limit before anything runs,
 * counting its expansion (linear in the definitions, however long the run):
 * operations and memory accesses against --max-ops, simulated seconds
 * against --max-sim-seconds, events against --max-events. Totals that
 * overflow (not finite) are refused whatever the limits.
 */
function checkRunLength(w: CompiledWorkload, est: RunEstimate, limits: Limits, origin: Origin, path: KeyPath): RunEstimate {
  const fail = (detail: string) => new InputError(`workload "${w.name}" ${detail}`, origin, path);
  const ops = est.operations ?? 0;
  const accesses = est.memoryAccesses ?? 0;
  // A total that overflows is named as such: a message never shows "Infinity operations".
  if (!Number.isFinite(ops + accesses)) {
    throw fail('adds up to a number of operations that overflows (a repeat, count or calibrated computation is out of range: the total is not a finite number); expected counts that add up to a finite number');
  }
  if (ops + accesses > limits.maxOpsPerRun) {
    const what = accesses > 0 ? `${formatCount(ops)} operations and ${formatCount(accesses)} memory accesses` : `${formatCount(ops)} operations`;
    throw fail(`is ${what} per mode; the limit is ${formatCount(limits.maxOpsPerRun)} (lower repeat or count, or raise the limit with ${LIMIT_FLAGS.maxOpsPerRun})`);
  }
  if (est.simSeconds !== null) {
    if (!Number.isFinite(est.simSeconds) || (est.events !== null && !Number.isFinite(est.events))) {
      throw fail('adds up to a simulated time that overflows (its cycles, latencies or clock rate are out of range: the total is not a finite number); expected costs and rates that add up to a finite time');
    }
    if (est.simSeconds > limits.maxSimSeconds) {
      throw fail(`is estimated at ${formatSeconds(est.simSeconds)} simulated seconds natively; the limit is ${formatCount(limits.maxSimSeconds)} ` +
        `(check the units of cycles, latencyUs and thinkUs, or raise the limit with ${LIMIT_FLAGS.maxSimSeconds})`);
    }
  }
  if (est.events !== null && est.events > limits.maxEvents) {
    throw fail(`is estimated at ${formatCount(est.events)} simulation events per mode (timer ticks, device and client requests); the limit is ${formatCount(limits.maxEvents)} ` +
      `(shorten the run, or raise the limit with ${LIMIT_FLAGS.maxEvents})`);
  }
  return est;
}

/** Seconds for messages: plain up to a billion, then in powers of ten. */
export function formatSeconds(s: number): string {
  if (s >= 1e9) return `about ${s.toExponential(1).replace('e+', '×10^')}`;
  return s.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

interface Applied {
  path: KeyPath;
  value: unknown;
  origin: Origin;
}

/** Sort overrides by the document they change: the scenario, or a model (`cpu`, `guest`, `vmm.MODE`). */
interface Grouped {
  scenario: Applied[];
  models: Map<string, Applied[]>;
}

function groupOverrides(overrides: readonly Override[]): Grouped {
  const scenario: Applied[] = [];
  const models = new Map<string, Applied[]>();
  for (const o of overrides) {
    const path = keyPath(o.key);
    const head = path[0];
    // The scenario's `set:` was read before any override applies: one written into it would be dropped unread.
    if (head === 'set') throw new InputError(`"${o.key}" cannot be overridden: set: entries are overrides themselves; give the key directly${path.length > 1 ? ` (${path.slice(1).join('.')}=…)` : ''}`, o.origin, path);
    let target: string | null = null;
    let rest: KeyPath = [];
    if ((head === 'cpu' || head === 'guest') && path.length > 1) {
      target = head;
      rest = path.slice(1);
    } else if (head === 'vmm') {
      if (path.length < 3) throw new InputError('expected vmm.MODE.PARAMETER, such as vmm.hardware.shadowCache', o.origin);
      target = `vmm.${String(path[1])}`;
      rest = path.slice(2);
    }
    if (target === null) scenario.push({ path, value: o.value, origin: o.origin });
    else models.set(target, [...(models.get(target) ?? []), { path: rest, value: o.value, origin: o.origin }]);
  }
  return { scenario, models };
}

function applyAll(doc: Record<string, unknown>, list: readonly Applied[]): Record<string, unknown> {
  for (const a of list) applyAt(doc, a.path, a.value, a.origin);
  return doc;
}

/** Path of models/KIND/NAME.yaml. */
export function modelPath(modelsDir: string, kind: string, name: string): string {
  return join(modelsDir, kind, `${name}.yaml`);
}

/** Names of the models of one kind that exist. */
export function modelNames(modelsDir: string, kind: string): string[] {
  try {
    return readdirSync(join(modelsDir, kind)).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return []; // absent, not a directory or unreadable: no models of this kind (loadModel says which)
  }
}

/** Why models/KIND holds no models, when it is not a readable directory: for the unknown-model message. */
function kindDirProblem(modelsDir: string, kind: string): string {
  const dir = join(modelsDir, kind);
  try {
    readdirSync(dir);
    return '';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'error'})`;
    return ` (${dir} ${why})`;
  }
}

/** Whether `path` is a symbolic link (whatever it leads to). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Read, override and validate one model file. */
function loadModel<T>(
  modelsDir: string, kind: string, name: string, referencedAt: Origin, schema: z.ZodType<T>, overrides: readonly Applied[], limits: Limits, read: ReadYaml,
): T {
  const path = modelPath(modelsDir, kind, name);
  if (!existsSync(path)) {
    if (isLink(path)) {
      throw new InputError(`${kind} model "${name}": ${path} is a symbolic link that leads to no file (a loop, or a missing target); expected a model file`, referencedAt, [kind]);
    }
    const known = modelNames(modelsDir, kind);
    throw new InputError(`unknown ${kind} model "${name}": no file ${path}${kindDirProblem(modelsDir, kind)}; expected one of ${known.join(', ') || '(none)'}${didYouMean(name, known)}`, referencedAt, [kind]);
  }
  const yf = read(path, `${kind} model`, limits.maxInputBytes);
  const data = yf.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`a ${kind} model must be a YAML mapping`, { source: path, line: 1, col: 1 });
  }
  const doc = applyAll(structuredClone(data) as Record<string, unknown>, overrides);
  return validate(schema, doc, overrideLocator(overrides, (p, k) => yf.locate(p, k), (p) => yf.has(p)), `${kind} model "${name}"`);
}

function loadGuest(modelsDir: string, name: string, referencedAt: Origin, overrides: readonly Applied[], limits: Limits, read: ReadYaml): GuestModel {
  return loadModel(modelsDir, 'guest', name, referencedAt, GuestModelSchema, overrides, limits, read);
}

/** Read and validate guest profile `name` from `modelsDir` (models/guest/NAME.yaml). */
export function loadGuestModel(modelsDir: string, name: string, limits: Partial<Limits> = {}): GuestModel {
  return loadGuest(modelsDir, name, { source: `guest ${name}` }, [], withDefaults(limits), readYaml);
}

/** The composites of a guest profile as a compiler's table. */
export function compositeTable(guest: GuestModel): CompositeTable {
  const defs: Record<string, GuestModel['composites'][string]['ops']> = {};
  for (const [name, c] of Object.entries(guest.composites)) defs[name] = c.ops;
  return { defs, pathOf: (name) => ['composites', name, 'ops'] };
}
