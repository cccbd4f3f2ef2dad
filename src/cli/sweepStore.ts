// The on-disk layout of a sweep's --out directory, so runs can resume and
// shards can merge:
//   sweep.json           manifest: which sweep, how many tasks, which shard
//   points/NNNNNN-rRRR.json  one finished task (a point × replicate) with its records
//   results.*, summary.*  assembled from the task files at the end
// Every file is written atomically.
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ResultRecordSchema, type ResultRecord } from '../run/record.js';
import { InputError } from '../config/errors.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../config/limits.js';
import { replicateSeed } from '../config/sweep.js';
import { validate } from '../config/zodIssues.js';
import { MODE_IDS } from '../vmm/registry.js';
import { InputFileError, printable, readTextFile } from '../workload/inputFile.js';
import type { OutputDir } from './files.js';
import { jsonSyntaxError } from './jsonSyntax.js';

/** The manifest of a sweep directory. */
export interface SweepManifest {
  vmmsim: string;
  scenario: string;
  file: string;
  /** Hash over every task's fingerprint: equal for the same sweep. */
  sweep: string;
  points: number;
  replicates: number;
  tasks: number;
  /** Fingerprint of each task, by task index. */
  fingerprints: string[];
  /** "i/n" when this directory holds one shard, null for a whole sweep. */
  shard: string | null;
}

/** A finished task as stored in points/. */
export interface TaskFile {
  task: number;
  point: number;
  replicate: number;
  fingerprint: string;
  records: ResultRecord[];
}

/** Name of task `t`'s file inside a sweep directory. */
export function taskName(t: { point: number; replicate: number }): string {
  return `points/${String(t.point).padStart(6, '0')}-r${String(t.replicate).padStart(3, '0')}.json`;
}

/** Path of task `t`'s file inside `dir`. */
export function taskPath(dir: string, t: { point: number; replicate: number }): string {
  return join(dir, taskName(t));
}

/** Store a finished task atomically (never through a link under the directory). */
export function writeTask(out: OutputDir, t: TaskFile): void {
  out.writeFiles({ [taskName(t)]: JSON.stringify(t) + '\n' });
}

/**
 * Parse a stored JSON file of a results directory: a regular file within the
 * results-size limit (`maxBytes`, raised with --max-results-bytes). Anything
 * else is an InputError naming the file: too big, not a regular file, or not
 * valid JSON (with the line and column where it breaks).
 */
export function readJsonFile(path: string, what: string, maxBytes: number = DEFAULT_LIMITS.maxResultBytes): unknown {
  let text: string;
  try {
    text = readTextFile(path, { what, expected: 'a JSON file' }, { maxBytes, flag: LIMIT_FLAGS.maxResultBytes });
  } catch (e) {
    if (e instanceof InputFileError) throw new InputError(e.detail, { source: path, ...e.at });
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonSyntaxError(text);
    if (at) throw new InputError(`${what} file is not valid JSON: ${at.detail}`, { source: path, line: at.line, col: at.col });
    // JSON.parse refused what the scanner accepts (not expected): its message, which may quote the file, on one line.
    throw new InputError(`${what} file is not valid JSON: ${oneLine((e as Error).message)}`, { source: path });
  }
}

