// The distinct operations ("shapes") of a parsed trace, held compactly. A
// real trace's computations each have their own measured length, so most of
// its lines are distinct operations: held as objects (about 80 bytes each,
// and as much again for a string key while parsing) a million of them took
// too much memory to keep, and such a trace was parsed again by every mode.
// Here a validated operation is split into a *template* (its keys, in order,
// and every value that is not a number: `op`, `mode`, `dir`, …; a trace has a
// handful) and its numbers, kept in one Float64Array. Equal operations are
// found by a hash of the template and the numbers (no string is built for
// a line whose template is known), so
// each distinct operation is held once: a computation (op, count, cycles,
// mode) takes 41 bytes (its two numbers, and SHAPE_OVERHEAD_BYTES). Each
// shape also says whether it was met more than once: replay charges one met
// once without remembering it (traceCursor.ts).

import { compileShared } from '../engine/compiledCode.js';

/** Builds an operation of one template from numbers `n` (its own from index `i`) and the template's constants `c`. */
type Maker = (n: Float64Array, i: number, c: readonly unknown[]) => Record<string, unknown>;

/** One template: keys in order, and the value of each key that is not a number (NUMBER where it is). */
export interface Template {
  keys: string[];
  constants: unknown[];
}

/** A table's shapes as arrays: see {@link ShapeTable.parts}. */
export interface ShapeParts {
  templates: Template[];
  template: Int32Array<ArrayBuffer>;
  first: Int32Array<ArrayBuffer>;
  numbers: Float64Array<ArrayBuffer>;
  /** 1 for each shape met more than once, else 0. */
  again: Uint8Array<ArrayBuffer>;
  /** [shape, column] for each shape whose column is not 1. */
  cols: Array<[number, number]>;
}

/** In {@link Template.constants}: the key's value is the shape's next number. */
export const NUMBER = Symbol('number');

/** Bytes a shape takes besides its numbers: template id and first number (32-bit each), two index slots of two 32-bit words, and whether it was met again (a byte). */
export const SHAPE_OVERHEAD_BYTES = 2 * 4 + 2 * 8 + 1;

/** Templates tried one by one before a key is built for a value (a trace has a handful). */
const QUICK_TEMPLATES = 8;

const scratch = new Float64Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** Distinct operations, by id: template and numbers, and the column recorded with each. */
export class ShapeTable {
  private templates: Template[] = [];
  private readonly templateIds = new Map<string, number>();
  private template = new Int32Array(16);
  private first = new Int32Array(17);
  /** 1 where a shape was met more than once. */
  private again = new Uint8Array(16);
  private numbers = new Float64Array(64);
  /** Columns other than 1 recorded with shapes (a `use` line's composite name), by shape. */
  private readonly cols = new Map<number, number>();
  /**
   * Open-addressing index of shapes by content, at most half full: slot i is
   * words 2i (shape id, or −1) and 2i + 1 (its hash), so a probe past another
   * shape mostly reads no further than the slot's own cache line.
   */
  private index = new Int32Array(64).fill(-1);
  /** Shapes held. */
  length = 0;
  /** Numbers held, and the numbers of the operation being interned (reused line to line). */
  private numberCount = 0;
  private readonly pending: number[] = [];
  private sealed = false;
  /** The template the last operation interned had. */
  private lastTemplate = 0;

  /** Bytes held (for the bound on what a trace held whole may take). */
  get bytes(): number {
    return this.length * SHAPE_OVERHEAD_BYTES + this.numberCount * 8;
  }

  /**
   * Done adding: the index (needed only to find equal operations) is
   * dropped and the arrays cut to what they hold. A sealed table serves
   * get and col; intern throws.
   */
  seal(): void {
    const n = this.length;
    this.template = this.template.slice(0, n);
    this.first = this.first.slice(0, n + 1);
    this.again = this.again.slice(0, n);
    this.numbers = this.numbers.slice(0, this.numberCount);
    this.index = new Int32Array(0);
    this.sealed = true;
  }

  /**
   * The shapes as arrays (views, not copies: valid until the next intern or
   * clear), for a spill file (traceSpill.ts). `templates` is the table's own
   * list, which only grows.
   */
  parts(): ShapeParts {
    return {
      templates: this.templates,
      template: this.template.subarray(0, this.length),
      first: this.first.subarray(0, this.length + 1),
      again: this.again.subarray(0, this.length),
      numbers: this.numbers.subarray(0, this.numberCount),
      cols: [...this.cols],
    };
  }

