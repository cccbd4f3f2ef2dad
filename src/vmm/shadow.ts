// Shadow page tables, shared by the `software` and `hardware` modes: which
// address spaces keep a shadow (an LRU cache of `shadowCache` of them), which
// guest PTE writes hit a traced page, and how many shadow entries a context
// switch leaves to be filled. It decides *what happens*; the modes price it
// (a trace fault is a trap under BT, an exit in hardware).
//
// The three-way trade-off (DESIGN.md) falls out of two policies:
//   tracePolicy: trace    — every cached shadow is kept coherent by write traces:
//                           PTE writes are expensive, switches to a cached
//                           address space are free of refills.
//                unsynced — no traces: PTE writes run at native speed; the entry
//                           written is dropped from the shadow, so the running
//                           address space takes a hidden fault when it next uses
//                           it, and a non-running one is refilled at switch-in.
//   switchFill:  lazy        — a shadow built at switch time starts empty and
//                              fills by hidden faults, one per page touched;
//                prevalidate — the switch fills it at once (no exits per page,
//                              but it fills every mapped page, `prevalidateOverfill`
//                              × the pages the guest will touch).
// and the cache size: switching to an address space whose shadow was evicted
// rebuilds it (hidden faults or prevalidation).
//
// Address spaces have a life cycle: the guest creates one (fork, exec:
// `mmCreate`), the VMM builds its shadow the first time it runs (write-
// protecting its page-table pages so they are traced, then filling entries),
// and tears the shadow down when the guest frees it (`mmDestroy`). A shadow
// built anew maps the kernel again as well as the process's own pages.
import { z } from 'zod';
import { CURRENT_ASID, type Op } from '../workload/ops.js';
import { CAT } from './categories.js';
import { IdTable } from './idTable.js';
import type { Ledger } from './ledger.js';

const cycles = (d: string) => z.number().finite().nonnegative().describe(d);

/** Shadow-paging parameters, part of the software and hardware VMM models. */
export const ShadowParamsShape = {
  tracePolicy: z.enum(['trace', 'unsynced']).describe('trace: write-protect guest page tables of cached shadows; unsynced: no traces, written entries are refilled'),
  switchFill: z.enum(['lazy', 'prevalidate']).describe('how a shadow built at a context switch is filled: by hidden faults, or all at once'),
  shadowCache: z.int().min(1).max(4096).describe('address spaces that keep their shadow page tables (LRU)'),
  prevalidateOverfill: z.number().finite().min(1).describe('mapped pages prevalidated per page the guest goes on to touch'),
  shadowUpdateCycles: cycles('validate one guest PTE and write the shadow entry it implies'),
  shadowSwitchCycles: cycles('find the shadow of the new guest CR3 in the cache and switch the shadow root'),
  shadowBuildCycles: cycles('build a shadow for an address space that has none: allocate its root, write-protect (trace) its guest page-table pages'),
  shadowTeardownCycles: cycles('tear down the shadow of a freed address space: stop tracing its page-table pages, free the shadow pages'),
} as const;

const ShadowParamsSchema = z.strictObject(ShadowParamsShape);
/** The shadow-paging parameters. */
export type ShadowParams = z.infer<typeof ShadowParamsSchema>;

/**
 * Cycles of prevalidating a rebuilt shadow on a switch: under the
 * `prevalidate` fill policy, `prevalidateOverfill` entries per page the guest
 * will touch, each a shadow update; 0 under `lazy` (hidden faults pay instead).
 */
export function prevalidateCycles(p: ShadowParams, fillPages: number): number {
  return p.switchFill === 'prevalidate' && fillPages > 0 ? fillPages * p.prevalidateOverfill * p.shadowUpdateCycles : 0;
}

/**
 * Whether a shadow-paging mode's charge of `op` is static (CostActor.isStatic):
 * everything but PTE writes (see {@link ShadowTables.pteWriteVariant}), CR3
 * loads, the address-space life cycle and memory streams.
 */
export function shadowModeStatic(op: Op): boolean {
  const k = op.kind;
  return k !== 'pteWrite' && k !== 'memory' && k !== 'cr3write' && k !== 'mmCreate' && k !== 'mmDestroy';
}