/** `text` on one line of at most 200 characters (see {@link printable}). */
function oneLine(text: string): string {
  const flat = printable(text);
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** What a record says about which run it is: everything but its results. */
export interface RecordIdentity {
  scenario: string;
  point: number;
  params: ResultRecord['params'];
  replicate: number;
  workload: string;
  vmm: string;
  cpu: string;
  seed: number;
}

const IDENTITY_KEYS = ['scenario', 'point', 'params', 'replicate', 'workload', 'vmm', 'cpu', 'seed'] as const;

/** What a point's scenario makes each of its tasks produce: a record per workload × mode, in that order. */
export interface PointRecords {
  scenario: string;
  cpu: string;
  params: ResultRecord['params'];
  workloads: readonly string[];
  vmms: readonly string[];
  /** The point's scenario seed (replicate r runs replicateSeed(seed, r)). */
  seed: number;
}

/** The identities of the records task (point, replicate) of a point described by `p` holds, in order. */
export function expectedRecords(p: PointRecords, t: { point: number; replicate: number }): RecordIdentity[] {
  const seed = replicateSeed(p.seed, t.replicate);
  return p.workloads.flatMap((workload) => p.vmms.map((vmm) => ({ scenario: p.scenario, point: t.point, params: p.params, replicate: t.replicate, workload, vmm, cpu: p.cpu, seed })));
}

/** A stored task as vmmsim writes it: records of the result record's shape, each with a mode vmmsim knows. */
const TaskFileSchema = z.strictObject({
  task: z.int().nonnegative(),
  point: z.int().nonnegative(),
  replicate: z.int().nonnegative(),
  fingerprint: z.string(),
  records: z.array(ResultRecordSchema.extend({ vmm: z.enum(MODE_IDS as [string, ...string[]]) })),
});

/** What a stored task must hold besides the shape of its records. */
export interface TaskExpectation {
  /** The task's records in order (see {@link expectedRecords}); null: check only that they are one per workload × mode, in order. */
  records: readonly RecordIdentity[] | null;
  /** Where `records` come from, for messages (e.g. " as in DIR/points/000000-r000.json"); empty for the scenario itself. */
  from?: string;
  /** Whether records that did not fail carry components (--components); undefined: not checked. */
  components?: boolean;
}

/**
 * Task `t` as stored in `dir`, or null when there is no file or it was
 * computed from other inputs (another fingerprint: a stale task, to rerun).
 * A file that cannot be read, is not JSON, or does not hold exactly the
 * records of the task — its place in the sweep, one record per workload ×
 * mode as `expect` says, each of the shape vmmsim writes with finite,
 * non-negative numbers — is an InputError naming the file and the key.
 */
export function readTask(dir: string, t: { index: number; point: number; replicate: number }, fingerprint: string, expect: TaskExpectation, maxBytes?: number): TaskFile | null {
  const path = taskPath(dir, t);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  // vmmsim writes task files itself, as regular files: one that is a link is not read through (it may point out of DIR).
  if (st.isSymbolicLink()) throw new InputError('task file is a symbolic link, which vmmsim never reads through; expected the JSON file a sweep wrote', { source: path });
  const data = readJsonFile(path, 'task', maxBytes);
  const claimed = data !== null && typeof data === 'object' ? (data as { fingerprint?: unknown }).fingerprint : undefined;
  if (typeof claimed === 'string' && claimed !== fingerprint) return null;
  validate(TaskFileSchema, data, () => ({ source: path }), 'task file');
  const tf = data as TaskFile;
  const at = (key: string, detail: string, path2: Array<string | number> = []) => new InputError(detail, { source: path }, [key, ...path2]);
  for (const key of ['task', 'point', 'replicate'] as const) {
    const want = key === 'task' ? t.index : t[key];
    if (tf[key] !== want) throw at(key, `expected ${want} (the task's place in the sweep, from the file name), got ${tf[key]}`);
  }
  if (tf.records.length === 0) throw at('records', 'no records; a task holds one per workload × mode');
  checkTaskRecords(path, tf.records, expect.records ?? gridOf(tf.records, t), expect.from ?? '');
  const failed = tf.records.filter((r) => r.error !== undefined).length;
  if (failed > 0 && failed < tf.records.length) {
    const i = tf.records.findIndex((r) => r.error === undefined);
    throw at('records', 'holds results next to error records; a failed task stores an error in every record', [i, 'error']);
  }
  if (failed === 0 && expect.components !== undefined) {
    const i = tf.records.findIndex((r) => (r.components !== undefined) !== expect.components);
    if (i >= 0) throw at('records', expect.components ? 'missing; the sweep records cycles by component (--components)' : 'present, but the sweep does not record cycles by component (no --components)', [i, 'components']);
  }
  return tf;
}

/**
 * What `records` should be if they are one per workload × mode: workloads in
 * order of first appearance, each with every mode (in order of first
 * appearance), each saying what the first says of scenario, params, cpu and
 * seed, and the task's point and replicate.
 */
function gridOf(records: readonly ResultRecord[], t: { point: number; replicate: number }): RecordIdentity[] {
  const { scenario, params, cpu, seed } = records[0];
  const vmms = [...new Set(records.map((r) => r.vmm))];
  return [...new Set(records.map((r) => r.workload))].flatMap((workload) => vmms.map((vmm) => ({ scenario, point: t.point, params, replicate: t.replicate, workload, vmm, cpu, seed })));
}

/**
 * Check that the records of task file `path` are `expected` (order, count,
 * identity fields; `from` says where the expectation comes from); the first
 * difference is an InputError naming the file and the key.
 */
export function checkTaskRecords(path: string, records: readonly ResultRecord[], expected: readonly RecordIdentity[], from: string): void {
  const unit = (r: Pick<RecordIdentity, 'workload' | 'vmm'>) => `workload ${JSON.stringify(r.workload)} under ${JSON.stringify(r.vmm)}`;
  const n = Math.min(records.length, expected.length);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const e = expected[i];
    for (const key of IDENTITY_KEYS) {
      if (key === 'params' ? sameParams(r.params, e.params) : r[key] === e[key]) continue;
      const also = key === 'workload' || key === 'vmm' ? ` (records go one per workload × mode, in order${from})` : from;
      throw new InputError(`expected ${brief(e[key])}${also}, got ${brief(r[key])}`, { source: path }, ['records', i, key]);
    }
  }
  if (records.length > expected.length) {
    const r = records[expected.length];
    const again = records.findIndex((x) => x.workload === r.workload && x.vmm === r.vmm);
    throw new InputError(`one record too many: ${records.length} records, expected ${expected.length} (one per workload × mode${from})` +
      (again < expected.length ? `; it repeats records[${again}], ${unit(r)}` : ''), { source: path }, ['records', expected.length]);
  }
  if (records.length < expected.length) {
    throw new InputError(`${records.length} records, expected ${expected.length} (one per workload × mode${from}); the first missing is ` +
      `${unit(expected[records.length])}`, { source: path }, ['records']);
  }
}

