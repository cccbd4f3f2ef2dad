// Trace replay: a workload read from a file of operations, one per line, in
// JSONL or CSV (format documented in docs/workloads.md, "Trace files", and
// scenarios/examples/trace.jsonl). Each line may carry a timestamp `t` (ns
// since the trace began: the operation does not start earlier) and a stream
// id `stream` (the guest process it ran in: when it changes, the guest's
// contextSwitch composite to that address space is inserted). The file is
// parsed once into a compact form (traceProgram.ts) that every mode replays;
// a broken line is a TraceError naming file:line, however far into the file.
// checkTrace walks a whole trace as replay would, without running it: the
// loader's check before anything runs, whose parse the first run reuses.
import { itemCode, type StreamItem } from './control.js';
import { InputFileError } from './inputFile.js';
import type { WorkloadCompiler } from './expand.js';
import { OP_KINDS } from './ops.js';
import { retargetCr3 } from './retarget.js';
import { accessesOf, computeCyclesOf, countAccesses, countComputeCycles, countOps, leaf, ONCE_LEAF, OpCursor, type ItemSource, type OpNode } from './stream.js';
import { MAX_SHARED_SHAPE_BYTES, MAX_SHARED_TRACE_LINES, parseTrace, STREAM_WINDOW_LINES, TraceError, TraceParser, type TraceProgram, type TraceShape, type WindowSource } from './traceProgram.js';
import { NO_SWITCH, TraceWindow } from './traceWindow.js';
import { fileStamp, offerHeld, registeredSpill, SpilledTrace, spillTrace } from './traceSpill.js';

export { CSV_COLUMNS, TraceError } from './traceProgram.js';

/**
 * Most operations of a trace one run keeps compiled at once (a power of
 * two): operation `s` is kept in slot `s` mod this many, where the next one
 * compiled into that slot replaces it (to be compiled again if met again).
 */
const COMPILED_SLOTS = STREAM_WINDOW_LINES;

/** Static instruction ids given to trace operations without a `site`: one per operation kind. */
export const TRACE_SITE_BASE = 1_000_000;

/** Options of a trace cursor. */
export interface TraceOptions {
  /** Compiles primitives and resolves `use` lines and the contextSwitch composite of the guest profile. */
  compiler: WorkloadCompiler;
  clockHz: number;
  /** Most operations plus memory accesses the whole trace may stand for (--max-ops); checked line by line, as the trace is replayed. */
  maxWork?: number;
}

/** A trace parsed once: held whole in memory, or spilled to a file read back window by window. */
export type ParsedTrace = TraceProgram | SpilledTrace;

/**
 * Parsed traces of one run, shared by its modes and sweep points: each file
 * is parsed once (per thread). A trace too long to hold (more than
 * MAX_SHARED_TRACE_LINES lines, or distinct operations taking more than
 * MAX_SHARED_SHAPE_BYTES) is parsed once into a spill file (traceSpill.ts)
 * that each run reads back; if that cannot be written it is remembered as
 * such and parsed again by each run, window by window.
 */
export class TraceCache {
  private readonly programs = new Map<string, ParsedTrace | null>();

  constructor(
    /** Longest trace (operation lines) held whole; longer ones are spilled or streamed. */
    readonly maxSharedLines = MAX_SHARED_TRACE_LINES,
    /** Lines per window when spilled or streamed. */
    readonly windowLines = STREAM_WINDOW_LINES,
    /** Most bytes the distinct operations of a trace held whole may take; one whose take more is spilled or streamed. */
    readonly maxSharedShapeBytes = MAX_SHARED_SHAPE_BYTES,
    /** Whether a trace not held whole is spilled (else each run parses it again). */
    readonly spill = true,
  ) {}

  /** Key of what the parsed form of a file depends on besides the file. */
  get key(): string {
    return `${this.maxSharedLines}:${this.maxSharedShapeBytes}:${this.windowLines}:${this.spill}`;
  }

