// A trace file parsed once into a compact form that every mode (and every
// sweep point) of a run replays: per line, the id of its operation "shape"
// (the line without `t` and `stream`, held once per distinct shape), its
// timestamp and the address space it switches to. Parsing checks everything
// that depends only on the file (JSON/CSV syntax, schemas, timestamps); what
// depends on the scenario (composites, clock rate, --max-ops) is checked as
// each mode replays, at the same line as before. The first broken line does
// not stop parsing's result from being used: the lines before it replay, and
// the error is thrown when replay reaches it, exactly as a streamed read did.
// (The loader walks every line the same way before anything runs, see
// checkTrace in traceCursor.ts, so a run meets a broken line only in a file
// that changed after loading.)
import { z } from 'zod';
import { OP_KINDS } from './ops.js';
import { InputFileError, printable } from './inputFile.js';
import { LineReader, LineTooLongError } from './lineReader.js';
import { PrimitiveSpecSchema, UseSpecSchema } from './spec.js';
import { fewKeysOnly, jsonKeyAt, jsonKeys, MAX_JSON_NESTING, nestedDeeperThan } from './jsonLine.js';
import { isStream, isTime, LinePatterns, type LinePattern } from './linePatterns.js';
import { ShapeTable } from './traceShapes.js';
import { NO_SWITCH, TraceWindow } from './traceWindow.js';

/** A malformed trace line; the message quotes file text with its control characters escaped (see {@link printable}). */
export class TraceError extends Error {
  readonly detail: string;
  readonly file: string;

  constructor(
    detail: string,
    file: string,
    readonly line: number,
    readonly col = 1,
  ) {
    super(`${printable(file)}:${line}:${col}: ${printable(detail)}`);
    this.detail = printable(detail);
    this.file = printable(file);
  }
}

/** Columns of a CSV trace whose cells are numbers. */
const NUMERIC = new Set(['t', 'stream', 'count', 'cycles', 'port', 'asid', 'units', 'instructions', 'site']);
/** Every column a CSV trace may have. */
export const CSV_COLUMNS = ['t', 'stream', 'op', 'use', 'count', 'site', 'cycles', 'mode', 'dir', 'port', 'asid', 'vector', 'source', 'units', 'instructions', 'device'];

const LineSchema = z.union([PrimitiveSpecSchema, UseSpecSchema]);
const Meta = z.strictObject({
  t: z.number().finite().nonnegative().optional(),
  stream: z.int().nonnegative().optional(),
});

/** A number as a CSV cell may write it: JSON's number syntax, as in a JSONL trace (no `+`, `.5`, `5.` or `007`). */
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A validated line without its `t` and `stream`: a primitive or a composite use. */
export type TraceShape = z.infer<typeof LineSchema>;

/**
 * Most lines held in memory at once. A trace of at most this many lines is
 * parsed once and shared by every run; a longer one is parsed once into a
 * spill file (traceSpill.ts) that each run reads back in windows of
 * {@link STREAM_WINDOW_LINES} (memory stays bounded whatever the file's
 * length). Worst case 16 bytes a line: 64 MB.
 */
export const MAX_SHARED_TRACE_LINES = 4 * 1024 * 1024;

/**
 * Every this many lines (a power of two), a parse that tries to hold the
 * whole file projects how many lines it has and how much its distinct
 * operations take (those so far, over the part of the file read), and gives
 * up when either is more than {@link SHAPE_PROJECTION_MARGIN} times the
 * most it may hold: a file that will not fit is found out early, not after
 * parsing up to the limit only to drop it.
 */
const SHAPE_PROJECTION_LINES = 64 * 1024;
const SHAPE_PROJECTION_MARGIN = 1.5;

/** Lines per window when a trace is too long to hold whole. */
export const STREAM_WINDOW_LINES = 64 * 1024;

/**
 * Most bytes the distinct operations (shapes) of a trace held whole may take
 * (traceShapes.ts: a computation 41 bytes, a memory stream 89). A real
 * trace's computations each have their own measured length, so most of its
 * lines are distinct: held, such a trace is parsed once for every mode; a
 * run keeps at most a window's worth compiled (traceCursor.ts). A trace
 * whose shapes take more is spilled (traceSpill.ts) in windows, whose shapes
 * are forgotten window by window.
 */
