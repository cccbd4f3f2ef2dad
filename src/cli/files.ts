// The only place vmmsim writes files. Every file is written to a temporary
// name beside its target and renamed into place, so a crash never leaves a
// truncated result behind; temporary files a killed run left are removed by
// the next claim. A results directory (--out) is claimed for one scenario
// before anything runs and written only through {@link OutputDir} (or
// {@link writeResultFiles} for shared directories such as results/): nothing
// lands outside it, no symbolic link in any path component below it is
// followed, the results of a different scenario or files vmmsim did not write
// are not overwritten without --force, and a lock keeps a second vmmsim out.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../config/errors.js';
import { FAULT_ENV } from './faults.js';
import { firstMissing, makeDirs } from './makeDirs.js';
import { LOCK_NAME, OutputLock, TEMP_PREFIX, tempName } from './outputLock.js';

/**
 * A file could not be written while writing results (a full disk, a path
 * changed since it was checked). Exit status 1 with a one-line message;
 * nothing partial is left behind. An --out that cannot be written at all (a
 * path through a regular file, a read-only directory) is bad input, found
 * before anything runs: see {@link checkOutDir}.
 */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Name of the manifest every results directory carries. */
export const MANIFEST_NAME = '.vmmsim.json';

/** Which scenario a results directory holds: its name and a hash of its content. */
export interface ScenarioIdentity {
  scenario: string;
  /** `sha256:` + hex digest; equal exactly when the effective scenario is the same. */
  hash: string;
}

/** DIR/.vmmsim.json: who wrote the directory, from which scenario, and which files. */
export interface OutputManifest extends ScenarioIdentity {
  tool: 'vmmsim';
  /** Files written into the directory by this scenario, relative to it. */
  files: string[];
}

/**
 * The identity of a scenario as run: `content` is the validated scenario
 * (after its `set:` block and scenario-level overrides, so comments and
 * layout do not matter) and `overrides` the command line's --set flags.
 * Runs that differ in either are different scenarios.
 */
export function scenarioIdentity(name: string, content: unknown, overrides: readonly string[] = []): ScenarioIdentity {
  const hash = createHash('sha256').update(canonicalJson({ content, overrides })).digest('hex');
  return { scenario: name, hash: `sha256:${hash}` };
}

/** Options of {@link OutputDir.claim}. */
export interface ClaimOptions {
  /** Overwrite a directory holding another scenario's results (or unknown files). */
  force?: boolean;
  /**
   * Subdirectories the command will write into (points/, charts/): one that
   * is a symbolic link or not a directory is refused by the claim, before
   * anything runs, rather than at the write (see {@link checkSubdirs}).
   */
  subdirs?: readonly string[];
  /**
   * Files the command will write at the top of the directory (sweep.json,
   * results.json, …): a directory at one of those names is refused by the
   * claim, before anything runs, since the rename could not replace it.
   * `DIR/` entries (directories, as OutputDir.write declares them) are
   * skipped: `subdirs` checks those.
   */
  files?: readonly string[];
}

/** Prefix of the temporary names files are staged under (the lock's too). */
export { TEMP_PREFIX };

/**
 * A results directory claimed for one scenario. Usage:
 *
 *     const out = OutputDir.claim(opts.out, scenarioIdentity(...), { force });  // before running: checks, writes nothing
 *     …simulate…
 *     out.write({ 'results.json': json, 'results.csv': csv });                   // all files, then the manifest
 *
 * `claim` refuses (InputError, exit 2) a path that is not a directory, a
 * directory another vmmsim holds the lock of, a directory whose manifest
 * names a different scenario, and a non-empty directory without a manifest,
 * unless `force`. `write` writes only below the directory, never through a
 * symbolic link, and on failure removes what it wrote and throws an
 * {@link OutputError}. A long-running writer (a sweep) holds the lock with
 * {@link lock} until {@link release}; otherwise each write takes it.
 */
