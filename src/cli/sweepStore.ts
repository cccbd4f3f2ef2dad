// The on-disk layout of a sweep's --out directory, so runs can resume and
// shards can merge:
//   sweep.json           manifest: which sweep, how many tasks, which shard
//   points/NNNNNN-rRRR.json  one finished task (a point × replicate) with its records
//   results.*, summary.*  assembled from the task files at the end
// Every file is written atomically.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultRecord } from '../run/record.js';
import { InputError } from '../config/errors.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../config/limits.js';
import { InputFileError, readBoundedFile } from '../workload/inputFile.js';
import type { OutputDir } from './files.js';

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
 * results-size limit. Throws InputFileError (too big, a FIFO, …) or a
 * SyntaxError.
 */
export function readJsonFile(path: string, what: string, maxBytes: number = DEFAULT_LIMITS.maxResultBytes): unknown {
  return JSON.parse(readBoundedFile(path, { what, expected: 'a JSON file' }, { maxBytes, flag: LIMIT_FLAGS.maxResultBytes }).toString('utf8'));
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

/** Read a directory's manifest; a missing or unreadable one is an InputError naming the directory. */
export function readManifest(dir: string): SweepManifest {
  const path = manifestPath(dir);
  if (!existsSync(path)) throw new InputError('not a sweep results directory (no sweep.json); run `vmmsim sweep FILE --out DIR` first', { source: dir });
  try {
    return readJsonFile(path, 'sweep.json') as SweepManifest;
  } catch (e) {
    if (e instanceof InputFileError) throw new InputError(e.detail, { source: path });
    throw new InputError(`sweep.json is not valid JSON: ${(e as Error).message}`, { source: path });
  }
}