  /** The parsed form of `path`, or null when it is not held and not spilled: each run parses it again. */
  program(path: string, format: 'jsonl' | 'csv'): ParsedTrace | null {
    const key = `${format}:${path}`;
    if (!this.programs.has(key)) {
      // Spilled before (by this thread, or by the thread that started it) and unchanged: read back, not parsed.
      const spillKey = `${format}:${this.key}:${path}`;
      let parsed: ParsedTrace | null | undefined = takeChecked(path, format, this.key);
      if (parsed === undefined && this.spill) parsed = registeredSpill(spillKey, path);
      if (parsed === undefined) {
        parsed = parseTrace(path, format, this.maxSharedLines, this.maxSharedShapeBytes);
        if (parsed === null && this.spill) parsed = spillTrace(path, format, this.windowLines, spillKey);
        else if (parsed !== null && this.spill) offerHeld(spillKey, parsed);
      }
      this.programs.set(key, parsed);
    }
    return this.programs.get(key)!;
  }
}

/** What {@link checkTrace} found: operation lines, stream switches, the operations and memory accesses they stand for under one mode, and the last timestamp. */
export interface TraceSummary {
  lines: number;
  switches: number;
  operations: number;
  memoryAccesses: number;
  /** The last line's timestamp `t`, ns (0: none): no run ends before it. */
  lastNs: number;
  /** Cycles of its computations (compute lines, and those inside the composites it uses): their native time (countComputeCycles). */
  computeCycles: number;
}

/**
 * Parsed forms {@link checkTrace} made, each handed to the first TraceCache
 * that asks for the same unchanged file (a command parses a trace once: to
 * check it while loading, then replay that form), then dropped. A few at
 * most: one never asked for (`check`) is not held long.
 */
const checkedPrograms = new Map<string, { stamp: string; program: ParsedTrace | null }>();
const MAX_CHECKED_PROGRAMS = 4;

/** Summaries of traces checked in this thread, by file, file version and scenario (a sweep's points check one trace once). */
const checkedSummaries = new Map<string, TraceSummary>();
const MAX_CHECKED_SUMMARIES = 256;

function takeChecked(path: string, format: 'jsonl' | 'csv', cacheKey: string): ParsedTrace | null | undefined {
  const key = `${format}:${cacheKey}:${path}`;
  const entry = checkedPrograms.get(key);
  if (entry === undefined) return undefined;
  checkedPrograms.delete(key);
  return entry.stamp === fileStamp(path) ? entry.program : undefined;
}

/**
 * Check a whole trace before anything runs, as replay would meet it: the
 * first broken line (syntax, schema, timestamps), then what depends on the
 * scenario (an unknown composite, `options.maxWork`), each a TraceError at
 * its line; a file that cannot be read, or has no operation line, is an
 * InputFileError. Nothing is
 * simulated, and `options.compiler` should be one of its own (compiling the
 * composites in it would renumber the sites of the scenario's compiler).
 * `scenarioKey` stands for what the checks depend on besides the file (the
 * guest's composites): a trace checked before with the same key and an
 * unchanged file is not read again.
 */
export function checkTrace(path: string, format: 'jsonl' | 'csv', options: TraceOptions, scenarioKey: string): TraceSummary {
  const stamp = fileStamp(path);
  const memoKey = stamp === null ? null : `${format}:${path}\u0000${stamp}\u0000${scenarioKey}`;
  const known = memoKey === null ? undefined : checkedSummaries.get(memoKey);
  if (known !== undefined && known.operations + known.memoryAccesses <= (options.maxWork ?? Infinity)) return known;
  const cache = new TraceCache();
  const cursor = new TraceCursor(path, format, options, cache);
  let summary: TraceSummary;
  try {
    summary = cursor.checkAll();
  } finally {
    cursor.close();
  }
  // Bad input, not a run that takes no time: an empty file is most likely the wrong file, or one not yet written.
  if (summary.lines === 0) {
    throw new InputFileError('the trace has no operations (the file is empty, or holds only comments, blank lines and a CSV header); expected one operation per line', path);
  }
  if (memoKey !== null && stamp !== null) {
    if (checkedSummaries.size >= MAX_CHECKED_SUMMARIES) checkedSummaries.clear();
    checkedSummaries.set(memoKey, summary);
    const key = `${format}:${cache.key}:${path}`;
    checkedPrograms.delete(key);
    if (checkedPrograms.size >= MAX_CHECKED_PROGRAMS) checkedPrograms.delete(checkedPrograms.keys().next().value!);
    checkedPrograms.set(key, { stamp, program: cache.program(path, format) });
  }
  return summary;
}