export class OutputDir {
  private held: OutputLock | null = null;
  /** The top-most directory on the way to (or at) `dir` that did not exist when claimed, or null. */
  private readonly createdDir: string | null;
  /** Files this claim wrote where nothing was (relative names), for {@link discard}. */
  private readonly fresh = new Set<string>();
  /** Subdirectories (such as points/) this claim created, for {@link discard}. */
  private readonly freshDirs = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly identity: ScenarioIdentity,
    private readonly previous: OutputManifest | null,
    private readonly force: boolean,
  ) {
    this.createdDir = firstMissing(dir);
  }

  /** Check that results of `identity` may be written into `dir`; writes and removes nothing (temporary files a killed run left go when the write takes the lock). */
  static claim(dir: string, identity: ScenarioIdentity, options: ClaimOptions = {}): OutputDir {
    const force = options.force ?? false;
    const where = { source: `--out ${dir}` };
    checkOutName(dir);
    let st;
    try {
      st = statSync(dir); // the directory named by the user may itself be a link to a directory
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new InputError(`cannot be used: ${fsReason(e)}; expected a results directory`, where);
      checkOutDir(dir);
      return new OutputDir(dir, identity, null, force);
    }
    if (!st.isDirectory()) throw new InputError('exists and is not a directory; expected a results directory', where);
    checkOutDir(dir);
    checkSubdirs(dir, options.subdirs ?? [], where.source);
    for (const f of options.files ?? []) {
      if (f.endsWith('/')) continue;
      const at = join(dir, f);
      let isDir = false;
      try {
        isDir = lstatSync(at).isDirectory();
      } catch {
        // absent: the write creates it
      }
      if (isDir) throw new InputError(`${at} is a directory where vmmsim writes its file ${f}; remove it (or choose another --out)`, where);
    }
    // Nobody else may be writing here now. (What a killed run staged is removed under the lock, by the write:
    // another vmmsim may take the lock and stage its files between this check and that write.)
    OutputLock.assertFree(dir, where.source);
    const manifest = readManifest(dir);
    if (manifest === 'absent') {
      const entries = ownEntries(dir);
      if (entries.length > 0 && !force) {
        throw new InputError(
          `is not empty and was not written by vmmsim (no ${MANIFEST_NAME}; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); ` +
            'expected an empty or new directory, or one holding results of this scenario (pass --force to write into it anyway)',
          where,
        );
      }
      return new OutputDir(dir, identity, null, force);
    }
    if (manifest === 'invalid') {
      if (!force) throw new InputError(`holds a ${MANIFEST_NAME} that is not a vmmsim manifest; pass --force to overwrite it`, where);
      return new OutputDir(dir, identity, null, force);
    }
    if ((manifest.scenario !== identity.scenario || manifest.hash !== identity.hash) && !force) {
      const what = manifest.scenario === identity.scenario
        ? `another run of scenario "${manifest.scenario}" (different content or --set flags)`
        : `scenario "${manifest.scenario}", not "${identity.scenario}"`;
      throw new InputError(`holds results of ${what}; refusing to overwrite them: choose another --out, or pass --force`, where);
    }
    return new OutputDir(dir, identity, manifest, force);
  }

  /** Hold the directory's lock until {@link release} (creating the directory): a second vmmsim is refused meanwhile. */
  lock(): void {
    if (this.held !== null) return;
    try {
      this.held = OutputLock.take(this.dir, `--out ${this.dir}`);
      removeLeftovers(this.dir);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new OutputError(`cannot write results to ${this.dir}: ${fsReason(e)}; nothing was written`);
    }
  }

  /** Give the lock up (idempotent). */
  release(): void {
    this.held?.release();
    this.held = null;
  }

  /**
   * Write `files` (name → text; names relative, `/`-separated, no `..`)
   * into the directory, then the manifest. Every file goes to a temporary
   * name first and is renamed into place only when all were written.
   * `declared` names files (and `DIR/` directories) the command writes
   * later through {@link writeFiles}: the manifest lists them too, so that
   * `--force` by another scenario removes them. Returns the paths written.
   */
  write(files: Readonly<Record<string, string | Uint8Array>>, declared: readonly string[] = []): string[] {
    const names = Object.keys(files);
    for (const n of names) checkName(n);
    for (const n of declared) checkName(n.endsWith('/') ? n.slice(0, -1) : n); // `DIR/` names a directory
    const sameScenario = this.previous !== null && this.previous.scenario === this.identity.scenario && this.previous.hash === this.identity.hash;
    const manifest: OutputManifest = {
      tool: 'vmmsim',
      ...this.identity,
      files: [...new Set([...(sameScenario ? this.previous!.files : []), ...names, ...declared])].sort(),
    };
    const all: Record<string, string | Uint8Array> = { ...files, [MANIFEST_NAME]: JSON.stringify(manifest, null, 2) + '\n' };
    // The manifest is last: a crash between renames leaves new results under
    // the old manifest, which makes the next run ask for --force rather than
    // silently mixing two scenarios.
    this.noteFresh(Object.keys(all));
    const written = this.locked(() => stageAndRename(this.dir, all));
    if (this.force && this.previous && !sameScenario) this.removeStale(this.previous.files, [...names, ...declared]);
    return written.slice(0, -1);
  }

  /** Write more files (a sweep's points/, its sweep.json) without touching the manifest; same rules as {@link write}. */
  writeFiles(files: Readonly<Record<string, string | Uint8Array>>): string[] {
    for (const n of Object.keys(files)) checkName(n);
    this.noteFresh(Object.keys(files));
    return this.locked(() => stageAndRename(this.dir, files));
  }

  /** Remember which of `names` do not exist yet: what {@link discard} may remove. */
  private noteFresh(names: readonly string[]): void {
    const absent = (name: string) => {
      try {
        lstatSync(join(this.dir, name));
        return false;
      } catch {
        return true;
      }
    };
    for (const n of names) {
      if (this.fresh.has(n)) continue;
      if (absent(n)) this.fresh.add(n);
      const sub = n.split('/')[0];
      if (sub !== n && !this.freshDirs.has(sub) && absent(sub)) this.freshDirs.add(sub);
    }
  }

  /**
   * Undo this claim's writes after a failure that left nothing worth keeping
   * (a sweep whose first task failed): remove the files it wrote where
   * nothing was before (never through a link; a file it replaced stays), then
   * the directories it created that are left empty — `--out` itself if this
   * claim created it. Call with the lock released.
   */
  discard(): void {
    for (const f of this.fresh) {
      const p = join(this.dir, f);
      try {
        if (linkOnTheWay(this.dir, f) === null && lstatSync(p).isFile()) rmSync(p);
      } catch {
        // already gone
      }
    }
    this.fresh.clear();
    if (this.createdDir !== null) removeEmptyDirs(this.createdDir);
    else for (const sub of this.freshDirs) if (linkOnTheWay(this.dir, `${sub}/x`) === null) removeEmptyDirs(join(this.dir, sub));
    this.freshDirs.clear();
  }

  private locked(fn: () => string[]): string[] {
    return this.held !== null ? fn() : withLock(this.dir, `--out ${this.dir}`, fn);
  }

  /** With --force over another scenario's results: remove its files this write did not replace (never through a link). */
  private removeStale(oldFiles: readonly string[], kept: readonly string[]): void {
    const remove = (f: string) => {
      const p = join(this.dir, f);
      try {
        if (linkOnTheWay(this.dir, f) === null && lstatSync(p).isFile()) rmSync(p);
      } catch {
        // already gone
      }
    };
    for (const f of oldFiles) {
      // `DIR/`: a directory the scenario filled file by file (a sweep's points/): its regular files, then it if
      // empty — even when the new scenario fills one of that name too (it has written none of them yet).
      const dir = f.endsWith('/') ? f.slice(0, -1) : null;
      if ((dir === null && kept.includes(f)) || f === MANIFEST_NAME || !isSafeName(dir ?? f)) continue;
      if (dir === null) {
        remove(f);
        continue;
      }
      let entries;
      try {
        if (linkOnTheWay(this.dir, `${dir}/x`) !== null || !lstatSync(join(this.dir, dir)).isDirectory()) continue;
        entries = readdirSync(join(this.dir, dir));
      } catch {
        continue;
      }
      for (const e of entries) if (!kept.includes(`${dir}/${e}`)) remove(`${dir}/${e}`);
      removeEmptyDirs(join(this.dir, dir));
    }
  }
}