/** What a guest PTE write does to the shadows. */
export const PTE = {
  /** No shadow of that address space exists: nothing is traced, a plain store. */
  untraced: 0,
  /** The page is traced: a trace fault; the VMM emulates the write and updates the shadow. */
  traceFault: 1,
  /** Unsynced, running address space: a plain store, then one hidden fault when the entry is used. */
  hiddenFault: 2,
  /** Unsynced, another cached address space: a plain store; refilled when it is switched in. */
  deferred: 3,
} as const;

/**
 * The shadow state of one virtual CPU: the cache of shadowed address spaces
 * and the running one. Preallocated arrays; no allocation per operation.
 */
export class ShadowTables {
  private readonly slotAsid: Int32Array;
  /** asid → slot, so lookups cost the same for any cache size. */
  private readonly slotOf = new IdTable(-1);
  private readonly lastUse: Float64Array;
  private readonly staleEntries: Float64Array;
  private tick = 0;
  /** The running address space (the guest starts in 0, its shadow built). */
  current = 0;
  private currentSlot = 0;
  /** Shadows discarded to make room so far. */
  evictions = 0;
  /** Shadows built for address spaces that had none (new, evicted or freed) so far. */
  builds = 0;
  /** Shadows torn down because the guest freed their address space. */
  teardowns = 0;
  /** Whether the last switchTo built the shadow anew (rather than finding it cached). */
  lastBuilt = false;

  constructor(private readonly params: ShadowParams) {
    this.slotAsid = new Int32Array(params.shadowCache).fill(-1);
    this.lastUse = new Float64Array(params.shadowCache);
    this.staleEntries = new Float64Array(params.shadowCache);
    this.slotAsid[0] = 0;
    this.slotOf.set(0, 0);
  }

  /** The {@link PTE} outcome a store to a PTE of `asid` would have now, changing nothing. */
  peekPteWrite(asid: number): number {
    const target = asid === CURRENT_ASID ? this.current : asid;
    const slot = target === this.current ? this.currentSlot : this.find(target);
    if (slot < 0) return PTE.untraced;
    if (this.params.tracePolicy === 'trace') return PTE.traceFault;
    return target === this.current ? PTE.hiddenFault : PTE.deferred;
  }

  /**
   * The outcome of a store to a PTE of `asid` now when it changes no shadow
   * state (a trace fault, or no shadow), else −1: a PTE write's variant for a
   * charge tape (CostActor.variantOf).
   */
  pteWriteVariant(asid: number): number {
    const outcome = this.peekPteWrite(asid);
    return outcome === PTE.traceFault || outcome === PTE.untraced ? outcome : -1;
  }

  /** A guest store to a PTE of address space `asid` (CURRENT_ASID: the running one); returns a {@link PTE} outcome. */
  pteWrite(asid: number): number {
    const target = asid === CURRENT_ASID ? this.current : asid;
    const slot = target === this.current ? this.currentSlot : this.find(target);
    if (slot < 0) return PTE.untraced;
    if (this.params.tracePolicy === 'trace') return PTE.traceFault;
    if (target === this.current) return PTE.hiddenFault;
    this.staleEntries[slot]++;
    return PTE.deferred;
  }

  /**
   * The guest loads CR3 with `asid`, then touches `pages` pages before its
   * next switch. Returns how many shadow entries must be filled because of
   * this switch: 0 when the shadow is cached and coherent, its stale entries
   * when it is cached but unsynced, `pages` when it had to be rebuilt.
   */
  switchTo(asid: number, pages: number): number {
    if (this.currentSlot >= 0) this.lastUse[this.currentSlot] = ++this.tick;
    this.lastBuilt = false;
    if (asid === this.current && this.currentSlot >= 0) return 0;
    let slot = this.find(asid);
    let fill: number;
    if (slot >= 0) {
      fill = this.staleEntries[slot];
    } else {
      this.builds++;
      this.lastBuilt = true;
      slot = this.victim();
      const evicted = this.slotAsid[slot];
      if (evicted >= 0) {
        this.evictions++;
        this.slotOf.set(evicted, -1);
      }
      this.slotAsid[slot] = asid;
      this.slotOf.set(asid, slot);
      fill = pages;
    }
    this.staleEntries[slot] = 0;
    this.lastUse[slot] = ++this.tick;
    this.current = asid;
    this.currentSlot = slot;
    return fill;
  }

