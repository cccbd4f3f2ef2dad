// The on-disk layout of a sweep's --out directory, so runs can resume and
// shards can merge:
//   sweep.json           manifest: which sweep, how many tasks, which shard
//   points/NNNNNN-rRRR.json  one finished task (a point × replicate) with its records
//   results.*, summary.*  assembled from the task files at the end
// Every file is written atomically.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ResultRecord } from '../run/record.js';
import { InputError } from '../config/errors.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../config/limits.js';
import { validate } from '../config/zodIssues.js';
import { InputFileError, readBoundedFile } from '../workload/inputFile.js';
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
    text = readBoundedFile(path, { what, expected: 'a JSON file' }, { maxBytes, flag: LIMIT_FLAGS.maxResultBytes }).toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw new InputError(e.detail, { source: path });
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

/** `text` on one line of at most 200 characters: control and line-separator characters as \\uXXXX. */
function oneLine(text: string): string {
  const flat = text.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * The stored task if it exists, is readable and was computed from the same
 * inputs (same fingerprint) without error; otherwise null (to be rerun).
 */
export function readTask(dir: string, t: { point: number; replicate: number }, fingerprint: string, maxBytes?: number): TaskFile | null {
  const path = taskPath(dir, t);
  if (!existsSync(path)) return null;
  try {
    const stored = readJsonFile(path, 'task', maxBytes) as TaskFile;
    if (stored.fingerprint !== fingerprint || !Array.isArray(stored.records)) return null;
    if (stored.records.some((r) => r.error !== undefined)) return null;
    return stored;
  } catch {
    return null;
  }
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
