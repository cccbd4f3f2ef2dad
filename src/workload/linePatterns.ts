// Lines of a trace (JSONL or CSV) that differ only in their numbers. A real
// trace's computations each have their own measured length, so most of its
// lines are new text: each went through JSON.parse (or the CSV split), the
// duplicate-key check, the line schema and the shape table's template match
// (about 1 µs a line), although it is the line before with another number.
// A *pattern* is such a line's text cut at its numbers: the literal pieces
// between them, and for each number what it is (`t`, `stream`, or one of
// the operation's numbers with the schema of its key). A line whose text is
// a pattern's pieces with numbers in JSON's own form between them is that
// same JSON object with other numbers (a CSV line: the same cells with other
// numbers), so it is parsed by checking each number against its key's
// schema and interning the template's numbers: nothing else to validate.
// Patterns are learnt from lines the full path accepted; a number that
// fails its check sends the line down the full path for its message, and an
// operation whose schema checks its fields together (a memory stream's hot
// set) is never read through a pattern.
import type { z } from 'zod';
import { PrimitiveSpecSchema, UseSpecSchema } from './spec.js';
import { NUMBER, type Template } from './traceShapes.js';

/** Most patterns learnt per parser (a trace has a handful of line forms). */
export const MAX_LINE_PATTERNS = 256;
/** Most numbers on a line read through a pattern (a memory stream with `t` and `stream` has 10). */
export const MAX_PATTERN_NUMBERS = 16;

/** In {@link LinePattern.slots}: the number is the line's `t`, or its `stream`. */
export const SLOT_T = -1;
export const SLOT_STREAM = -2;

/** One line form: see the file's comment. */
export interface LinePattern {
  /** The text around the numbers: one more piece than numbers. */
  pieces: readonly string[];
  /** Per number: SLOT_T, SLOT_STREAM, or its index among the operation's numbers (the template's order). */
  slots: Int32Array;
  /** Per number: the schema of its key (none for `t` and `stream`). */
  checks: ReadonlyArray<z.ZodType | null>;
  /** The operation's numbers as the line it was learnt from had them: those no line gives are its schema's defaults. */
  base: Float64Array;
  /** The operation's template in the parser's shape table; −1: lines of this form take the full path. */
  template: number;
  /** Where a `use` line's composite name begins: its piece, and the offset in it (−1: none). */
  usePiece: number;
  useOffset: number;
}

/** A line's `t` as the parser takes it without its schema (which only gives the message otherwise): a finite time ≥ 0. */
export const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** A line's `stream` as the parser takes it without its schema: a safe whole number ≥ 0. */
export const isStream = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A 32-bit hash step. */
const mix = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);
/** What a number adds to a line's hash in place of its characters. */
const NUMBER_MARK = 0x10000;

/** The patterns of one parser, and the numbers of the line it last scanned. */
export class LinePatterns {
  /** Numbers of the line last scanned: where each begins and ends in the text, and its value. */
  readonly starts = new Int32Array(MAX_PATTERN_NUMBERS);
  readonly ends = new Int32Array(MAX_PATTERN_NUMBERS);
  readonly values = new Float64Array(MAX_PATTERN_NUMBERS);
  /** Numbers found by the last scan. */
  count = 0;
  /** Hash of the last scanned line's text outside its numbers. */
  private hash = 0;
  private readonly byHash = new Map<number, LinePattern>();
  /** The pattern the last line matched. */
  private last: LinePattern | null = null;

  /** What {@link read} leaves: the operation's numbers in its template's order (the pattern's `base.length` of them), the line's `t` (NaN: none) and `stream` (−1: none). */
  numbers = new Float64Array(MAX_PATTERN_NUMBERS);
  time = NaN;
  stream = -1;

  /** Patterns learnt (with those marked for the full path). */
  get size(): number {
    return this.byHash.size;
  }