  /** A sealed table holding `parts` (its arrays taken as they are). */
  static load(parts: ShapeParts): ShapeTable {
    const t = new ShapeTable();
    t.templates = parts.templates;
    t.template = parts.template;
    t.first = parts.first;
    t.again = parts.again;
    t.numbers = parts.numbers;
    for (const [id, col] of parts.cols) t.cols.set(id, col);
    t.length = parts.template.length;
    t.numberCount = parts.numbers.length;
    t.index = new Int32Array(0);
    t.sealed = true;
    return t;
  }

  /** Forget every shape (a streamed window starts again). */
  clear(): void {
    this.length = 0;
    this.numberCount = 0;
    this.cols.clear();
    this.index.fill(-1);
  }

  /**
   * The id of `value` (a validated operation: an object of scalars), added
   * with column `col` if no equal operation is held. Numbers are equal when
   * `===` says so (0 and −0 are one shape: the first met is kept).
   */
  intern(value: Record<string, unknown>, col = 1): number {
    if (this.sealed) throw new Error('ShapeTable.intern: the table is sealed');
    const pending = this.pending;
    // Most lines have the template the line before had, or one of a few others: tried before a key is built.
    let t = this.matches(this.lastTemplate, value) ? this.lastTemplate : -1;
    for (let c = 0; t < 0 && c < this.templates.length && c < QUICK_TEMPLATES; c++) if (this.matches(c, value)) t = c;
    if (t < 0) t = this.templateFor(value);
    this.lastTemplate = t;
    return this.add(t, col);
  }

  /**
   * The id of the operation of template `t` whose numbers, in the
   * template's order, are `nums[0, n)` (as {@link intern} of that operation
   * gives): a line read through a pattern (linePatterns.ts), whose template
   * is known.
   */
  internNumbers(t: number, nums: Float64Array, n: number, col = 1): number {
    if (this.sealed) throw new Error('ShapeTable.internNumbers: the table is sealed');
    const pending = this.pending;
    pending.length = 0;
    for (let j = 0; j < n; j++) pending.push(nums[j]);
    return this.add(t, col);
  }

  /** The id of the operation of template `t` with the numbers in `pending`, added if new. */
  private add(t: number, col: number): number {
    const pending = this.pending;
    const h = this.hash(t, pending);
    const index = this.index;
    const mask = (index.length >> 1) - 1;
    let i = h & mask;
    for (let s = index[2 * i]; s >= 0; i = (i + 1) & mask, s = index[2 * i]) {
      if (index[2 * i + 1] === h && this.template[s] === t && this.sameNumbers(s, pending)) {
        this.again[s] = 1;
        return s;
      }
    }
    const id = this.length;
    if (id === this.template.length) this.grow();
    if (this.numberCount + pending.length > this.numbers.length) {
      const n = new Float64Array(Math.max(2 * this.numbers.length, this.numberCount + pending.length));
      n.set(this.numbers);
      this.numbers = n;
    }
    this.template[id] = t;
    this.again[id] = 0;
    this.first[id] = this.numberCount;
    for (const v of pending) this.numbers[this.numberCount++] = v;
    this.first[id + 1] = this.numberCount;
    if (col !== 1) this.cols.set(id, col);
    this.length = id + 1;
    index[2 * i] = id;
    index[2 * i + 1] = h;
    if (4 * this.length > index.length) this.rehash();
    return id;
  }

  /**
   * Whether `value` has template `t`'s keys in its order, a number at each of
   * its number keys and its constants elsewhere; if so its numbers are left
   * in `pending`. (A for-in walk: V8 reads each value through the object's
   * enumeration cache, where a load by a key variable is a slow generic one.)
   */
  private matches(t: number, value: Record<string, unknown>): boolean {
    const tpl = this.templates[t];
    if (tpl === undefined) return false;
    const pending = this.pending;
    pending.length = 0;
    let j = 0;
    for (const key in value) {
      if (j === tpl.keys.length || key !== tpl.keys[j]) return false;
      const v = value[key];
      const c = tpl.constants[j++];
      if (c === NUMBER) {
        if (typeof v !== 'number') return false;
        pending.push(v);
      } else if (v !== c) return false;
    }
    return j === tpl.keys.length;
  }

