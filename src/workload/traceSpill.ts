// A trace too long to hold in memory, parsed once into a spill file that
// every mode and sweep point of the command reads back window by window:
// the compact form of each window (its lines' shape ids, timestamps and
// stream switches, and its distinct operations as a ShapeTable's arrays),
// written as raw typed arrays. Reading a window back is a few reads into
// typed arrays, with no JSON, schema or hashing, so the runs after the first
// cost what a held trace's do, and memory stays one window.
//
// The file is created in the system's temporary directory, readable by its
// owner only, and unlinked at once: it has no name while it is used, and
// nothing is left behind however the process ends. Its descriptor is closed
// when the spilled trace is garbage-collected (or the process exits); worker
// threads read the main thread's spills through its descriptors, and make
// none of their own (spillHandoffs, adoptSpills). A
// spill that cannot be written (no temporary directory, the disk full, more
// than MAX_SPILL_BYTES) is given up, and each run parses the file again,
// as before: only speed depends on it.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { join } from 'node:path';
import { TraceParser, type TraceError, type TraceProgram, type WindowSource } from './traceProgram.js';
import { TraceWindow, type WindowParts } from './traceWindow.js';
import { NUMBER, ShapeTable, type Template } from './traceShapes.js';

/** Largest spill file written; a trace whose compact form is larger is parsed again by each run. */
export const MAX_SPILL_BYTES = 2 * 1024 ** 3;

/** Where one window lies in the spill file, and what it holds. */
interface Chunk {
  /** Byte offsets of its first array and past its last. */
  pos: number;
  end: number;
  lines: number;
  hasT: boolean;
  hasSwitch: boolean;
  entries: number;
  shapes: number;
  numbers: number;
  cols: Array<[number, number]>;
  /** Operation lines and stream switches of the trace up to the end of this window. */
  linesSoFar: number;
  switchesSoFar: number;
}

const closeOnCollect = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/** A trace parsed once into a spill file. */
export class SpilledTrace {
  constructor(
    /** What the spill was made from and how: format, TraceCache settings and path (see {@link registeredSpill}), and the file's version then. */
    readonly key: string,
    readonly stamp: string | null,
    readonly path: string,
    /** Descriptor of the (unlinked) spill file. */
    readonly fd: number,
    readonly chunks: readonly Chunk[],
    /** Templates of every window's operations (a list that only grew while parsing). */
    readonly templates: Template[],
    /** The first broken line: replay throws it after the lines before it. */
    readonly error: TraceError | null,
    /** Bytes written. */
    readonly bytes: number,
    /** Whether this thread opened `fd` (closed when this is collected), or borrows it from the thread that started it (which keeps it open). */
    owned = true,
  ) {
    if (owned) closeOnCollect.register(this, fd);
  }

  /** A reader of its windows, from the first. */
  reader(): SpillReader {
    return new SpillReader(this);
  }

  /** A spill of one window (a trace held whole, handed to worker threads) keeps it once read: every run of the thread shares it, as a held trace's are. */
  private only: { window: WindowParts; shapes: ShapeTable } | null = null;

  /** Window `k` read back (its arrays are not to be written). */
  load(k: number): { window: WindowParts; shapes: ShapeTable } {
    if (this.only !== null) return this.only;
    const c = this.chunks[k];
    const fd = this.fd;
    let pos = c.pos;
    const read = <T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T): T => {
      readExactly(fd, a, pos);
      pos += a.byteLength;
      return a;
    };
    // The order they are written in (spillWindow).
    const tNs = c.hasT ? read(new Float64Array(c.lines)) : null;
    const numbers = read(new Float64Array(c.numbers));
    const lineBase = read(new Float64Array(c.entries));
    const shape = read(new Int32Array(c.lines));
    const switchTo = c.hasSwitch ? read(new Int32Array(c.lines)) : null;
    const entryBase = read(new Int32Array(c.entries));
    const template = read(new Int32Array(c.shapes));
    const first = read(new Int32Array(c.shapes + 1));
    const again = read(new Uint8Array(c.shapes));
    const loaded = { window: { shape, tNs, switchTo, entryBase, lineBase }, shapes: ShapeTable.load({ templates: this.templates, template, first, numbers, again, cols: c.cols }) };
    if (this.chunks.length === 1) this.only = loaded;
    return loaded;
  }
}

/** Reads a spilled trace back window by window (a {@link WindowSource}, as a parser streaming the file is). */
export class SpillReader implements WindowSource {
  shapes = new ShapeTable();
  lines = 0;
  switches = 0;
  private next = 0;

  constructor(private readonly spill: SpilledTrace) {}

  get error(): TraceError | null {
    return this.spill.error;
  }

