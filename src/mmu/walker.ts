// The page walker: one-dimensional walks (native over the guest table,
// shadow paging over the shadow table) and two-dimensional walks (nested
// paging: every guest-table pointer and the final guest-physical address go
// through a nested walk, n·m + n + m references). Each reference costs what
// the place it hits costs — page-walk cache, L2 or memory — and a nested-TLB
// hit skips a whole nested walk.
import { gpaToSpa, guestEntryGpa, nestedEntrySpa, shadowEntrySpa, dataGpa } from './layout.js';
import type { MmuModel, PageSize } from './mmuSchema.js';
import { SetAssocLru, frameHash } from './setAssocLru.js';

/** Which table a one-dimensional walk reads. */
export type Table1D = 'guest' | 'shadow';

/** Leaf level of a page of `size`: a 2 MB page removes the last level. */
export function leafLevel(size: PageSize): number {
  return size === '2M' ? 2 : 1;
}

/** Running totals of a walker (plain numbers: read them, never allocated per walk). */
export interface WalkCounters {
  walks: number;
  walkReferences: number;
  walkCycles: number;
  pwcHits: number;
  ntlbHits: number;
  l2Hits: number;
}

/** Walks page tables against the L2 cache, the page-walk cache and the nested TLB of one CPU. */
export class PageWalker implements WalkCounters {
  walks = 0;
  walkReferences = 0;
  walkCycles = 0;
  pwcHits = 0;
  ntlbHits = 0;
  l2Hits = 0;
  /** Cache lines of L2, shared with data (see {@link dataAccess}). */
  readonly l2: SetAssocLru;
  private readonly l1d: SetAssocLru;
  readonly pwc: SetAssocLru | null;
  readonly ntlb: SetAssocLru | null;
  private readonly lineBytes: number;
  /** 1 / lineBytes when that is a power of two (multiplying by it divides exactly, without a division's latency), else 0. */
  private readonly lineReciprocal: number;
  private readonly frameLines: number;
  private readonly l2HitCycles: number;
  private readonly l2MissCycles: number;
  private readonly pwcHitCycles: number;
  private readonly ntlbHitCycles: number;
  /** 1 / the nested page size (a power of two): gPA → nested page number by an exact multiplication. */
  private readonly nestedPageReciprocal: number;
  private readonly nestedLeaf: number;
  /** 2D walks under 1D_PWC cache guest-dimension entries only. */
  private readonly pwcNestedEntries: boolean;

  constructor(private readonly model: MmuModel) {
    const c = model.caches;
    this.lineBytes = c.lineBytes;
    this.lineReciprocal = (c.lineBytes & (c.lineBytes - 1)) === 0 ? 1 / c.lineBytes : 0;
    this.frameLines = 4096 / c.lineBytes;
    const frames = { frameLines: this.frameLines };
    this.l2 = new SetAssocLru({ entries: c.l2.bytes / c.lineBytes, ways: c.l2.ways }, frames);
    this.l1d = new SetAssocLru({ entries: c.l1d.bytes / c.lineBytes, ways: c.l1d.ways }, frames);
    this.l2HitCycles = c.l2HitCycles;
    this.l2MissCycles = c.l2MissCycles;
    const design = model.pwc.design;
    this.pwc = design === 'none' ? null : new SetAssocLru(model.pwc);
    this.ntlb = design === '2D_PWC+NT' ? new SetAssocLru(model.ntlb) : null;
    this.pwcHitCycles = model.pwc.hitCycles;
    this.ntlbHitCycles = model.ntlb.hitCycles;
    this.pwcNestedEntries = design === '2D_PWC' || design === '2D_PWC+NT';
    this.nestedPageReciprocal = 1 / (model.hostPageSize === '2M' ? 2 ** 21 : 4096);
    this.nestedLeaf = leafLevel(model.hostPageSize);
  }

  /**
   * One-dimensional walk of `table` for `va` down to `leaf` (1 for a 4 KB
   * page, 2 for 2 MB): `guestLevels − leaf + 1` references. Returns cycles.
   */
  walk1D(table: Table1D, asid: number, va: number, leaf: number): number {
    let cycles = 0;
    for (let level = this.model.guestLevels; level >= leaf; level--) {
      const spa = table === 'guest' ? guestEntryGpa(asid, level, va) : shadowEntrySpa(asid, level, va);
      cycles += this.reference(spa, level !== leaf);
    }
    return this.finish(cycles);
  }

  /**
   * Two-dimensional walk for `va`: for each guest level down to `guestLeaf`
   * a nested walk of the guest entry's address and the entry itself, then a
   * nested walk of the data's guest-physical address. Returns cycles.
   */
  walk2D(asid: number, va: number, guestLeaf: number): number {
    let cycles = 0;
    for (let level = this.model.guestLevels; level >= guestLeaf; level--) {
      const gpa = guestEntryGpa(asid, level, va);
      cycles += this.nestedTranslate(gpa);
      cycles += this.reference(gpaToSpa(gpa), level !== guestLeaf);
    }
    cycles += this.nestedTranslate(dataGpa(asid, va));
    return this.finish(cycles);
  }

  /** A data access by the program: through L1D into L2, so data competes with page-table lines. */
  dataAccess(spa: number): void {
    const line = this.lineOf(spa);
    const hash = frameHash(line, this.frameLines);
    if (!this.l1d.accessHashed(line, hash)) this.l2.accessHashed(line, hash);
  }

  /** Flush what a TLB flush flushes: the page-walk cache (the nested TLB survives, as in Table 2). */
  flushWithTlb(): void {
    this.pwc?.flush();
  }

  /** gPA → sPA: a nested-TLB hit, or a nested walk of `nestedLevels − leaf + 1` references. */
  private nestedTranslate(gpa: number): number {
    const ntlb = this.ntlb;
    const page = Math.floor(gpa * this.nestedPageReciprocal);
    if (ntlb !== null && ntlb.lookup(page)) {
      this.ntlbHits++;
      return this.ntlbHitCycles;
    }
    let cycles = 0;
    for (let level = this.model.nestedLevels; level >= this.nestedLeaf; level--) {
      cycles += this.reference(nestedEntrySpa(level, gpa), this.pwcNestedEntries);
    }
    if (ntlb !== null) ntlb.fill(page);
    return cycles;
  }

  /** One page-entry reference at `spa`; `cacheable` if this design's PWC may hold it. */
  private reference(spa: number, cacheable: boolean): number {
    this.walkReferences++;
    let cycles = 0;
    const pwc = this.pwc;
    if (cacheable && pwc !== null) {
      const key = Math.floor(spa * 0.125); // the entry's number: spa / 8, exactly
      if (pwc.lookup(key)) {
        this.pwcHits++;
        return this.pwcHitCycles;
      }
      pwc.fill(key);
      cycles = this.pwcHitCycles;
    }
    if (this.l2.access(this.lineOf(spa))) {
      this.l2Hits++;
      return cycles + this.l2HitCycles;
    }
    return cycles + this.l2MissCycles;
  }

  /** The cache line of `spa`. */
  private lineOf(spa: number): number {
    const r = this.lineReciprocal;
    return r > 0 ? Math.floor(spa * r) : Math.floor(spa / this.lineBytes);
  }

  private finish(cycles: number): number {
    this.walks++;
    this.walkCycles += cycles;
    return cycles;
  }
}
