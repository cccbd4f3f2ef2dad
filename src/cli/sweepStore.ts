// The on-disk layout of a sweep's --out directory, so runs can resume and
// shards can merge:
//   sweep.json           manifest: which sweep, how many tasks, which shard
//   points/NNNNNN-rRRR.json  one finished task (a point × replicate) with its records
//   results.*, summary.*  assembled from the task files at the end
// Every file is written atomically.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultRecord } from '../run/record.js';
import { InputError } from '../config/errors.js';
import { writeFileAtomic } from './files.js';

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

/** Path of task `t`'s file inside `dir`. */
export function taskPath(dir: string, t: { point: number; replicate: number }): string {
  return join(dir, 'points', `${String(t.point).padStart(6, '0')}-r${String(t.replicate).padStart(3, '0')}.json`);
}

/** Store a finished task atomically. */
export function writeTask(dir: string, t: TaskFile): void {
  writeFileAtomic(taskPath(dir, t), JSON.stringify(t) + '\n');
}

/**
 * The stored task if it exists, is readable and was computed from the same
 * inputs (same fingerprint) without error; otherwise null (to be rerun).
 */
export function readTask(dir: string, t: { point: number; replicate: number }, fingerprint: string): TaskFile | null {
  const path = taskPath(dir, t);
  if (!existsSync(path)) return null;
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as TaskFile;
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
export function writeManifest(dir: string, m: SweepManifest): void {
  writeFileAtomic(manifestPath(dir), JSON.stringify(m, null, 2) + '\n');
}

/** Read a directory's manifest; a missing or unreadable one is an InputError naming the directory. */
export function readManifest(dir: string): SweepManifest {
  const path = manifestPath(dir);
  if (!existsSync(path)) throw new InputError('not a sweep results directory (no sweep.json); run `vmmsim sweep FILE --out DIR` first', { source: dir });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SweepManifest;
  } catch (e) {
    throw new InputError(`sweep.json is not valid JSON: ${(e as Error).message}`, { source: path });
  }
}