/** Marker of a shared results directory (results/): vmmsim wrote here, so reproduce and predict may write again without --force. */
export const SHARED_MARKER = '.vmmsim-shared';

/** Options of {@link writeResultFiles}. */
export interface SharedWriteOptions {
  /** Write into a non-empty directory vmmsim did not write. */
  force?: boolean;
}

/**
 * Write `files` into a shared directory (one that holds the outputs of
 * several commands, such as results/ for `vmmsim reproduce`) with the same
 * guarantees as {@link OutputDir.write} — names stay inside `dir`, no
 * symbolic link is written through, all files or none, a lock while writing
 * — but no manifest: a marker file says vmmsim writes there. A non-empty
 * directory without the marker or a manifest is refused unless `force`.
 */
export function writeResultFiles(dir: string, files: Readonly<Record<string, string | Uint8Array>>, options: SharedWriteOptions = {}): string[] {
  for (const n of Object.keys(files)) checkName(n);
  checkSharedDir(dir, options);
  return writeInside(dir, { ...files, ...sharedMarker(dir) }).filter((p) => !isSharedMarker(p));
}

/** The marker file a shared directory `dir` still needs (by name, relative to `dir`): none when it has one or a manifest. */
export function sharedMarker(dir: string): Record<string, string> {
  const marked = existsAsDir(dir) && ownEntries(dir).some((e) => e === SHARED_MARKER || e === MANIFEST_NAME);
  return marked ? {} : { [SHARED_MARKER]: 'vmmsim writes its results here (reproduce, predict, walk-ratio, validate, sensitivity, plot --out); this file marks the directory as one it may overwrite.\n' };
}