  /**
   * Find the numbers of `text` outside its strings, each in JSON's form
   * (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), and hash the rest. False when
   * the line has none, or more than MAX_PATTERN_NUMBERS, or a run of number
   * characters not in that form: no pattern can read it.
   */
  private scan(text: string): boolean {
    let h = 0x811c9dc5;
    let n = 0;
    const len = text.length;
    for (let i = 0; i < len; ) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        // A string, to its closing quote: its characters are text, escapes and all.
        h = mix(h, c);
        i++;
        for (; i < len; i++) {
          const d = text.charCodeAt(i);
          h = mix(h, d);
          if (d === 0x5c) {
            i++;
            if (i < len) h = mix(h, text.charCodeAt(i));
          } else if (d === 0x22) break;
        }
        i++;
        continue;
      }
      if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        if (n === MAX_PATTERN_NUMBERS) return false;
        const end = numberEnd(text, i);
        if (end < 0) return false;
        this.starts[n] = i;
        this.ends[n] = end;
        this.values[n] = numberValue(text, i, end);
        n++;
        h = mix(h, NUMBER_MARK);
        i = end;
        continue;
      }
      h = mix(h, c);
      i++;
    }
    this.count = n;
    this.hash = h;
    return n > 0;
  }

  /**
   * The pattern `text` has, its numbers left in {@link starts}, {@link ends}
   * and {@link values}; null if none (then {@link scanned} tells whether the
   * line was scanned, as {@link learn} needs). The pattern of the line
   * before is tried on the text itself; only if it does not fit is the text
   * scanned and hashed to look the pattern up. (Trying a few more patterns
   * first gained nothing where a run of lines shares a form, and where
   * forms alternate cost more than the scan it would save: a trace of 80
   * interleaved forms parsed 20% slower with eight tried.)
   */
  find(text: string): LinePattern | null {
    this.scanned = false;
    const last = this.last;
    if (last !== null && this.fits(last, text)) return last;
    if (!this.scan(text)) return null;
    const p = this.byHash.get(this.hash);
    if (p !== undefined && this.fits(p, text)) return (this.last = p);
    // Another form with this hash (whose failed fit wrote over the scan's numbers) keeps it: this one is not learnt.
    this.scanned = p === undefined;
    return null;
  }

  /** Whether the last {@link find} that found no pattern scanned the line and may learn its form (it has numbers, and no other form has its hash). */
  scanned = false;

  /** Whether `text` is `p`'s pieces with numbers in JSON's form between them; if so its numbers are left in starts, ends and values. */
  private fits(p: LinePattern, text: string): boolean {
    const pieces = p.pieces;
    const n = pieces.length - 1;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const piece = pieces[i];
      // indexOf from `at` found at `at` is startsWith(piece, at), and 2–3× faster in V8 here.
      if (text.indexOf(piece, at) !== at) return false;
      at += piece.length;
      const end = numberEnd(text, at);
      if (end < 0) return false;
      this.starts[i] = at;
      this.ends[i] = end;
      this.values[i] = numberValue(text, at, end);
      at = end;
    }
    const tail = pieces[n];
    if (!(text.length - at === tail.length && text.indexOf(tail, at) === at)) return false;
    this.count = n;
    return true;
  }

  /**
   * Check each number of the line {@link find} matched to `p` — against its
   * key's schema, `t` and `stream` as {@link isTime} and {@link isStream} —
   * and leave the operation's numbers, time and stream in {@link numbers},
   * {@link time} and {@link stream}. False, having read nothing, when a
   * number fails: the full path gives the message.
   */
  read(p: LinePattern): boolean {
    const base = p.base;
    if (this.numbers.length < base.length) this.numbers = new Float64Array(base.length);
    const nums = this.numbers;
    nums.set(base);
    const { slots, checks } = p;
    const values = this.values;
    let time = NaN;
    let stream = -1;
    for (let i = 0; i < slots.length; i++) {
      const v = values[i];
      const slot = slots[i];
      if (slot >= 0) {
        if (!checks[i]!.safeParse(v).success) return false;
        nums[slot] = v;
      } else if (slot === SLOT_T) {
        if (!isTime(v)) return false;
        time = v;
      } else {
        if (!isStream(v)) return false;
        stream = v;
      }
    }
    this.time = time;
    this.stream = stream;
    return true;
  }

  /**
   * Learn the form of the line last scanned (as `text`), which the full path
   * validated to `fields`, an operation of template `template` (id
   * `templateId`) with numbers `base`: where each of its numbers goes
   * (`keyAt` names the key, or CSV column, of the number at an offset) and
   * the schema each is checked by. A form whose operation's schema checks
   * its fields together, or with a number that is not one of the
   * operation's, is learnt as one read by the full path (not looked at
   * again). `useAt` is where a composite's name begins (−1: none).
   */
  learnFrom(text: string, fields: Record<string, unknown>, template: Template, templateId: number, base: Float64Array, keyAt: (start: number) => string | undefined, useAt: number): void {
    if (this.byHash.size >= MAX_LINE_PATTERNS) return;
    const n = this.count;
    const schema = formSchema(template);
    const slots = new Int32Array(n);
    const checks: Array<z.ZodType | null> = new Array<z.ZodType | null>(n).fill(null);
    let readable = schema !== null;
    for (let i = 0; i < n && readable; i++) {
      const key = keyAt(this.starts[i]);
      if (key === 't' || key === 'stream') {
        slots[i] = key === 't' ? SLOT_T : SLOT_STREAM;
        continue;
      }
      const at = key === undefined ? -1 : template.keys.indexOf(key);
      const field = key === undefined ? undefined : (schema!.shape as Record<string, z.ZodType | undefined>)[key];
      // The key's place among the template's numbers; its schema must give back the very number it checks.
      readable = at >= 0 && template.constants[at] === NUMBER && field !== undefined && Object.is(field.safeParse(fields[key!]).data, fields[key!]);
      slots[i] = template.constants.slice(0, at).filter((c) => c === NUMBER).length;
      checks[i] = field ?? null;
    }
    this.learn(text, { slots, checks, base, template: readable ? templateId : -1 }, useAt);
  }

  /**
   * Learn the form of the line last scanned (as `text`): `slots`, `checks`,
   * `base`, `template` and `use` as LinePattern has them (template −1: read
   * this form by the full path). Nothing when full, or when the hash is
   * another form's.
   */
  learn(text: string, form: Omit<LinePattern, 'pieces' | 'usePiece' | 'useOffset'>, useAt = -1): void {
    if (this.byHash.size >= MAX_LINE_PATTERNS || this.byHash.has(this.hash)) return;
    const n = this.count;
    const pieces: string[] = [];
    let usePiece = -1;
    let useOffset = -1;
    for (let i = 0, at = 0; i <= n; i++) {
      const end = i < n ? this.starts[i] : text.length;
      if (useAt >= at && useAt < end) {
        usePiece = i;
        useOffset = useAt - at;
      }
      pieces.push(text.slice(at, end));
      at = i < n ? this.ends[i] : end;
    }
    this.byHash.set(this.hash, { ...form, pieces, usePiece, useOffset });
  }

  /** Where the composite name of a `use` line read through `p` begins in the line last scanned. */
  useAt(p: LinePattern): number {
    return (p.usePiece === 0 ? 0 : this.ends[p.usePiece - 1]) + p.useOffset;
  }

}

