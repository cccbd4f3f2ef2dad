// Trace replay: a workload read lazily from a file of operations, one per
// line, in JSONL or CSV (format documented in docs/workloads.md, "Trace files", and
// scenarios/examples/trace.jsonl). Each line may carry a timestamp `t` (ns
// since the trace began: the operation does not start earlier) and a stream
// id `stream` (the guest process it ran in: when it changes, the guest's
// contextSwitch composite to that address space is inserted). A broken line
// is a TraceError naming file:line, however far into the file it is.
import { z } from 'zod';
import type { StreamItem } from './control.js';
import type { WorkloadCompiler } from './expand.js';
import { OP_KINDS } from './ops.js';
import { retargetCr3 } from './retarget.js';
import { LineReader, LineTooLongError } from './lineReader.js';
import { PrimitiveSpecSchema, UseSpecSchema } from './spec.js';
import { countAccesses, countOps, OpCursor, type ItemSource, type OpNode } from './stream.js';

/** A malformed trace line. */
export class TraceError extends Error {
  constructor(
    readonly detail: string,
    readonly file: string,
    readonly line: number,
    readonly col = 1,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
  }
}

/** Static instruction ids given to trace operations without a `site`: one per operation kind. */
export const TRACE_SITE_BASE = 1_000_000;

const LineSchema = z.union([PrimitiveSpecSchema, UseSpecSchema]);
const Meta = z.strictObject({
  t: z.number().finite().nonnegative().optional(),
  stream: z.int().nonnegative().optional(),
});

/** Columns of a CSV trace whose cells are numbers. */
const NUMERIC = new Set(['t', 'stream', 'count', 'cycles', 'port', 'asid', 'units', 'instructions', 'site']);
/** Every column a CSV trace may have. */
export const CSV_COLUMNS = ['t', 'stream', 'op', 'use', 'count', 'site', 'cycles', 'mode', 'dir', 'port', 'asid', 'vector', 'source', 'units', 'instructions', 'device'];

/** Options of a trace cursor. */
export interface TraceOptions {
  /** Compiles primitives and resolves `use` lines and the contextSwitch composite of the guest profile. */
  compiler: WorkloadCompiler;
  clockHz: number;
  /** Most operations plus memory accesses the whole trace may stand for (--max-ops); checked line by line, as the file is read. */
  maxWork?: number;
}

/** Yields a trace file's items lazily; memory does not grow with the file. */
export class TraceCursor implements ItemSource {
  private readonly reader: LineReader;
  private header: string[] | null = null;
  private sub: ItemSource | null = null;
  private stream: number | null = null;
  private lastT = 0;
  private readonly switchCache = new Map<number, OpNode[]>();
  private lines = 0;
  private switches = 0;
  /** Operations and memory accesses of the lines read so far. */
  private work = 0;

  constructor(
    readonly path: string,
    private readonly format: 'jsonl' | 'csv',
    private readonly options: TraceOptions,
  ) {
    this.reader = new LineReader(path);
  }

  next(): StreamItem | null {
    for (;;) {
      if (this.sub !== null) {
        const item = this.sub.next();
        if (item !== null) return item;
        this.sub = null;
      }
      const line = this.readLine();
      if (line === null) return null;
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const fields = this.format === 'jsonl' ? this.json(trimmed) : this.csv(trimmed);
      if (fields === null) continue; // the CSV header
      const nodes = this.compile(fields);
      this.work += countOps(nodes) + countAccesses(nodes);
      const max = this.options.maxWork ?? Infinity;
      if (this.work > max) {
        this.fail(`the trace reaches ${this.work.toLocaleString('en-US')} operations and memory accesses by this line; the limit is ${max.toLocaleString('en-US')} ` +
          '(lower its counts, or raise the limit with --max-ops)');
      }
      this.sub = new OpCursor(nodes, 1);
    }
  }

  /** Copies of the last item still to come in its line's counted run. */
  get repeats(): number {
    return this.sub?.repeats ?? 0;
  }

  /** Consume `n` of those copies. */
  take(n: number): void {
    if (n > 0) this.sub!.take(n);
  }

  /** Lines replayed and stream switches inserted. */
  metrics(): Record<string, number> {
    return { traceLines: this.lines, streamSwitches: this.switches };
  }

  /** Close the file early (a run that stopped before the end). */
  close(): void {
    this.reader.close();
  }