function sameParams(a: ResultRecord['params'], b: ResultRecord['params']): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** A value quoted for a message, on one line and at most 120 characters. */
function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}

/** Path of the manifest. */
export const manifestPath = (dir: string) => join(dir, 'sweep.json');

/** Write the manifest atomically. */
export function writeManifest(out: OutputDir, m: SweepManifest): void {
  out.writeFiles({ 'sweep.json': JSON.stringify(m, null, 2) + '\n' });
}

/** The manifest as {@link writeManifest} writes it. */
const ManifestSchema = z.strictObject({
  vmmsim: z.string(),
  scenario: z.string(),
  file: z.string(),
  sweep: z.string(),
  points: z.int().positive(),
  replicates: z.int().positive(),
  tasks: z.int().positive(),
  fingerprints: z.array(z.string()),
  shard: z.string().nullable(),
});

/**
 * Read a directory's manifest (within `maxBytes`); a missing, unreadable or
 * malformed one, or one whose counts disagree, is an InputError naming it.
 */
export function readManifest(dir: string, maxBytes?: number): SweepManifest {
  const path = manifestPath(dir);
  if (!existsSync(path)) throw new InputError('not a sweep results directory (no sweep.json); run `vmmsim sweep FILE --out DIR` first', { source: dir });
  const m = validate(ManifestSchema, readJsonFile(path, 'sweep.json', maxBytes), () => ({ source: path }), 'sweep manifest');
  if (m.tasks !== m.points * m.replicates) throw new InputError(`expected points × replicates = ${m.points * m.replicates}, got ${m.tasks}`, { source: path }, ['tasks']);
  if (m.fingerprints.length !== m.tasks) throw new InputError(`expected one per task (${m.tasks}), got ${m.fingerprints.length}`, { source: path }, ['fingerprints']);
  return m;
}