/** One line's compiled operation: a primitive and its count, or a composite body and its count. */
interface CompiledShape {
  op: StreamItem | null;
  body: readonly OpNode[] | null;
  count: number;
  /** Operations and memory accesses one line of this shape stands for, and the cycles of its computations. */
  ops: number;
  accesses: number;
  compute: number;
  /** A primitive met on one line of the trace only, without copies: compiled for that line, and charged once. */
  once: boolean;
}

/** Replays a parsed trace (held whole, spilled, or parsed again window by window) as stream items; allocates nothing per primitive line. */
export class TraceCursor implements ItemSource {
  private window: TraceWindow;
  /** Where the windows come from when the trace is not held whole: its spill file, or the file parsed again. */
  private readonly source: WindowSource | null;
  private readonly program: TraceProgram | null;
  /** Compiled operations by slot (see COMPILED_SLOTS), and the shape each slot holds (−1: none). */
  private readonly compiled: Array<CompiledShape | undefined> = new Array<CompiledShape | undefined>(COMPILED_SLOTS).fill(undefined);
  private readonly compiledShape = new Int32Array(COMPILED_SLOTS).fill(-1);
  /** What one copy of each composite body the trace uses stands for (countOps, countAccesses, countComputeCycles of it). */
  private readonly bodySums = new Map<readonly OpNode[], { ops: number; accesses: number; compute: number }>();
  private readonly switchCache = new Map<number, { nodes: OpNode[]; ops: number; accesses: number; compute: number }>();
  /** Next line of the window. */
  private index = 0;
  /** The current primitive line's op and the copies of it still to come. */
  private leafOp: StreamItem | null = null;
  private leafLeft = 0;
  /** A composite body or stream switch being walked. */
  private sub: OpCursor | null = null;
  /** Parts of the current line still to start: its switch (asid), then its own operation (shape). */
  private pendingSwitch = NO_SWITCH;
  private pendingShape: CompiledShape | null = null;
  /** Operations and memory accesses of the lines replayed so far, and the two apart. */
  private work = 0;
  private ops = 0;
  private accesses = 0;
  private computeCycles = 0;
  private readonly maxWork: number;
  private readonly windowLines: number;

  /** Trace lines are replayed one by one: no iteration is charged at once. */
  readonly iterationStart = null;
  readonly iterationsLeft = 0;

  skipIterations(): void {
    throw new RangeError('a trace has no iterations to skip');
  }

  /** The item next() last returned. */
  private last: StreamItem | null = null;

  /**
   * Replay `path`: from `cache`'s parsed form when it holds the file whole,
   * else window by window from its spill file, or parsed again (memory stays
   * bounded).
   */
  constructor(
    readonly path: string,
    format: 'jsonl' | 'csv',
    private readonly options: TraceOptions,
    cache: TraceCache = new TraceCache(),
  ) {
    const parsed = cache.program(path, format);
    this.maxWork = options.maxWork ?? Infinity;
    this.windowLines = cache.windowLines;
    if (parsed !== null && !(parsed instanceof SpilledTrace)) {
      this.program = parsed;
      this.window = parsed.window;
      this.source = null;
    } else {
      this.program = null;
      this.source = parsed !== null ? parsed.reader() : new TraceParser(path, format);
      this.window = new TraceWindow(this.windowLines);
      this.index = this.window.length; // empty: the first next() fills it
    }
  }