  /**
   * The template of `value` (its keys in any order), added if new, with
   * `value`'s numbers left in `pending` in the template's key order.
   */
  private templateFor(value: Record<string, unknown>): number {
    const keys = Object.keys(value);
    let key = '';
    for (const k of [...keys].sort()) {
      const v = value[k];
      key += typeof v === 'number' ? `${k}\u0000` : `${k}\u0001${typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined'}\u0002${typeof v}\u0000`;
    }
    let t = this.templateIds.get(key);
    if (t === undefined) {
      t = this.templates.length;
      this.templates.push({ keys, constants: keys.map((k) => (typeof value[k] === 'number' ? NUMBER : value[k])) });
      this.templateIds.set(key, t);
    }
    const tpl = this.templates[t];
    this.pending.length = 0;
    for (let k = 0; k < tpl.keys.length; k++) if (tpl.constants[k] === NUMBER) this.pending.push(value[tpl.keys[k]] as number);
    return t;
  }

  /** Operation `id` as validated (a new object: the caller may keep it), keys in its template's order. */
  get(id: number): Record<string, unknown> {
    const t = this.template[id];
    const make = this.makers[t] ?? this.maker(t);
    return make(this.numbers, this.first[id], this.templates[t].constants);
  }

  /** Functions that build an operation of each template (see {@link maker}), by template id. */
  private readonly makers: Array<Maker | undefined> = [];

  /**
   * The function that builds an operation of template `t` from its numbers
   * (from index `i`) and its constants: one object literal, so every
   * operation of the template is made with one hidden class and no keyed
   * store (a loop storing key by key cost as much as the rest of compiling
   * a trace line). Keys are the schemas' (a template is made from a
   * validated operation), written as JSON strings.
   */
  private maker(t: number): Maker {
    const { keys, constants } = this.templates[t];
    let n = 0;
    const fields = keys.map((k, j) => `${JSON.stringify(k)}: ${constants[j] === NUMBER ? `n[i + ${n++}]` : `c[${j}]`}`);
    const make = compileShared<Maker>(['n', 'i', 'c'], `return { ${fields.join(', ')} };`);
    this.makers[t] = make;
    return make;
  }

  /** Operation `id` is met again (found other than by {@link intern}: a parser's cache of raw lines). */
  metAgainNow(id: number): void {
    if (this.sealed) throw new Error('ShapeTable.metAgainNow: the table is sealed');
    this.again[id] = 1;
  }

  /** The template of operation `id`. */
  templateOf(id: number): Template {
    return this.templates[this.template[id]];
  }

  /** The id of the template of operation `id`. */
  templateIdOf(id: number): number {
    return this.template[id];
  }

  /** Operation `id`'s numbers, in its template's order (a copy). */
  numbersOf(id: number): Float64Array {
    return this.numbers.slice(this.first[id], this.first[id + 1]);
  }

  /** Whether operation `id` was met more than once (interned again, or {@link metAgainNow}). */
  metAgain(id: number): boolean {
    return this.again[id] === 1;
  }

  /** Column recorded with operation `id`. */
  col(id: number): number {
    return this.cols.get(id) ?? 1;
  }

  private sameNumbers(s: number, pending: readonly number[]): boolean {
    const start = this.first[s];
    if (this.first[s + 1] - start !== pending.length) return false;
    for (let j = 0; j < pending.length; j++) if (this.numbers[start + j] !== pending[j]) return false;
    return true;
  }

  /** Hash of template `t` and numbers `nums` (0 and −0 hash alike, as they compare equal). */
  private hash(t: number, nums: readonly number[]): number {
    let h = Math.imul(t + 1, 0x9e3779b1);
    for (let j = 0; j < nums.length; j++) {
      scratch[0] = nums[j] + 0; // −0 + 0 is 0
      h = Math.imul(h ^ scratchBits[0], 0x85ebca6b);
      h = Math.imul(h ^ scratchBits[1], 0xc2b2ae35);
      h ^= h >>> 15;
    }
    return h ^ (h >>> 16);
  }

  private grow(): void {
    const n = 2 * this.template.length;
    const widen = (a: Int32Array, size: number) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.template = widen(this.template, n);
    this.first = widen(this.first, n + 1);
    const again = new Uint8Array(n);
    again.set(this.again);
    this.again = again;
  }

  private rehash(): void {
    const old = this.index;
    const index = new Int32Array(2 * old.length).fill(-1);
    const mask = (index.length >> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j] < 0) continue;
      const h = old[j + 1];
      let i = h & mask;
      while (index[2 * i] >= 0) i = (i + 1) & mask;
      index[2 * i] = old[j];
      index[2 * i + 1] = h;
    }
    this.index = index;
  }
}
