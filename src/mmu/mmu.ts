// The MMU of one simulated CPU running in one translation mode: TLBs in
// front of a page walker. Actors hand it whole memory streams (a batch of
// accesses) and get back the cycles spent translating; nothing is allocated
// per access.
import type { Rng } from '../engine/rng.js';
import { PAGE_BYTES, dataGpa, gpaToSpa } from './layout.js';
import { nextAddress, type MemoryStreamSpec, type StreamCursor } from './memoryStream.js';
import type { MmuModel, PageSize } from './mmuSchema.js';
import { TLB_L2_HIT, TLB_MISS, Tlb, tlbKey } from './tlb.js';
import { PageWalker, leafLevel } from './walker.js';

/**
 * How a mode translates: natively (1D over the guest table), with shadow
 * paging (1D over the VMM's shadow table) or nested paging (2D).
 */
export type TranslationMode = 'native' | 'shadow' | 'nested';

/** The address-translation metrics every run reports. */
export interface MmuMetrics {
  accesses: number;
  instructions: number;
  tlbMisses: number;
  walkReferences: number;
  walkCycles: number;
  pwcHits: number;
  ntlbHits: number;
}

/** TLBs + walker for one translation mode. */
export class Mmu {
  readonly tlb: Tlb;
  readonly walker: PageWalker;
  accesses = 0;
  instructions = 0;
  tlbMisses = 0;
  /** Cycles of level-1 misses that hit level 2 (not walks). */
  tlbL2HitCycles = 0;
  private asid = 0;
  private readonly hostPage: PageSize;
  private readonly l2HitCycles: number;
  /** The last translation looked up: repeated accesses to its page skip the TLB (it is already MRU). */
  private lastKey = -1;

  constructor(readonly model: MmuModel, readonly mode: TranslationMode) {
    this.tlb = new Tlb(model.tlb);
    this.walker = new PageWalker(model);
    this.hostPage = model.hostPageSize;
    this.l2HitCycles = model.tlb.l2HitCycles;
  }

  /** The current address space. */
  get currentAsid(): number {
    return this.asid;
  }

  /** Size of the TLB entries for a guest page of `guestPage`: shadow and nested translations splinter to the host page. */
  entrySize(guestPage: PageSize): PageSize {
    if (this.mode === 'native') return guestPage;
    return guestPage === '2M' && this.hostPage === '2M' ? '2M' : '4K';
  }

  /** A CR3 write: switch to `asid`; without tags it flushes the TLB and with it the page-walk cache. */
  cr3Write(asid: number): void {
    this.asid = asid;
    this.lastKey = -1;
    if (!this.model.tlbTagged) this.flush();
  }

  /** Flush the TLB and the page-walk cache (not the nested TLB). */
  flush(): void {
    this.tlb.flush();
    this.walker.flushWithTlb();
    this.lastKey = -1;
  }

  /**
   * Run `accesses` accesses of `spec` from `cursor`, drawing addresses from
   * `rng`; `accessesPerInstruction` converts them to instructions. Returns
   * the cycles spent on translation (TLB level-2 hits and walks).
   */
  run(spec: MemoryStreamSpec, cursor: StreamCursor, accesses: number, accessesPerInstruction: number, rng: Rng): number {
    const { tlb, walker, mode } = this;
    const asid = this.asid;
    const size = this.entrySize(spec.pageSize);
    const guestLeaf = leafLevel(spec.pageSize);
    const walkLeaf = mode === 'native' ? guestLeaf : leafLevel(size);
    // Per-access constants, hoisted (each sum below is of integers under 2^53, so exact in any order):
    // tlbKey(asid, va, size) = keyBase + ⌊va / pageBytes⌋, and the data's address is dataBase + va.
    const keyBase = tlbKey(asid, 0, size);
    const pageReciprocal = 1 / PAGE_BYTES[size]; // a power of two: multiplying divides exactly
    const dataBase = mode === 'native' ? dataGpa(asid, 0) : gpaToSpa(dataGpa(asid, 0));
    const nested = mode === 'nested';
    const table = mode === 'native' ? 'guest' : 'shadow';
    const l2HitCycles = this.l2HitCycles;
    let cycles = 0;
    let l2Cycles = 0;
    let misses = 0;
    let lastKey = this.lastKey;
    for (let i = 0; i < accesses; i++) {
      const va = nextAddress(spec, cursor, rng);
      const key = keyBase + Math.floor(va * pageReciprocal);
      if (key !== lastKey) {
        const r = tlb.lookup(key, size);
        if (r === TLB_L2_HIT) l2Cycles += l2HitCycles;
        else if (r === TLB_MISS) {
          misses++;
          cycles += nested ? walker.walk2D(asid, va, guestLeaf) : walker.walk1D(table, asid, va, walkLeaf);
          tlb.fill(key, size);
        }
        lastKey = key;
      }
      walker.dataAccess(dataBase + va);
    }
    this.lastKey = lastKey;
    this.tlbMisses += misses;
    this.accesses += accesses;
    this.instructions += accesses / accessesPerInstruction;
    this.tlbL2HitCycles += l2Cycles;
    return cycles + l2Cycles;
  }

  /** The metrics of everything run so far. */
  metrics(): MmuMetrics {
    const w = this.walker;
    return {
      accesses: this.accesses,
      instructions: this.instructions,
      tlbMisses: this.tlbMisses,
      walkReferences: w.walkReferences,
      walkCycles: w.walkCycles,
      pwcHits: w.pwcHits,
      ntlbHits: w.ntlbHits,
    };
  }
}