  nextWindow(window: TraceWindow): boolean {
    const c = this.spill.chunks[this.next];
    if (c === undefined) return false;
    const { window: parts, shapes } = this.spill.load(this.next++);
    window.load(parts);
    this.shapes = shapes;
    this.lines = c.linesSoFar;
    this.switches = c.switchesSoFar;
    return true;
  }

  close(): void {
    // The spill file stays open for the other readers.
  }
}

/**
 * Parse `path` once into a spill file, in windows of `windowLines` lines;
 * null when it cannot be written (the trace is then parsed by each run). A
 * file that cannot be read throws, as a parse of it does.
 */
export function spillTrace(path: string, format: 'jsonl' | 'csv', windowLines: number, key: string, maxBytes = MAX_SPILL_BYTES): SpilledTrace | null {
  const stamp = fileStamp(path);
  const fd = openUnlinked();
  if (fd === null) return null;
  const parser = new TraceParser(path, format);
  const window = new TraceWindow(windowLines);
  const chunks: Chunk[] = [];
  let pos = 0;
  let kept = false;
  try {
    while (parser.nextWindow(window, windowLines)) {
      const chunk = spillWindow(fd, pos, window, parser.shapes, parser.lines, parser.switches, maxBytes);
      if (chunk === null) return null;
      chunks.push(chunk);
      pos = chunk.end;
    }
    kept = true;
    const spill = new SpilledTrace(key, stamp, path, fd, chunks, parser.shapes.parts().templates, parser.error, pos);
    register(spill);
    return spill;
  } catch (e) {
    if (isFileSystemError(e)) return null; // the spill file could not be written: each run parses again
    throw e;
  } finally {
    parser.close();
    if (!kept) closeSync(fd);
  }
}

/** The version of a regular file, as far as stat tells: changed when it is rewritten; null if it cannot be stat'ed. */
export function fileStamp(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : null;
  } catch {
    return null;
  }
}

/**
 * Spills of this thread, by key: a TraceCache asks here before parsing, so
 * a trace spilled once (by the check at load, or by a thread that handed it
 * over) is not parsed again while its file is unchanged. A few at most (each
 * holds a descriptor and its windows' offsets): the oldest is dropped.
 */
const registry = new Map<string, SpilledTrace>();
const MAX_REGISTERED_SPILLS = 8;

function register(spill: SpilledTrace): void {
  if (spill.stamp === null) return;
  registry.delete(spill.key);
  if (registry.size >= MAX_REGISTERED_SPILLS) registry.delete(registry.keys().next().value!);
  registry.set(spill.key, spill);
}

/** The spill registered under `key`, if its file is still as it was spilled. */
export function registeredSpill(key: string, path: string): SpilledTrace | undefined {
  const spill = registry.get(key);
  if (spill === undefined) return undefined;
  if (spill.stamp === fileStamp(path)) return spill;
  registry.delete(key);
  return undefined;
}

/** A spill as a worker thread is told of it (plain data: a worker's thread shares the process's descriptors). */
export interface SpillHandoff {
  key: string;
  stamp: string;
  path: string;
  fd: number;
  chunks: Chunk[];
  /** Templates with NUMBER (a symbol, which does not cross threads) written as `{ number: true }`. */
  templates: Array<{ keys: string[]; constants: Array<{ number: true } | { value: unknown }> }>;
  bytes: number;
}

/** What a worker thread is started with, besides its own data: the traces the starting thread spilled, which it reads back instead of parsing (adoptSpills). */
export interface SpillsData {
  spills?: SpillHandoff[];
}

/**
 * The spills of this thread, for worker threads it starts (traces it holds
 * whole are spilled first, each as one window), which read each spill
 * through the same descriptor (threads share the process's descriptors,
 * and every read gives its own offset) instead of parsing the trace again:
 * `handoffs` for the workers, and `spills`, which the caller keeps
 * referenced until its workers have ended, so no descriptor is closed under
 * them. Spills that found a broken line are left out (a trace with one
 * fails the check at load, before any worker starts).
 */
export function spillHandoffs(): { handoffs: SpillHandoff[]; spills: SpilledTrace[] } {
  spillHeld();
  const spills = [...registry.values()].filter((s) => s.error === null && s.stamp !== null);
  const handoffs = spills.map((s) => ({
    key: s.key, stamp: s.stamp!, path: s.path, fd: s.fd, chunks: [...s.chunks], bytes: s.bytes,
    templates: s.templates.map((t) => ({ keys: t.keys, constants: t.constants.map((c) => (c === NUMBER ? { number: true as const } : { value: c })) })),
  }));
  return { handoffs, spills };
}