export const MAX_SHARED_SHAPE_BYTES = 128 * 1024 * 1024;

/** Distinct raw lines remembered (each maps to its parsed form, skipping JSON.parse and the schemas), and the longest remembered. */
const RAW_CACHE_ENTRIES = 16 * 1024;
const RAW_CACHE_LINE_CHARS = 256;
/**
 * A trace whose lines all differ (computations of measured, different
 * lengths) misses the raw-line cache on every line, and each look-up hashes
 * the line: after this many misses in a row with the cache full, it is not
 * consulted for {@link RAW_CACHE_REST} lines. Only speed depends on it: a
 * line parsed again gives what the cache held.
 */
const RAW_CACHE_GIVE_UP = 4096;
const RAW_CACHE_REST = 64 * 1024;

/**
 * Where a trace not held whole comes from, window by window: parsed again
 * ({@link TraceParser}) or read back from a spill file (traceSpill.ts).
 * `shapes` holds the current window's operations; `lines` and `switches`
 * count those of the windows given so far; `error` is the first broken
 * line, thrown after the last window.
 */
export interface WindowSource {
  readonly shapes: ShapeTable;
  readonly lines: number;
  readonly switches: number;
  readonly error: TraceError | null;
  nextWindow(window: TraceWindow, lines: number): boolean;
  close(): void;
}

/** What a raw line parsed to, without the state of the lines before it. */
interface ParsedLine {
  shape: number;
  tNs: number;
  stream: number;
}

/**
 * Reads a trace file line by line into windows of compact lines. Shapes are
 * interned for the whole file, so a shape id means the same in every window.
 */
export class TraceParser implements WindowSource {
  /**
   * Distinct shapes, by id, each with, as its column, that of a `use`
   * shape's composite name where it first appears (1 for primitives): where
   * an unknown composite is reported.
   */
  readonly shapes = new ShapeTable();
  /** Operation lines parsed so far. */
  lines = 0;
  /** Stream switches found so far. */
  switches = 0;
  /** The first broken line, once found (parsing stops there). */
  error: TraceError | null = null;
  /** True once the file is read to its end (or to its first broken line). */
  done = false;
  private readonly reader: LineReader;
  private header: string[] | null = null;
  private stream: number | null = null;
  private lastT = 0;
  private readonly raw = new Map<string, ParsedLine>();
  /** Forms of lines that differ only in their numbers (linePatterns.ts). */
  private readonly patterns: LinePatterns | null;
  /** Raw-cache misses in a row while it was full, and lines left before it is consulted again (see RAW_CACHE_GIVE_UP). */
  private rawMisses = 0;
  private rawRest = 0;
  /** The line being parsed, as read: error columns are found in it (only when there is an error). */
  private line = '';

  constructor(
    readonly path: string,
    private readonly format: 'jsonl' | 'csv',
    /** Read lines through patterns; false: every line by the full path (the reference a test compares with). */
    linePatterns = true,
  ) {
    this.reader = new LineReader(path);
    this.patterns = linePatterns ? new LinePatterns() : null;
  }

