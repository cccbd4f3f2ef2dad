// A lock on a results directory (DIR/.vmmsim.lock), so two vmmsim processes
// never work on one --out at once: a sweep holds it from start to finish,
// other commands while they write. The file names its holder (pid, host); a
// lock whose process is gone (killed, crashed) is stale and taken over.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { linkSync, lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { makeDirs } from './makeDirs.js';
import { InputError } from '../config/errors.js';

/** Name of the lock file inside a results directory. */
export const LOCK_NAME = '.vmmsim.lock';

/** Prefix of the temporary files vmmsim stages in a results directory (files.ts removes those a killed run left). */
export const TEMP_PREFIX = '.vmmsim-tmp-';

/** A temporary name, unique to this process and call: TEMP_PREFIX, the pid, a random UUID. */
export function tempName(): string {
  return `${TEMP_PREFIX}${process.pid}-${randomUUID()}`;
}

/** Largest lock file read (it holds a line of JSON). */
const MAX_LOCK_BYTES = 4096;

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** A held lock; {@link release} it (it is also released when the process exits). */
export class OutputLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly dir: string,
    private readonly token: string,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * Take the lock on `dir` (creating the directory if needed). Refuses, with
   * exit status 2, a directory another live vmmsim process holds.
   */
  static take(dir: string, where: string): OutputLock {
    makeDirs(dir);
    const path = join(dir, LOCK_NAME);
    const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const token = JSON.stringify(me) + '\n';
    for (let attempt = 0; attempt < 2; attempt++) {
      if (create(path, token)) return new OutputLock(dir, token);
      const holder = readHolder(path);
      if (holder && holder.host === me.host && holder.pid === process.pid) {
        throw new Error(`bug: ${path} is already held by this process`);
      }
      if (holder && isAlive(holder)) throw busy(holder, path, where);
      rmSync(path, { force: true }); // stale: its process is gone
    }
    throw new InputError(`cannot take the lock ${path}: another process keeps recreating it`, { source: where });
  }

  /** Refuse (exit 2) a directory a live vmmsim holds, without taking the lock (nothing is written). */
  static assertFree(dir: string, where: string): void {
    const path = join(dir, LOCK_NAME);
    const holder = readHolder(path);
    if (holder && !(holder.host === hostname() && holder.pid === process.pid) && isAlive(holder)) throw busy(holder, path, where);
  }

  /** Remove the lock file if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    const path = join(this.dir, LOCK_NAME);
    try {
      const st = lstatSync(path);
      if (st.isFile() && st.size <= MAX_LOCK_BYTES && readFileSync(path, 'utf8') === this.token) rmSync(path);
    } catch {
      // already gone
    }
  }
}

/**
 * Create the lock file `path` holding `token`, atomically with its content:
 * written to a temporary file, then linked under the lock's name (a link
 * fails if the name exists, even as a planted symbolic link, and is never
 * followed). Another process never reads it half-written, which it would take
 * for a stale lock and remove. False if the lock file exists. Where hard links
 * are not supported, created with O_EXCL, content written after.
 */
function create(path: string, token: string): boolean {
  for (let attempt = 0; ; attempt++) {
    const staged = join(path, '..', tempName());
    writeFileSync(staged, token, { flag: 'wx' });
    try {
      linkSync(staged, path);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // The staged file removed meanwhile, as a killed run's, by a vmmsim that has just taken the lock: try again (and find it taken).
      if (code === 'ENOENT' && attempt < 2) continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    } finally {
      rmSync(staged, { force: true });
    }
    break;
  }
  try {
    writeFileSync(path, token, { flag: 'wx' }); // wx: atomic create, never follows a planted link
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function busy(holder: Holder, path: string, where: string): InputError {
  return new InputError(
    `is being written by another vmmsim (pid ${holder.pid} on ${holder.host}, since ${holder.since}); ` +
      `two commands must not work on one results directory: wait for it to finish, choose another --out, or remove ${path} if that process is gone`,
    { source: where },
  );
}

/** The holder a lock file names, or null when it is unreadable (treated as stale). */
function readHolder(path: string): Holder | null {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_LOCK_BYTES) return null;
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string') return null;
    return { pid: h.pid, host: h.host, since: String(h.since ?? '?') };
  } catch {
    return null;
  }
}

/** Whether the lock's process still runs; on another host it is assumed to (it cannot be checked from here). */
function isAlive(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