  /**
   * Trace operations are found by their objects (compiled per run), not by
   * leaf ids: −1, or ONCE_LEAF for the operation of a line met once in the
   * trace (a distinct computation, say), which the taped actor then does not
   * remember.
   */
  leafId = -1;

  /** The ITEM bits of the item next() last returned. */
  get code(): number {
    return this.last === null ? 0 : itemCode(this.last);
  }

  next(): StreamItem | null {
    const item = this.nextItem();
    this.last = item;
    return item;
  }

  private nextItem(): StreamItem | null {
    this.leafId = -1;
    if (this.leafLeft > 0) {
      this.leafLeft--;
      return this.leafOp;
    }
    for (;;) {
      const sub = this.sub;
      if (sub !== null) {
        const item = sub.next();
        if (item !== null) return item;
        this.sub = null;
      }
      if (this.pendingSwitch !== NO_SWITCH) {
        this.sub = new OpCursor(this.switchTo(this.pendingSwitch).nodes, 1);
        this.pendingSwitch = NO_SWITCH;
        continue;
      }
      if (this.pendingShape !== null) {
        const c = this.pendingShape;
        this.pendingShape = null;
        if (c.op !== null) {
          this.leafOp = c.op;
          this.leafLeft = c.count - 1;
          if (c.once) this.leafId = ONCE_LEAF;
          return c.op;
        }
        this.sub = new OpCursor(c.body!, c.count);
        continue;
      }
      if (this.index >= this.window.length && !this.refill()) return null;
      const item = this.startLine(this.index++);
      if (item !== null) return item;
    }
  }

  /** Copies of the last item still to come in its line's counted run. */
  get repeats(): number {
    return this.sub !== null ? this.sub.repeats : this.leafLeft;
  }

  /** Consume `n` of those copies. */
  take(n: number): void {
    if (n <= 0) return;
    if (this.sub !== null) this.sub.take(n);
    else {
      if (n > this.leafLeft) throw new RangeError(`cannot take ${n} of ${this.leafLeft} repeats`);
      this.leafLeft -= n;
    }
  }

  /** Lines replayed and stream switches inserted. */
  metrics(): Record<string, number> {
    const src = this.program ?? this.source!;
    return { traceLines: src.lines, streamSwitches: src.switches };
  }

  /** Close the file early (a run that stopped before the end). */
  close(): void {
    this.source?.close();
  }

  /**
   * Go through every line as replay does, with the same checks and errors,
   * but start none of them: a trace checked before it runs.
   */
  checkAll(): TraceSummary {
    let lastNs = 0;
    while (this.index < this.window.length || this.refill()) {
      const t = this.window.tNs === null ? NaN : this.window.tNs[this.index];
      if (!Number.isNaN(t)) lastNs = t;
      this.startLine(this.index++);
      this.pendingSwitch = NO_SWITCH;
      this.pendingShape = null;
    }
    const m = this.metrics();
    return { lines: m.traceLines, switches: m.streamSwitches, operations: this.ops, memoryAccesses: this.accesses, lastNs, computeCycles: this.computeCycles };
  }

  /** More lines into the window; false at the end of the trace (its first broken line is thrown there). */
  private refill(): boolean {
    const source = this.source;
    if (source !== null && source.nextWindow(this.window, this.windowLines)) {
      this.compiledShape.fill(-1); // shape ids start again in each window
      this.index = 0;
      return true;
    }
    const error = this.program?.error ?? source?.error ?? null;
    if (error !== null) throw error;
    return false;
  }

