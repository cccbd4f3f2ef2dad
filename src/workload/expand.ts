// Compiles workload entries (spec.ts) into op trees (stream.ts): resolves
// bare names and composite uses against the guest profile, assigns each
// entry its instruction site, and rejects composites that use themselves.
import { didYouMean } from './didYouMean.js';
import type { StreamItem } from './control.js';
import { CURRENT_ASID, OP_KINDS } from './ops.js';
import { PrimitiveSpecSchema, type OpSpec } from './spec.js';
import { retargetCr3 } from './retarget.js';
import { leaf, type OpNode } from './stream.js';

/** Path of a key inside a document, as zod reports it. */
export type KeyPath = ReadonlyArray<string | number>;

/** A key of a model (`model` as `--set` names it: `cpu`, `guest`, `vmm.MODE`) that a failed check read. */
export interface ModelKey {
  readonly model: string;
  readonly path: KeyPath;
}

/**
 * A workload entry that cannot be compiled; `where` says which document and
 * key. `uses` names model keys the check also read: where an override set
 * one, the message says so (the entry's line may be right and the flag
 * wrong).
 */
export class SpecError extends Error {
  constructor(
    message: string,
    readonly where: { doc: 'scenario' | 'guest'; path: KeyPath },
    readonly uses: readonly ModelKey[] = [],
  ) {
    super(message);
  }
}

/** Composite definitions of a guest profile: name → entries, and where they are written. */
export interface CompositeTable {
  readonly defs: Readonly<Record<string, readonly OpSpec[]>>;
  /** Key path of composite `name`'s entry list inside the guest document. */
  pathOf(name: string): KeyPath;
}

/** Compiles entries; one compiler per simulation setup (it owns the site counter). */
export class WorkloadCompiler {
  private nextSite = 1;
  /** Ids of the leaves this compiler makes (see stream.ts `leaf`). */
  private nextLeafId = 0;
  private readonly compiled = new Map<string, OpNode[]>();
  private readonly inProgress: string[] = [];

  constructor(private readonly composites: CompositeTable) {}

  /** Compile a scenario workload's entries, found at `path` in the scenario. */
  compile(entries: readonly OpSpec[], path: KeyPath): OpNode[] {
    return this.list(entries, { doc: 'scenario', path });
  }

  private list(entries: readonly OpSpec[], where: SpecError['where']): OpNode[] {
    return entries.map((e, i) => this.entry(e, { doc: where.doc, path: [...where.path, i] }));
  }

  private entry(e: OpSpec, where: SpecError['where']): OpNode {
    if (typeof e === 'string') return this.bareName(e, where);
    if ('use' in e) {
      const body = this.composite(e.use, { doc: where.doc, path: [...where.path, 'use'] });
      return { body: e.asid === undefined ? body : retargetCr3(body, e.asid, e.from), count: e.count };
    }
    if ('loop' in e) return { body: this.list(e.loop, { doc: where.doc, path: [...where.path, 'loop'] }), count: e.count };
    return leaf(this.primitive(e), e.count, this.nextLeafId++);
  }

  private bareName(name: string, where: SpecError['where']): OpNode {
    if (Object.hasOwn(this.composites.defs, name)) return { body: this.composite(name, where), count: 1 };
    if ((OP_KINDS as readonly string[]).includes(name)) {
      const parsed = PrimitiveSpecSchema.safeParse({ op: name });
      if (!parsed.success) {
        throw new SpecError(`operation "${name}" needs parameters; write it as {op: ${name}, …}`, where);
      }
      return leaf(this.primitive(parsed.data), 1, this.nextLeafId++);
    }
    throw new SpecError(
      `unknown operation "${name}": expected a primitive (${OP_KINDS.join(', ')}) or a composite of the guest profile` +
        (Object.keys(this.composites.defs).length ? ` (${Object.keys(this.composites.defs).join(', ')})` : ' (no guest profile is loaded)') +
        didYouMean(name, [...OP_KINDS, ...Object.keys(this.composites.defs)]),
      where,
    );
  }

  /** The compiled body of composite `name`, or null when the guest does not define it. */
  compositeBody(name: string): OpNode[] | null {
    if (!Object.hasOwn(this.composites.defs, name)) return null; // not Object.prototype's toString
    return this.composite(name, { doc: 'guest', path: this.composites.pathOf(name) });
  }

  private composite(name: string, where: SpecError['where']): OpNode[] {
    const done = this.compiled.get(name);
    if (done) return done;
    const defs = Object.hasOwn(this.composites.defs, name) ? this.composites.defs[name] : undefined; // not Object.prototype's valueOf
    if (defs === undefined) {
      const known = Object.keys(this.composites.defs);
      throw new SpecError(`unknown composite operation "${name}": expected one of ${known.join(', ') || '(none: no guest profile is loaded)'}${didYouMean(name, known)}`, where);
    }
    if (this.inProgress.includes(name)) {
      const cycle = [...this.inProgress.slice(this.inProgress.indexOf(name)), name].join(' → ');
      throw new SpecError(`composite operations use each other in a cycle: ${cycle}`, where);
    }
    this.inProgress.push(name);
    const body = this.list(defs, { doc: 'guest', path: this.composites.pathOf(name) });
    this.inProgress.pop();
    this.compiled.set(name, body);
    return body;
  }

  /** Compile one primitive entry (also used by trace readers, one line at a time), at static instruction `site` (its own, else the next free one). */
  primitive(s: Exclude<OpSpec, string | { use: string } | { loop: OpSpec[] }>, site: number = s.site ?? this.nextSite++): StreamItem {
    switch (s.op) {
      case 'compute': return { kind: 'compute', cycles: s.cycles, mode: s.mode };
      case 'io': return { kind: 'io', dir: s.dir, port: s.port, site };
      case 'cr3write': return { kind: 'cr3write', asid: s.asid, pages: s.pages, kernelPages: s.kernelPages, site };
      case 'mmCreate': return { kind: 'mmCreate', asid: s.asid };
      case 'mmDestroy': return { kind: 'mmDestroy', asid: s.asid ?? CURRENT_ASID };
      case 'pteWrite': return { kind: 'pteWrite', asid: s.asid ?? CURRENT_ASID, site };
      case 'exception': return { kind: 'exception', vector: s.vector, site };
      case 'newKernelCode': return { kind: 'newKernelCode', units: s.units, instructions: s.instructions };
      case 'interrupt': return { kind: 'interrupt', source: s.source };
      case 'block': return { kind: 'block', device: s.device };
      case 'callret': return { kind: 'callret' };
      case 'tlbMiss': return { kind: 'tlbMiss', workingSetBytes: s.workingSetBytes, pageSize: s.pageSize, afterFlush: s.afterFlush };
      case 'memory':
        return {
          kind: 'memory', site, accesses: s.accesses, accessesPerInstruction: s.accessesPerInstruction,
          stream: {
            workingSetBytes: s.workingSetBytes, pattern: s.pattern, strideBytes: s.strideBytes, hotSetBytes: s.hotSetBytes,
            hotFraction: s.hotFraction, pageSize: s.pageSize, region: s.region,
          },
        };
      case 'syscall': case 'cr8write': case 'pgfault': case 'rdtsc':
        return { kind: s.op, site };
    }
  }
}

/** An empty composite table, for scenarios without a guest profile. */
export const NO_COMPOSITES: CompositeTable = { defs: {}, pathOf: () => [] };
