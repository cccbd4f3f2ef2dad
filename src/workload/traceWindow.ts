// The compact form of a trace's operation lines (all of them, or a window
// of them): per line, the id of its operation, and only if the trace uses
// them its timestamp and the address space it switches to, in typed arrays,
// with the file's line numbering kept as the places it jumps. The parser
// fills it (traceProgram.ts), a spill file stores and loads it
// (traceSpill.ts), and replay reads it (traceCursor.ts).

/** In {@link TraceWindow.switchTo}: the line does not change address space. */
export const NO_SWITCH = -1;

/** A window's lines as arrays: see {@link TraceWindow.parts}. */
export interface WindowParts {
  shape: Int32Array<ArrayBuffer>;
  tNs: Float64Array<ArrayBuffer> | null;
  switchTo: Int32Array<ArrayBuffer> | null;
  /** Where file line numbering jumps (see TraceWindow.lineOf): entry index, and its file line. */
  entryBase: Int32Array;
  lineBase: Float64Array;
}

/** Operation lines of a trace (or a window of one) in compact form. */
export class TraceWindow {
  /** Shape id of each line. */
  shape: Int32Array<ArrayBuffer>;
  /** Timestamp of each line, ns (NaN: none); null while no line had one. */
  tNs: Float64Array<ArrayBuffer> | null = null;
  /** Address space each line switches to before it runs ({@link NO_SWITCH}: none); null while no line switched. */
  switchTo: Int32Array<ArrayBuffer> | null = null;
  /** Lines held. */
  length = 0;
  /** File line number of entry i is lineBase[k] + (i − entryBase[k]) for the last k with entryBase[k] ≤ i (gaps: comments, blanks, header). */
  private readonly entryBase: number[] = [];
  private readonly lineBase: number[] = [];

  constructor(initialLines: number) {
    this.shape = new Int32Array(initialLines);
  }

  /** Forget every line (a streamed window refilled). */
  clear(): void {
    this.length = 0;
    this.entryBase.length = 0;
    this.lineBase.length = 0;
    this.tNs?.fill(NaN);
    this.switchTo?.fill(NO_SWITCH);
  }

  /** File line number of entry `i`. */
  lineOf(i: number): number {
    let lo = 0;
    let hi = this.entryBase.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.entryBase[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.lineBase[lo] + (i - this.entryBase[lo]);
  }

  /** Cut the arrays to the lines held (a trace held whole: its arrays grew by doubling). */
  trim(): void {
    const n = this.length;
    this.shape = this.shape.slice(0, n);
    this.tNs = this.tNs?.slice(0, n) ?? null;
    this.switchTo = this.switchTo?.slice(0, n) ?? null;
  }

  /** The lines as arrays (views, not copies: valid until the window changes), for a spill file (traceSpill.ts). */
  parts(): WindowParts {
    const n = this.length;
    return {
      shape: this.shape.subarray(0, n),
      tNs: this.tNs?.subarray(0, n) ?? null,
      switchTo: this.switchTo?.subarray(0, n) ?? null,
      entryBase: Int32Array.from(this.entryBase),
      lineBase: Float64Array.from(this.lineBase),
    };
  }

  /** Hold `parts` instead of what it held (its arrays taken as they are). */
  load(parts: WindowParts): void {
    this.shape = parts.shape;
    this.tNs = parts.tNs;
    this.switchTo = parts.switchTo;
    this.length = parts.shape.length;
    this.entryBase.length = 0;
    this.lineBase.length = 0;
    for (let k = 0; k < parts.entryBase.length; k++) {
      this.entryBase.push(parts.entryBase[k]);
      this.lineBase.push(parts.lineBase[k]);
    }
  }

  push(lineNo: number, shape: number, tNs: number, switchTo: number): void {
    const i = this.length;
    if (i === this.shape.length) this.grow();
    const k = this.entryBase.length - 1;
    if (k < 0 || this.lineBase[k] + (i - this.entryBase[k]) !== lineNo) {
      this.entryBase.push(i);
      this.lineBase.push(lineNo);
    }
    this.shape[i] = shape;
    if (!Number.isNaN(tNs)) {
      this.tNs ??= new Float64Array(this.shape.length).fill(NaN);
      this.tNs[i] = tNs;
    }
    if (switchTo !== NO_SWITCH) {
      this.switchTo ??= new Int32Array(this.shape.length).fill(NO_SWITCH);
      this.switchTo[i] = switchTo;
    }
    this.length = i + 1;
  }

  private grow(): void {
    const n = Math.max(16, this.shape.length * 2);
    const shape = new Int32Array(n);
    shape.set(this.shape);
    this.shape = shape;
    if (this.tNs) {
      const t = new Float64Array(n).fill(NaN);
      t.set(this.tNs);
      this.tNs = t;
    }
    if (this.switchTo) {
      const s = new Int32Array(n).fill(NO_SWITCH);
      s.set(this.switchTo);
      this.switchTo = s;
    }
  }
}