/** Whether `path` is a shared directory's marker file (left out of the paths a command prints). */
export function isSharedMarker(path: string): boolean {
  return path === SHARED_MARKER || path.endsWith(`/${SHARED_MARKER}`);
}

/**
 * Write `files` below `dir` under its lock, staged and renamed as
 * {@link OutputDir.write} does, with no check of what the directory held
 * (charts into a directory named by the user).
 */
export function writeInside(dir: string, files: Readonly<Record<string, string | Uint8Array>>): string[] {
  for (const n of Object.keys(files)) checkName(n);
  checkOutName(dir);
  return withLock(dir, `--out ${dir}`, () => stageAndRename(dir, files));
}

/**
 * Check, before any work, that `out` (a single output file named by the user
 * with `flag`) can be written: a file name (not empty, `.`, `..`, `dir/`, a
 * backslash or one of vmmsim's own names) and, if something is already
 * there, a regular file — never a symbolic link (`/dev/stdout`), a
 * directory, a FIFO, a socket or a device, since the rename would put a
 * regular file in its place. `expected` ends each message.
 */
export function checkOutFile(out: string, expected = 'expected a file name, such as results/x.txt', flag = '--out'): void {
  const bad = (detail: string) => new InputError(detail, { source: out === '' ? flag : `${flag} ${out}` });
  if (out.trim() === '') throw bad(`got an empty string; ${expected}`);
  const name = basename(out);
  if (out.endsWith('/') || name === '' || name === '.' || name === '..') throw bad(`names a directory; ${expected}`);
  if (name.includes('\\')) throw bad(`the file name contains a backslash, which vmmsim does not write; ${expected}`);
  if (name === MANIFEST_NAME || name === LOCK_NAME || name === SHARED_MARKER || name.startsWith(TEMP_PREFIX)) {
    throw bad(`${name} is a name vmmsim keeps for its own files (${MANIFEST_NAME}, ${LOCK_NAME}, ${SHARED_MARKER}, ${TEMP_PREFIX}*); ${expected}`);
  }
  checkOutDir(dirname(out), flag, `${flag} ${out}`, 'of the file'); // a directory on the way that is a file, or read-only
  let st;
  try {
    st = lstatSync(out);
  } catch {
    return; // absent: a new file
  }
  if (st.isDirectory()) throw bad(`is a directory; ${expected}`);
  if (st.isSymbolicLink() && existsAsDir(out)) throw bad(`is a symbolic link to a directory; ${expected}`);
  // The write puts a new file in place of what is at the name: a link would be removed, not written through —
  // /dev/stdout, a link to a device or FIFO, or to a file elsewhere, would be replaced by a regular file.
  if (st.isSymbolicLink()) throw bad(`is a symbolic link, which writing would replace with a regular file (not write through); ${expected}: the link's target itself, or another name`);
  if (!st.isFile()) {
    throw bad(`exists and is a ${kindOf(st)}, not a regular file, which writing would replace; ${expected}, or an existing regular file to overwrite`);
  }
}