  /** Begin line `i` of the window: the checks that depend on the scenario, then its first item (or null if it starts with its switch or operation). */
  private startLine(i: number): StreamItem | null {
    const w = this.window;
    const shape = w.shape[i];
    const slot = shape & (COMPILED_SLOTS - 1);
    const c = this.compiledShape[slot] === shape ? this.compiled[slot]! : this.compile(shape, slot, i);
    const asid = w.switchTo === null ? NO_SWITCH : w.switchTo[i];
    const tNs = w.tNs === null ? NaN : w.tNs[i];
    // As many operations as the line's nodes [waitUntil?, switch?, operation] stand for, summed in that order.
    let ops = 0;
    let accesses = 0;
    if (!Number.isNaN(tNs)) ops += 1;
    if (asid !== NO_SWITCH) {
      const s = this.switchTo(asid);
      ops += s.ops;
      accesses += s.accesses;
      this.computeCycles += s.compute;
    }
    ops += c.ops;
    accesses += c.accesses;
    this.computeCycles += c.compute;
    this.ops += ops;
    this.accesses += accesses;
    this.work += ops + accesses;
    if (this.work > this.maxWork) {
      this.fail(`the trace reaches ${this.work.toLocaleString('en-US')} operations and memory accesses by this line; the limit is ${this.maxWork.toLocaleString('en-US')} ` +
        '(lower its counts, or raise the limit with --max-ops)', i);
    }
    this.pendingSwitch = asid;
    this.pendingShape = c;
    return Number.isNaN(tNs) ? null : { kind: 'waitUntil', cycles: (tNs * this.options.clockHz) / 1e9 };
  }

  /** Compile `shape` into `slot` (a trace held whole may have millions of distinct operations: a run keeps a bounded number compiled). */
  private compile(shape: number, slot: number, i: number): CompiledShape {
    const src = this.program ?? this.source!;
    const spec = src.shapes.get(shape) as TraceShape;
    let c: CompiledShape;
    // What countOps, countAccesses and countComputeCycles give for the line's node, summed as they sum it (0 + per copy × count).
    if ('use' in spec) {
      const body = this.options.compiler.compositeBody(spec.use) ?? null;
      if (body === null) this.fail(`use: unknown composite operation "${spec.use}" (the scenario's guest profile does not define it)`, i, src.shapes.col(shape));
      let sums = this.bodySums.get(body);
      if (sums === undefined) {
        sums = { ops: countOps(body), accesses: countAccesses(body), compute: countComputeCycles(body) };
        this.bodySums.set(body, sums);
      }
      const n = spec.count;
      c = { op: null, body, count: n, ops: 0 + sums.ops * n, accesses: 0 + sums.accesses * n, compute: 0 + sums.compute * n, once: false };
    } else {
      const site = spec.site ?? TRACE_SITE_BASE + OP_KINDS.indexOf(spec.op as never);
      const op = this.options.compiler.primitive(spec, site);
      const n = spec.count;
      const once = n === 1 && !src.shapes.metAgain(shape);
      c = { op, body: null, count: n, ops: 0 + n, accesses: 0 + accessesOf(op) * n, compute: 0 + computeCyclesOf(op) * n, once };
      // Not looked up again: no slot.
      if (once) return c;
    }
    this.compiled[slot] = c;
    this.compiledShape[slot] = shape;
    return c;
  }

  private fail(detail: string, i: number, col = 1): never {
    throw new TraceError(detail, this.path, this.window.lineOf(i), col);
  }

  private switchTo(asid: number): { nodes: OpNode[]; ops: number; accesses: number; compute: number } {
    let s = this.switchCache.get(asid);
    if (s === undefined) {
      const body = this.options.compiler.compositeBody('contextSwitch') ?? null;
      const nodes: OpNode[] = body ? retargetCr3(body, asid) : [leaf({ kind: 'cr3write', asid, pages: 0, kernelPages: 0, site: TRACE_SITE_BASE + OP_KINDS.indexOf('cr3write') }, 1)];
      const wrapped = [{ body: nodes, count: 1 }];
      s = { nodes, ops: countOps(wrapped), accesses: countAccesses(wrapped), compute: countComputeCycles(wrapped) };
      this.switchCache.set(asid, s);
    }
    return s;
  }
}