  /**
   * Refill `window` with up to `maxLines` further lines; false when it could
   * not hold the rest of the file, or the file's distinct operations take
   * more than `maxShapeBytes` (with `project`, also when it is on course
   * for either, see SHAPE_PROJECTION_LINES). With `fresh`, shape ids start
   * again from 0 (a streamed window: memory does not grow with the file).
   */
  fill(window: TraceWindow, maxLines: number, options: { maxShapeBytes?: number; fresh?: boolean; project?: boolean } = {}): boolean {
    window.clear();
    if (options.fresh) this.forgetShapes();
    const maxBytes = options.maxShapeBytes ?? Infinity;
    try {
      while (window.length < maxLines && this.shapes.bytes <= maxBytes) {
        const line = this.readLine();
        if (line === null) {
          this.done = true;
          return true;
        }
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) continue;
        this.line = line;
        this.parseLine(trimmed, window);
        // A file on course for far more lines, or distinct operations, than may be held is given up early (see
        // SHAPE_PROJECTION_LINES); it is then spilled or streamed, and only speed differs.
        if (options.project && (window.length & (SHAPE_PROJECTION_LINES - 1)) === 0) {
          const read = this.reader.readFraction;
          if (this.shapes.bytes / read > SHAPE_PROJECTION_MARGIN * maxBytes || window.length / read > SHAPE_PROJECTION_MARGIN * maxLines) return false;
        }
      }
      return false;
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      this.error = e;
      this.done = true;
      this.close();
      return true;
    }
  }

  /** The next up to `lines` lines into `window`, with shape ids from 0 (a streamed window); false when none are left. */
  nextWindow(window: TraceWindow, lines: number): boolean {
    if (this.done) return false;
    this.fill(window, lines, { fresh: true });
    return window.length > 0;
  }

  /** Release the file. */
  close(): void {
    this.reader.close();
  }

  private forgetShapes(): void {
    this.shapes.clear();
    this.raw.clear();
  }

  private parseLine(text: string, window: TraceWindow): void {
    const consult = this.rawRest === 0;
    if (!consult) this.rawRest--;
    let p = consult ? this.raw.get(text) : undefined;
    if (p === undefined) {
      // A line of a form seen before with other numbers is read through its pattern (linePatterns.ts).
      const patterns = this.patterns;
      const pattern = patterns !== null ? patterns.find(text) : null;
      if (pattern !== null && pattern.template >= 0) p = this.throughPattern(pattern, patterns!);
      if (p === undefined) {
        const fields = this.format === 'jsonl' ? this.json(text) : this.csv(text);
        if (fields === null) return; // the CSV header
        p = this.parseFields(fields);
        if (pattern === null && patterns !== null && patterns.scanned) this.learn(text, p, fields, patterns);
      }
      if (consult) {
        if (this.raw.size < RAW_CACHE_ENTRIES) {
          if (text.length <= RAW_CACHE_LINE_CHARS) this.raw.set(text, p);
        } else if (++this.rawMisses >= RAW_CACHE_GIVE_UP) {
          this.rawMisses = 0;
          this.rawRest = RAW_CACHE_REST;
        }
      }
    } else {
      this.rawMisses = 0;
      this.shapes.metAgainNow(p.shape); // met again without being interned
    }
    this.lines++;
    if (!Number.isNaN(p.tNs)) {
      if (p.tNs < this.lastT) this.fail(`t: timestamps must not go backwards (${p.tNs} after ${this.lastT})`, { key: 't' });
      this.lastT = p.tNs;
    }
    let switchTo = NO_SWITCH;
    if (p.stream >= 0) {
      if (this.stream !== null && p.stream !== this.stream) {
        this.switches++;
        switchTo = p.stream;
      }
      this.stream = p.stream;
    }
    window.push(this.reader.lineNo, p.shape, p.tNs, switchTo);
  }

  /** The line `patterns` matched to `pattern`, read through it (linePatterns.ts); undefined when a number fails its check. */
  private throughPattern(pattern: LinePattern, patterns: LinePatterns): ParsedLine | undefined {
    if (!patterns.read(pattern)) return undefined;
    const col = pattern.usePiece >= 0 ? this.indent() + patterns.useAt(pattern) + 1 : 1;
    return { shape: this.shapes.internNumbers(pattern.template, patterns.numbers, pattern.base.length, col), tNs: patterns.time, stream: patterns.stream };
  }

  /** Learn the form of `text`, which `patterns` last scanned and the full path parsed to `p` from `fields`. */
  private learn(text: string, p: ParsedLine, fields: Record<string, unknown>, patterns: LinePatterns): void {
    const keyAt = this.format === 'jsonl' ? jsonKeyAt(text) : csvKeyAt(text, this.header!);
    // Where the composite's name begins in the (trimmed) line, as an unknown composite is reported.
    const useAt = 'use' in fields ? this.columnOf({ key: 'use' }) - this.indent() - 1 : -1;
    patterns.learnFrom(text, fields, this.shapes.templateOf(p.shape), this.shapes.templateIdOf(p.shape), this.shapes.numbersOf(p.shape), keyAt, useAt);
  }

  private parseFields(fields: Record<string, unknown>): ParsedLine {
    // Most lines have neither key: the line is then its own shape, without a copy made by a rest pattern.
    const plain = !('t' in fields) && !('stream' in fields);
    const { t, stream } = fields;
    const rest: Record<string, unknown> = plain ? fields : withoutMeta(fields);
    let tNs = NaN;
    let streamId = -1;
    // The common case checked by hand; anything else goes through the schema for its message.
    const tOk = t === undefined || isTime(t);
    const sOk = stream === undefined || isStream(stream);
    if (tOk && sOk) {
      if (t !== undefined) tNs = t as number;
      if (stream !== undefined) streamId = stream as number;
    } else {
      const meta = Meta.safeParse({ t, stream });
      if (!meta.success) this.failIssue(meta.error);
      if (meta.data.t !== undefined) tNs = meta.data.t;
      if (meta.data.stream !== undefined) streamId = meta.data.stream;
    }
    if (typeof rest.op === 'string' && !(OP_KINDS as readonly string[]).includes(rest.op) && rest.op !== 'block') {
      this.fail(`op: unknown operation "${rest.op}": expected one of ${OP_KINDS.join(', ')}, block (or "use" with a composite of the guest profile)`, { key: 'op' });
    }
    const parsed = LineSchema.safeParse(rest);
    if (!parsed.success) this.failIssue(parsed.error);
    const shape = this.shapes.intern(parsed.data, 'use' in parsed.data ? this.columnOf({ key: 'use' }) : 1);
    return { shape, tNs, stream: streamId };
  }

  private readLine(): string | null {
    try {
      return this.reader.next();
    } catch (e) {
      if (e instanceof LineTooLongError) throw new TraceError(`line is longer than ${e.maxChars.toLocaleString('en-US')} characters; expected one operation per line`, this.path, e.line);
      // Bytes that are not text, at their place (a file that cannot be read at all stays an InputFileError).
      if (e instanceof InputFileError && e.line !== undefined) throw new TraceError(e.detail, this.path, e.line, e.col);
      throw e;
    }
  }

  /** Throw a TraceError at the current line: at `at`'s key or value when given, else at column `col`. */
  private fail(detail: string, at?: KeyAt, col = 1): never {
    throw new TraceError(detail, this.path, this.reader.lineNo, at ? this.columnOf(at) : col);
  }

  /** A schema's first issue, at the key (or value) it is about. */
  private failIssue(e: z.ZodError): never {
    const { text, at } = issueText(e);
    this.fail(text, at ?? undefined);
  }

  /** Column (1-based, in the untrimmed line) of a key or its value on the current line; 1 if it is not there. */
  private columnOf(at: KeyAt): number {
    const text = this.line.trim();
    const indent = this.indent();
    if (this.format === 'jsonl') {
      const k = jsonKeys(text).filter((e) => e.key === at.key)[at.nth ?? 0];
      return k === undefined ? 1 : indent + (at.part === 'key' ? k.keyAt : k.valueAt) + 1;
    }
    // CSV: the cell of that column (in the header, for a header problem).
    const cells = text.split(',');
    const index = at.cell ?? this.header?.indexOf(at.key) ?? -1;
    if (index < 0 || index >= cells.length) return 1;
    let offset = 0;
    for (let i = 0; i < index; i++) offset += cells[i].length + 1;
    return indent + offset + (cells[index].length - cells[index].trimStart().length) + 1;
  }

  /** Columns the current line's leading blanks take (the line is parsed trimmed). */
  private indent(): number {
    return this.line.length - this.line.trimStart().length;
  }

  private json(line: string): Record<string, unknown> {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      const message = (e as Error).message;
      const at = /at position (\d+)/.exec(message);
      this.fail(`not valid JSON: ${message}`, undefined, at ? this.indent() + Number(at[1]) + 1 : 1);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail('expected a JSON object such as {"op": "syscall"}');
    // A value nested thousands deep (within the line limit) would overflow the stack of every recursive step after this one.
    if (nestedDeeperThan(v, MAX_JSON_NESTING)) this.fail(`values are nested more than ${MAX_JSON_NESTING} deep; expected an object of numbers and strings such as {"op": "syscall", "count": 2}`);
    const o = v as Record<string, unknown>;
    // JSON.parse keeps the last of two equal keys; a trace line, like a YAML file, may name each key once.
    const distinct = Object.keys(o).length;
    const keys = fewKeysOnly(line, distinct) ? null : jsonKeys(line);
    if (keys !== null && keys.length !== distinct) {
      const twice = keys.find((k, i) => keys.findIndex((e) => e.key === k.key) < i)!;
      this.fail(`${twice.key}: the key "${twice.key}" appears twice; expected each key once`, { key: twice.key, part: 'key', nth: 1 });
    }
    return o;
  }

  private csv(line: string): Record<string, unknown> | null {
    const cells = line.split(',').map((c) => c.trim());
    if (this.header === null) {
      const unknown = cells.findIndex((c) => !CSV_COLUMNS.includes(c));
      if (unknown >= 0) this.fail(`unknown CSV column "${cells[unknown]}"; expected a header of ${CSV_COLUMNS.join(', ')}`, { key: cells[unknown], cell: unknown });
      const twice = cells.findIndex((c, i) => cells.indexOf(c) !== i);
      if (twice >= 0) this.fail(`CSV column "${cells[twice]}" appears twice in the header; expected each column once`, { key: cells[twice], cell: twice });
      if (!cells.includes('op') && !cells.includes('use')) this.fail('the CSV header needs an op (or use) column');
      this.header = cells;
      return null;
    }
    if (cells.length !== this.header.length) this.fail(`expected ${this.header.length} cells as in the header, got ${cells.length}`);
    const out: Record<string, unknown> = {};
    this.header.forEach((col, i) => {
      const cell = cells[i];
      if (cell === '') return;
      if (NUMERIC.has(col)) {
        // Decimal only, as in JSONL: Number() also reads 0x10, 0o7 and 0b1 (count 0x10 ran 16 operations).
        const n = DECIMAL.test(cell) ? Number(cell) : NaN;
        if (!Number.isFinite(n)) this.fail(`column ${col}: expected a decimal number as JSON writes it (such as 12, 1.5 or 2e3), got "${cell}"`, { key: col });
        out[col] = n;
      } else out[col] = cell;
    });
    return out;
  }
}