/** Write one file the user named with `flag`: {@link checkOutFile}, then staged, renamed and locked as {@link writeInside} writes. */
export function writeOutFile(path: string, data: string | Uint8Array, flag = '--out'): string {
  checkOutFile(path, undefined, flag);
  return writeInside(dirname(path), { [basename(path)]: data })[0];
}

/** What a non-regular file is, in a word. */
function kindOf(st: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  return st.isFIFO() ? 'FIFO' : st.isCharacterDevice() ? 'character device' : st.isBlockDevice() ? 'block device' : st.isSocket() ? 'socket' : 'special file';
}

/** Run `fn` holding `dir`'s lock; a directory created for the lock is removed again if `fn` fails and left it empty. */
function withLock(dir: string, where: string, fn: () => string[]): string[] {
  const release = holdSignals(); // the lock, too, is never left behind by a Ctrl-C
  try {
    return withLockHeld(dir, where, fn);
  } finally {
    release();
  }
}

function withLockHeld(dir: string, where: string, fn: () => string[]): string[] {
  const created = firstMissing(dir);
  if (created !== null) checkOutDir(dir);
  let lock: OutputLock;
  try {
    lock = OutputLock.take(dir, where);
  } catch (e) {
    if (created !== null) removeEmptyDirs(created);
    if (e instanceof InputError) throw e;
    throw new OutputError(`cannot write results to ${dir}: ${fsReason(e)}; nothing was written`);
  }
  try {
    removeLeftovers(dir); // held by this process alone: what is staged here is a killed run's
    return fn();
  } catch (e) {
    lock.release();
    if (created !== null) removeEmptyDirs(created);
    throw e;
  } finally {
    lock.release();
  }
}

/**
 * Check, before a long run, that {@link writeResultFiles} may write into
 * `dir`: refuses (exit 2) a directory another vmmsim is writing, and a
 * non-empty one vmmsim did not write unless `force`. Writes nothing.
 */
export function checkSharedDir(dir: string, options: SharedWriteOptions = {}): void {
  checkOutName(dir);
  const where = `--out ${dir}`;
  checkOutDir(dir);
  if (!existsAsDir(dir)) return;
  OutputLock.assertFree(dir, where);
  const entries = ownEntries(dir);
  const ours = entries.includes(SHARED_MARKER) || entries.includes(MANIFEST_NAME);
  if (entries.length > 0 && !ours && !options.force) {
    throw new InputError(
      `is not empty and was not written by vmmsim (no ${SHARED_MARKER}; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); ` +
        'expected an empty or new directory, or one vmmsim wrote before (pass --force to write into it anyway)',
      { source: where },
    );
  }
}

/**
 * Refuse (InputError, exit 2, located at `source`), before anything runs,
 * each of `subdirs` of `dir` that is there but is a symbolic link or not a
 * directory: the write would refuse it anyway (results never go through a
 * link), but only after the whole run. Absent is fine: the write creates it.
 */