  private readLine(): string | null {
    try {
      return this.reader.next();
    } catch (e) {
      if (e instanceof LineTooLongError) throw new TraceError(`line is longer than ${e.maxChars.toLocaleString('en-US')} characters; expected one operation per line`, this.path, e.line);
      throw e;
    }
  }

  private fail(detail: string): never {
    throw new TraceError(detail, this.path, this.reader.lineNo);
  }

  private json(line: string): Record<string, unknown> {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      this.fail(`not valid JSON: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail('expected a JSON object such as {"op": "syscall"}');
    return v as Record<string, unknown>;
  }

  private csv(line: string): Record<string, unknown> | null {
    const cells = line.split(',').map((c) => c.trim());
    if (this.header === null) {
      const unknown = cells.filter((c) => !CSV_COLUMNS.includes(c));
      if (unknown.length) this.fail(`unknown CSV column "${unknown[0]}"; expected a header of ${CSV_COLUMNS.join(', ')}`);
      const twice = cells.findIndex((c, i) => cells.indexOf(c) !== i);
      if (twice >= 0) this.fail(`CSV column "${cells[twice]}" appears twice in the header; expected each column once`);
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
        const n = Number(cell);
        if (!Number.isFinite(n)) this.fail(`column ${col}: expected a number, got "${cell}"`);
        out[col] = n;
      } else out[col] = cell;
    });
    return out;
  }

  private compile(fields: Record<string, unknown>): OpNode[] {
    this.lines++;
    const { t, stream, ...rest } = fields;
    const meta = Meta.safeParse({ t, stream });
    if (!meta.success) this.fail(issueText(meta.error));
    if (typeof rest.op === 'string' && !(OP_KINDS as readonly string[]).includes(rest.op) && rest.op !== 'block') {
      this.fail(`unknown operation "${rest.op}": expected one of ${OP_KINDS.join(', ')}, block (or "use" with a composite of the guest profile)`);
    }
    const parsed = LineSchema.safeParse(rest);
    if (!parsed.success) this.fail(issueText(parsed.error));
    const nodes: OpNode[] = [];
    if (meta.data.t !== undefined) {
      if (meta.data.t < this.lastT) this.fail(`timestamps must not go backwards (${meta.data.t} after ${this.lastT})`);
      this.lastT = meta.data.t;
      nodes.push({ op: { kind: 'waitUntil', cycles: (meta.data.t * this.options.clockHz) / 1e9 }, count: 1 });
    }
    if (meta.data.stream !== undefined) {
      if (this.stream !== null && meta.data.stream !== this.stream) {
        this.switches++;
        nodes.push({ body: this.switchTo(meta.data.stream), count: 1 });
      }
      this.stream = meta.data.stream;
    }
    const spec = parsed.data;
    if ('use' in spec) {
      const body = this.options.compiler.compositeBody(spec.use) ?? null;
      if (body === null) this.fail(`unknown composite operation "${spec.use}" (the scenario's guest profile does not define it)`);
      nodes.push({ body, count: spec.count });
      return nodes;
    }
    const site = spec.site ?? TRACE_SITE_BASE + OP_KINDS.indexOf(spec.op as never);
    nodes.push({ op: this.options.compiler.primitive({ ...spec, site }), count: spec.count });
    return nodes;
  }

  private switchTo(asid: number): OpNode[] {
    let nodes = this.switchCache.get(asid);
    if (nodes === undefined) {
      const body = this.options.compiler.compositeBody('contextSwitch') ?? null;
      nodes = body ? retargetCr3(body, asid) : [{ op: { kind: 'cr3write', asid, pages: 0, kernelPages: 0, site: TRACE_SITE_BASE + OP_KINDS.indexOf('cr3write') }, count: 1 }];
      this.switchCache.set(asid, nodes);
    }
    return nodes;
  }
}

function issueText(e: z.ZodError): string {
  const i = e.issues[0];
  const path = i.path.length ? `${i.path.join('.')}: ` : '';
  if (i.code === 'invalid_union') {
    const inner = (i as { errors?: z.core.$ZodIssue[][] }).errors?.flat()[0];
    if (inner) return `${inner.path.length ? inner.path.join('.') + ': ' : ''}${inner.message}`;
  }
  return `${path}${i.message}`;
}