/** `fields` without its `t` and `stream` keys (a copy, keys in their order). */
function withoutMeta(fields: Record<string, unknown>): Record<string, unknown> {
  const { t: _t, stream: _stream, ...rest } = fields;
  return rest;
}

/** A trace parsed whole: the shapes and lines every run of it replays. */
export interface TraceProgram {
  path: string;
  shapes: ShapeTable;
  window: TraceWindow;
  lines: number;
  switches: number;
  /** The first broken line: replay throws it after the lines before it. */
  error: TraceError | null;
}

/**
 * Parse `path` whole if it has at most `maxLines` operation lines whose
 * distinct operations take at most `maxShapeBytes`; null if not (it is then
 * spilled, traceSpill.ts, or parsed again by each run, window by window).
 */
export function parseTrace(path: string, format: 'jsonl' | 'csv', maxLines = MAX_SHARED_TRACE_LINES, maxShapeBytes = MAX_SHARED_SHAPE_BYTES): TraceProgram | null {
  const parser = new TraceParser(path, format);
  const window = new TraceWindow(Math.min(maxLines, STREAM_WINDOW_LINES));
  try {
    if (!parser.fill(window, maxLines, { maxShapeBytes, project: true })) return null;
  } finally {
    parser.close();
  }
  parser.shapes.seal();
  window.trim();
  return { path, shapes: parser.shapes, window, lines: parser.lines, switches: parser.switches, error: parser.error };
}

/** A schema issue in words, and the key of the line it is about (its value; an unknown key itself). */
function issueText(e: z.ZodError): { text: string; at: KeyAt | null } {
  let i: z.core.$ZodIssue = e.issues[0];
  if (i.code === 'invalid_union') i = (i as { errors?: z.core.$ZodIssue[][] }).errors?.flat()[0] ?? i;
  const text = `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
  if (i.code === 'unrecognized_keys') return { text, at: { key: String(i.keys[0]), part: 'key' } };
  return { text, at: typeof i.path[0] === 'string' ? { key: i.path[0] } : null };
}

/** Where on a line an error points: key `key` (its `nth` occurrence, default the first) or its value (the default); for a CSV header, cell `cell`. */
interface KeyAt {
  key: string;
  part?: 'key' | 'value';
  nth?: number;
  cell?: number;
}

/** The column of the CSV line's cell where the number at `start` is (learn checks that the operation has a number there). */
function csvKeyAt(text: string, header: readonly string[]): (start: number) => string | undefined {
  return (start) => {
    let cell = 0;
    for (let c = text.indexOf(','); c >= 0 && c < start; c = text.indexOf(',', c + 1)) cell++;
    return header[cell];
  };
}