/** Read the spills the starting thread handed over (see {@link spillHandoffs}) instead of parsing their traces; their descriptors stay that thread's. */
export function adoptSpills(handoffs: readonly SpillHandoff[]): void {
  for (const h of handoffs) {
    const templates = h.templates.map((t) => ({ keys: t.keys, constants: t.constants.map((c) => ('number' in c ? NUMBER : c.value)) }));
    register(new SpilledTrace(h.key, h.stamp, h.path, h.fd, h.chunks, templates, null, h.bytes, false));
  }
}

/**
 * Write `window` and its operations `shapes` at `pos` (arrays of 8-byte
 * elements first); null if that would pass `maxBytes`. `lines` and
 * `switches` count the trace's up to the window's end.
 */
function spillWindow(fd: number, pos: number, window: TraceWindow, shapes: ShapeTable, lines: number, switches: number, maxBytes: number): Chunk | null {
  const w = window.parts();
  const s = shapes.parts();
  const arrays = [w.tNs, s.numbers, w.lineBase, w.shape, w.switchTo, w.entryBase, s.template, s.first, s.again];
  const bytes = arrays.reduce((n, a) => n + (a?.byteLength ?? 0), 0);
  if (pos + bytes > maxBytes) return null;
  const chunk: Chunk = {
    pos, end: pos + bytes, lines: w.shape.length, hasT: w.tNs !== null, hasSwitch: w.switchTo !== null, entries: w.entryBase.length,
    shapes: s.template.length, numbers: s.numbers.length, cols: s.cols, linesSoFar: lines, switchesSoFar: switches,
  };
  for (const a of arrays) if (a !== null) pos = writeExactly(fd, a, pos);
  return chunk;
}

/**
 * Traces this thread holds whole, by the key a spill of them would have:
 * when worker threads start, each still held is spilled as one window
 * (spillHandoffs), so the workers read it instead of parsing it. Held
 * weakly: this keeps no trace alive.
 */
const held = new Map<string, { path: string; stamp: string; program: WeakRef<TraceProgram> }>();

/** Offer `program` (held whole, under `key`) to the worker threads this thread may start. */
export function offerHeld(key: string, program: TraceProgram): void {
  const stamp = fileStamp(program.path);
  if (stamp === null || program.error !== null) return;
  held.delete(key);
  if (held.size >= MAX_REGISTERED_SPILLS) held.delete(held.keys().next().value!);
  held.set(key, { path: program.path, stamp, program: new WeakRef(program) });
}

/** Spill the held traces not spilled yet whose files are unchanged (one window each), registering them. */
function spillHeld(): void {
  for (const [key, h] of held) {
    const program = h.program.deref();
    if (program === undefined || h.stamp !== fileStamp(h.path) || registeredSpill(key, h.path) !== undefined) continue;
    const fd = openUnlinked();
    if (fd === null) return;
    try {
      const chunk = spillWindow(fd, 0, program.window, program.shapes, program.lines, program.switches, MAX_SPILL_BYTES);
      if (chunk === null) {
        closeSync(fd);
        continue;
      }
      register(new SpilledTrace(key, h.stamp, h.path, fd, [chunk], program.shapes.parts().templates, null, chunk.end));
    } catch (e) {
      closeSync(fd);
      if (!isFileSystemError(e)) throw e;
    }
  }
}

/**
 * A new file in the temporary directory, open for reading and writing,
 * already unlinked; null if none can be made. Only the main thread makes
 * them: a worker thread is terminated without running any clean-up, so a
 * descriptor it opened would stay open (a worker reads the spills it is
 * handed, and without one parses as before).
 */
function openUnlinked(): number | null {
  if (!isMainThread) return null;
  let dir: string | null = null;
  try {
    dir = mkdtempSync(join(tmpdir(), 'vmmsim-spill-'));
    const file = join(dir, 'spill');
    const fd = openSync(file, 'wx+', 0o600);
    unlinkSync(file);
    return fd;
  } catch {
    return null;
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

function writeExactly(fd: number, a: Uint8Array | Int32Array | Float64Array, pos: number): number {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, pos + done);
  return pos + bytes.length;
}

function readExactly(fd: number, a: Uint8Array | Int32Array | Float64Array, pos: number): void {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let done = 0; done < bytes.length; ) {
    const n = readSync(fd, bytes, done, bytes.length - done, pos + done);
    if (n === 0) throw new Error(`trace spill file: ${bytes.length - done} bytes missing at offset ${pos + done}`);
    done += n;
  }
}

/** An error of the file system (a Node system error with a code such as ENOSPC or EIO). */
function isFileSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).syscall !== undefined;
}