/** End of the JSON number at `i` (the first character that cannot continue it), or −1 when the run of number characters there is not one. */
function numberEnd(text: string, i: number): number {
  const len = text.length;
  let c = text.charCodeAt(i);
  if (c === 0x2d) c = text.charCodeAt(++i);
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) while (i < len && isDigit(text.charCodeAt(i))) i++;
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    const from = ++i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    if (i === from) return -1;
  }
  c = text.charCodeAt(i);
  if (c === 0x65 || c === 0x45) {
    c = text.charCodeAt(++i);
    if (c === 0x2b || c === 0x2d) i++;
    const from = i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
    if (i === from) return -1;
  }
  // A number run on into more number characters (`007`, `1.2.3`, `5-`): not JSON.
  c = text.charCodeAt(i);
  return isDigit(c) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45 ? -1 : i;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The value of the JSON number text[a, b): JSON.parse's. Integers of up to 15 digits are summed exactly; any other goes through Number, which rounds as JSON.parse does. */
function numberValue(text: string, a: number, b: number): number {
  const neg = text.charCodeAt(a) === 0x2d;
  const from = neg ? a + 1 : a;
  if (b - from <= 15) {
    let v = 0;
    let i = from;
    for (; i < b; i++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) break;
      v = v * 10 + (c - 0x30);
    }
    if (i === b) return neg ? -v : v;
  }
  return Number(text.slice(a, b));
}

/**
 * The object schema of a validated operation of `template`: a primitive's
 * (by its `op`), or a composite use's. Null when that schema also checks its
 * fields together (a refinement), so a line cannot be checked number by
 * number.
 */
function formSchema(template: Template): z.ZodObject | null {
  const op = template.constants[template.keys.indexOf('op')];
  const schema = template.keys.includes('use')
    ? UseSpecSchema
    : PrimitiveSpecSchema.options.find((o) => o.shape.op.value === op);
  if (schema === undefined) return null;
  return (schema._zod.def.checks?.length ?? 0) > 0 ? null : (schema as z.ZodObject);
}