export function checkSubdirs(dir: string, subdirs: readonly string[], source: string): void {
  for (const sub of subdirs) {
    const at = join(dir, sub);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) {
      throw new InputError(`${at} is a symbolic link, and vmmsim writes its ${sub}/ only inside the results directory, never through a link; remove the link (or choose another --out)`, { source });
    }
    if (!st.isDirectory()) {
      throw new InputError(`${at} is ${st.isFile() ? 'a regular file' : `a ${kindOf(st)}`} where vmmsim writes its ${sub}/ directory; remove it (or choose another --out)`, { source });
    }
  }
}

/** `--out ''` is bad input (exit 2), not a failed write. */
function checkOutName(dir: string): void {
  if (dir.trim() === '') throw new InputError('expected a directory name, got an empty string', { source: '--out' });
}

/** Entries of a results directory that count as content (not the lock). */
function ownEntries(dir: string): string[] {
  return readdirSync(dir).filter((e) => e !== LOCK_NAME && !e.startsWith(TEMP_PREFIX));
}

/**
 * Remove temporary files a killed or failed run left in `dir` and its
 * subdirectories (never following a link). Called by this process holding
 * the directory's lock, so nobody else is staging files there (a check made
 * without the lock could delete the files of a vmmsim that takes it next).
 */
function removeLeftovers(dir: string, depth = 0): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    try {
      if (e.isFile() && e.name.startsWith(TEMP_PREFIX)) rmSync(p, { force: true });
    } catch {
      // not ours to remove (a read-only directory): the write will say so if it matters
    }
    if (e.isDirectory() && depth < 4) removeLeftovers(p, depth + 1);
  }
}

/**
 * Test hook: with \`VMMSIM_INJECT_FAULT=enospc\` the staging of the first
 * file writes half of it and then fails as a full disk would.
 */