  /**
   * The guest freed address space `asid` (CURRENT_ASID: the running one):
   * its shadow, if cached, is torn down and its slot freed. Returns whether
   * there was one. The running address space keeps running on no shadow
   * until the guest's next CR3 load (an exiting task switches away at once).
   */
  destroy(asid: number): boolean {
    const target = asid === CURRENT_ASID ? this.current : asid;
    const slot = this.find(target);
    if (slot < 0) return false;
    this.slotOf.set(target, -1);
    this.slotAsid[slot] = -1;
    this.staleEntries[slot] = 0;
    this.lastUse[slot] = 0;
    if (slot === this.currentSlot) this.currentSlot = -1;
    this.teardowns++;
    return true;
  }

  /** Whether `asid` has a shadow in the cache. */
  isCached(asid: number): boolean {
    return this.find(asid) >= 0;
  }

  private find(asid: number): number {
    return this.slotOf.get(asid);
  }

  /** An empty slot, else the least recently used one (never the running address space's). */
  private victim(): number {
    let best = -1;
    for (let i = 0; i < this.slotAsid.length; i++) {
      if (this.slotAsid[i] < 0) return i;
      if (i !== this.currentSlot && (best < 0 || this.lastUse[i] < this.lastUse[best])) best = i;
    }
    return best < 0 ? Math.max(this.currentSlot, 0) : best;
  }
}

/**
 * The shadow-paging work every shadow-paging VMM charges the same way, with
 * its component ids: switching shadows at a CR3 load (building one anew,
 * prevalidating, filling lazily) and tearing one down when the guest frees
 * its address space. A mode adds only the price of getting into the VMM
 * (a callout, an exit, a trap) and its own lazy-fill price.
 */
export class ShadowCharges {
  private readonly cSwitch: number;
  private readonly cPrevalidate: number;
  private readonly cBuild: number;
  private readonly cTeardown: number;

  constructor(readonly tables: ShadowTables, private readonly p: ShadowParams, ledger: Ledger) {
    this.cSwitch = ledger.componentId('shadowSwitch');
    this.cPrevalidate = ledger.componentId('prevalidate');
    this.cBuild = ledger.componentId('shadowBuild');
    this.cTeardown = ledger.componentId('shadowTeardown');
  }

  /** A CR3 load switches to `asid`'s shadow (recording shadowSwitchCycles); returns the entries to fill. */
  switchTo(ledger: Ledger, asid: number, pages: number): number {
    ledger.component(this.cSwitch, this.p.shadowSwitchCycles);
    return this.tables.switchTo(asid, pages);
  }

  /**
   * Finish a CR3 load whose mode-specific path cost `c` (shadowSwitchCycles
   * included): a shadow built anew, prevalidation, the cr3 category, then —
   * under the lazy policy — `fill` hidden faults priced by `hiddenFaults`.
   */
  finishSwitch(ledger: Ledger, c: number, fill: number, hiddenFaults: (n: number) => number): number {
    const p = this.p;
    if (this.tables.lastBuilt) {
      ledger.component(this.cBuild, p.shadowBuildCycles);
      c += p.shadowBuildCycles;
    }
    const v = prevalidateCycles(p, fill);
    if (v > 0) {
      ledger.component(this.cPrevalidate, v);
      c += v;
    }
    ledger.charge(CAT.cr3, c);
    if (p.switchFill === 'lazy') c += hiddenFaults(fill);
    return c;
  }

  /**
   * The guest freed (or re-created) address space `asid`: tear its shadow
   * down if one is kept. No VMM entry of its own: the VMM learns of it from
   * the page-table stores and CR3 loads that already enter it.
   */
  teardown(ledger: Ledger, asid: number): number {
    const c = this.tables.destroy(asid) ? this.p.shadowTeardownCycles : 0;
    if (c > 0) ledger.component(this.cTeardown, c);
    ledger.charge(CAT.cr3, c);
    return c;
  }
}