function writeStaged(tmp: string, data: string | Uint8Array, first: boolean): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = openSync(tmp, 'wx'); // wx: never reuse (or follow) an existing path
  try {
    if (first && process.env[FAULT_ENV] === 'enospc') {
      writeSync(fd, bytes, 0, Math.floor(bytes.length / 2));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write (injected by ${FAULT_ENV})`), { code: 'ENOSPC', path: tmp });
    }
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  } finally {
    closeSync(fd);
  }
}

/**
 * While listened for, SIGINT and SIGTERM are queued by Node instead of
 * killing the process, and a listener runs only once synchronous code
 * returns: so staging (synchronous) is never cut off half-way by a Ctrl-C —
 * it finishes or cleans up, and no temporary file is left. A signal that
 * came meanwhile is raised again, with its default effect, as soon as the
 * event loop turns (the listener stays one turn for that). Returns the
 * function that ends the hold. Holds nest: one pair of listeners serves every
 * hold open at once (writes in a row within one turn would otherwise pile up
 * a pair each until the loop turns).
 */
const HELD_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let holds = 0;
/** Bumped when the listeners go: a hold taken before then has nothing left to release. */
let holdEpoch = 0;
function releaseSignals(): void {
  holds = 0;
  holdEpoch++;
  for (const sig of HELD_SIGNALS) process.removeListener(sig, raiseHeld);
}
function raiseHeld(sig: NodeJS.Signals): void {
  releaseSignals();
  process.kill(process.pid, sig);
}
function holdSignals(): () => void {
  if (holds++ === 0) for (const sig of HELD_SIGNALS) process.on(sig, raiseHeld);
  const epoch = holdEpoch;
  // Two hops: a poll phase, where a queued signal is dispatched, lies between.
  return () => setImmediate(() => setImmediate(() => {
    if (epoch === holdEpoch && --holds === 0) releaseSignals();
  }));
}

/**
 * Write every file under a temporary name, then rename them all into place,
 * in order; on failure remove what was staged. Called under the directory's
 * lock: by {@link withLock}, which holds signals meanwhile, or by a sweep or
 * merge holding the lock throughout (a sweep's own SIGINT handler runs only
 * between writes; a kill leaves temporary files for the next claim to remove).
 */
function stageAndRename(dir: string, files: Readonly<Record<string, string | Uint8Array>>): string[] {
  const created = firstMissing(dir);
  const temps: Array<[tmp: string, path: string]> = [];
  const made: string[] = []; // subdirectories made on the way, removed again (when empty) if the write fails
  try {
    makeDirs(dir);
    for (const [name, text] of Object.entries(files)) {
      const path = safePath(dir, name, made);
      const tmp = tempBeside(path);
      temps.push([tmp, path]); // before writing: a write that fails part-way leaves a temp to remove
      writeStaged(tmp, text, temps.length === 1);
    }
  } catch (e) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    for (const d of made.reverse()) removeEmptyDirs(d);
    if (created !== null) removeEmptyDirs(created);
    if (e instanceof OutputError) throw e;
    throw new OutputError(`cannot write results to ${dir}: ${fsReason(e)}; nothing was written`);
  }
  try {
    for (const [tmp, path] of temps) renameSync(tmp, path); // replaces a symlink at `path` itself, never its target
  } catch (e) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    throw new OutputError(`cannot write results to ${dir}: ${fsReason(e)}`);
  }
  return temps.map(([, p]) => p);
}

/** The first path component of `name` below `dir` that is a symbolic link, or null. */
function linkOnTheWay(dir: string, name: string): string | null {
  let at = dir;
  for (const seg of name.split('/').slice(0, -1)) {
    at = join(at, seg);
    try {
      if (lstatSync(at).isSymbolicLink()) return at;
    } catch {
      return null;
    }
  }
  return null;
}

/** Path of `name` inside the directory, creating subdirectories, refusing symbolic links on the way. */
function safePath(dir: string, name: string, made: string[]): string {
  const segs = name.split('/');
  let at = dir;
  for (const seg of segs.slice(0, -1)) {
    at = join(at, seg);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      mkdirSync(at);
      made.push(at);
      continue;
    }
    if (st.isSymbolicLink()) throw new OutputError(`refusing to write through the symbolic link ${at}: results stay inside ${dir}; nothing was written`);
    if (!st.isDirectory()) throw new OutputError(`cannot write ${join(dir, name)}: ${at} is not a directory; nothing was written`);
  }
  const path = join(at, segs[segs.length - 1]);
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    // Absent: the rename creates it. Any other failure (a name too long, no permission) would fail the rename
    // after earlier files were renamed: fail now, while nothing is.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw new OutputError(`cannot write ${path}: ${fsReason(e)}; nothing was written`);
  }
  // A file, a symlink or a FIFO at `path` is replaced by the rename (the link, not its target; a FIFO squatting a
  // task file of a results directory is replaced as a resume reruns the task); a directory cannot be. A file the
  // user names with --out is checked first (checkOutFile), so a FIFO or a device given there is refused, not replaced.
  if (st.isDirectory()) throw new OutputError(`cannot write ${path}: a directory is in the way; nothing was written`);
  return path;
}

/** The scenario identity recorded in `dir`'s manifest, or null if it has no valid one (e.g. to carry it from shard directories into a merge). */
export function identityOf(dir: string): ScenarioIdentity | null {
  const m = readManifest(dir);
  return typeof m === 'string' ? null : { scenario: m.scenario, hash: m.hash };
}

/** Names of files in a results directory: relative, `/`-separated, no empty, `.` or `..` segments. */
function isSafeName(name: string): boolean {
  return name.length > 0 && !name.includes('\\') && !name.includes('\u0000') &&
    name.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function checkName(name: string): void {
  if (!isSafeName(name) || name === MANIFEST_NAME) throw new Error(`bug: result file name ${JSON.stringify(name)} would escape or clobber the results directory`);
}

function readManifest(dir: string): OutputManifest | 'absent' | 'invalid' {
  const path = join(dir, MANIFEST_NAME);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return 'absent';
  }
  if (!st.isFile() || st.size > 1024 * 1024) return 'invalid';
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<OutputManifest>;
    if (m.tool !== 'vmmsim' || typeof m.scenario !== 'string' || typeof m.hash !== 'string' || !Array.isArray(m.files)) return 'invalid';
    return { tool: 'vmmsim', scenario: m.scenario, hash: m.hash, files: m.files.filter((f): f is string => typeof f === 'string') };
  } catch {
    return 'invalid';
  }
}

/**
 * Check, before any work, that results can be written into `dir` (a
 * directory named by the user with `flag`): an existing directory, or one
 * that can be created. A path through a regular file, a regular file where
 * the directory should be, or a directory that cannot be written or created
 * (read-only, /proc, /sys) is bad input (InputError, exit 2) located at the
 * flag, with nothing written. Whether a directory can be written is tried,
 * not guessed (root passes every permission check, and /proc refuses a mkdir
 * its mode bits allow): a temporary file is created and removed in an
 * existing directory, and a directory with a name as long as the first
 * missing one's beside where it goes.
 * `source` overrides the location (`--out FILE` for a file's directory);
 * `of` says whose directory it is in messages. A probe that finds the
 * directory removed meanwhile looks once more (`retried`).
 */
export function checkOutDir(dir: string, flag = '--out', source = `${flag} ${dir}`, of = '', retried = false): void {
  checkOutName(dir);
  const bad = (detail: string) => new InputError(detail, { source });
  const expected = `expected a directory that exists or can be created, and that vmmsim may write into`;
  const dirOf = of === '' ? '' : ` (the directory ${of})`;
  // The nearest existing directory on the way: a file there (`afile/sub`) is in the way.
  const missing = firstMissing(dir);
  const at = missing === null ? dir : dirname(missing);
  let st;
  try {
    st = statSync(at);
  } catch (e) {
    throw bad(`${at} cannot be used${dirOf}: ${fsReason(e)}; ${expected}`);
  }
  if (!st.isDirectory()) {
    const what = st.isFile() ? 'a regular file' : `a ${kindOf(st)}`;
    throw bad(at === dir && of === '' ? `exists and is ${what}, not a directory; ${expected}` : `${at} is ${what}, not a directory${dirOf}; ${expected}`);
  }
  try {
    if (missing === null) {
      const probe = join(dir, tempName());
      closeSync(openSync(probe, 'wx'));
      rmSync(probe, { force: true });
    } else {
      // A directory beside it, with a name as long: the missing one itself never appears, not even for a moment
      // (another vmmsim started on the same --out would find it, and lose it when the probe is removed).
      const probe = join(dirname(missing), probeName(Buffer.byteLength(basename(missing))));
      mkdirSync(probe);
      rmdirSync(probe);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // The directory (or the one it goes in) was removed meanwhile, e.g. by a vmmsim that created it and then failed: look again.
    if (!retried && err.code === 'ENOENT') return checkOutDir(dir, flag, source, of, true);
    const which = missing === null ? (of === '' ? 'cannot be written' : `${dir} cannot be written`) : (missing === dir && of === '' ? 'cannot be created' : `${missing} cannot be created`);
    throw bad(`${which}${dirOf}: ${(err.code && FS_WORDS[err.code]) ?? err.message}; ${expected}`);
  }
}

/** A name for a probe directory, unique, starting with TEMP_PREFIX (ignored as content, like staged files) and at least `bytes` bytes long. */
function probeName(bytes: number): string {
  return tempName().padEnd(bytes, '-');
}

function existsAsDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Remove `dir` and its subdirectories if they hold nothing (undoing a failed write). */
function removeEmptyDirs(dir: string): void {
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeEmptyDirs(join(dir, e.name));
    rmdirSync(dir);
  } catch {
    // not empty, or already gone: leave it
  }
}

function tempBeside(path: string): string {
  return join(dirname(path), tempName());
}

/** A file-system error in a few words. */
function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code && FS_WORDS[err.code] ? `${FS_WORDS[err.code]} (${err.path ?? ''})`.replace(' ()', '') : err.message;
}

/** File-system error codes in a few words. */
const FS_WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  ENOTDIR: 'a component of the path is not a directory',
  EEXIST: 'a file is in the way',
  ENOENT: 'no such file or directory',
  EISDIR: 'a directory is in the way',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
};

/** JSON with object keys sorted at every level, so equal content hashes equally. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
