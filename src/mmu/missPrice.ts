// The price of a counted TLB miss, from the MMU model. A `tlbMiss` op says
// "the guest misses the TLB here" without an address (its count comes from
// an analysis of the workload); what the walk costs — its depth, the
// page-walk cache, the nested TLB, page-table lines in L2 competing with
// data — is the MMU model's business. So the price is measured once per
// (mode, site) by walking a probe of misses through a scratch MMU of the same
// model: the mean walk cycles per miss, in steady state or over the first N
// misses after a TLB flush (a refill). The probe is seeded, so the price is
// deterministic; counted misses then cost count × price, which keeps runs
// with millions of misses fast. Misses whose addresses matter (which miss
// depends on what ran before) are `memory` ops, run access by access.
import { Rng } from '../engine/rng.js';
import { Mmu, type TranslationMode } from './mmu.js';
import { dataGpa, gpaToSpa } from './layout.js';
import { leafLevel } from './walker.js';
import type { MmuModel, PageSize } from './mmuSchema.js';

/** Where counted misses fall: a uniform working set of one page size. */
export interface MissSite {
  /** Bytes of the working set the misses fall in. */
  readonly workingSetBytes: number;
  readonly pageSize: PageSize;
  /** 0: steady state; N: the misses refill N translations right after a TLB flush (the page-walk cache is flushed with it). */
  readonly afterFlush: number;
}

/**
 * Working set of a miss whose site says nothing else, and of the refill
 * after a VM exit: 16 MiB (ESTIMATE: the resident working set of a process
 * on the 1 GB machines of 2006 — its text, libraries, heap and stack; the
 * leaf page-table lines of 16 MiB fit in an L2 of 512 KB, so such walks
 * mostly hit L2).
 */
export const DEFAULT_MISS_WORKING_SET_BYTES = 16 * 2 ** 20;

/**
 * Walks measured for a price, after as many that warm the caches up: 4096
 * touch every leaf-entry line of a 16 MiB working set about eight times
 * over, enough for L2 to reach its steady state (with 1024 the price of a
 * refill still moves by 10%). A probe takes ~5 ms for 1D walks and ~17 ms
 * for 2D ones.
 */
export const PROBE_WALKS = 4096;
const WARMUP_WALKS = PROBE_WALKS;
/** The probe's seed: fixed, so a price depends on the model and the site only. */
const PROBE_SEED = 0x6d697373; // "miss"

/**
 * Mean walk cycles of one TLB miss at `site` in `mode` on `model`, measured
 * on a scratch page walker (pure: the same arguments give the same number).
 * The op asserts the miss, so the probe walks for every drawn address — as
 * the MMU does on a miss: a 1D walk (native; shadow, whose leaf is the
 * guest page splintered to the host page), a 2D walk (nested) — and then
 * touches the data, which competes with page-table lines in the caches.
 * A shadow table has the guest table's shape (an entry per guest entry, the
 * same depth), so its walk is probed over the same addresses as the guest
 * table's: where it lies in memory is not known, and probing it elsewhere
 * would only add the noise of a different cache-set mapping (a few percent
 * either way), enough to make a VMM's walk cheaper than the native one.
 * `afterFlush` N flushes the page-walk cache every N walks (the
 * nested TLB survives a TLB flush, as in the MMU).
 */
export function measureMissCycles(model: MmuModel, mode: TranslationMode, site: MissSite): number {
  const mmu = new Mmu(model, mode);
  const walker = mmu.walker;
  const rng = new Rng(PROBE_SEED);
  const guestLeaf = leafLevel(site.pageSize);
  const shadowLeaf = leafLevel(mmu.entrySize(site.pageSize));
  const walk = (): number => {
    const va = Math.floor(rng.next() * site.workingSetBytes);
    const c = mode === 'nested' ? walker.walk2D(0, va, guestLeaf)
      : walker.walk1D('guest', 0, va, mode === 'native' ? guestLeaf : shadowLeaf);
    const gpa = dataGpa(0, va);
    walker.dataAccess(mode === 'nested' ? gpaToSpa(gpa) : gpa);
    return c;
  };
  let cycles = 0;
  for (let i = 0; i < WARMUP_WALKS + PROBE_WALKS; i++) {
    if (site.afterFlush > 0 && i % site.afterFlush === 0) mmu.flush();
    const c = walk();
    if (i >= WARMUP_WALKS) cycles += c;
  }
  return cycles / PROBE_WALKS;
}

/**
 * Miss prices measured by earlier runs of the same process: a price is a
 * pure function of (MMU model, mode, site), so runs of one command (modes,
 * sweep points, predict's scenarios) measure each probe once. Passed in, not
 * module state: whoever makes the runs keeps one (see SimulateOptions).
 */
export class MissPriceCache {
  private readonly prices = new Map<string, number>();

  /** Probes measured through this cache (each key once). */
  get measured(): number {
    return this.prices.size;
  }

  /** The price of `site` in `mode` on `model`; `modelKey` is {@link canonicalKey}(model). */
  cycles(model: MmuModel, modelKey: string, mode: TranslationMode, site: MissSite): number {
    const key = `${modelKey}|${mode}|${siteKey(site)}`;
    let c = this.prices.get(key);
    if (c === undefined) {
      c = measureMissCycles(model, mode, site);
      this.prices.set(key, c);
    }
    return c;
  }
}

/** A site's identity: what measureMissCycles reads of it. */
function siteKey(site: MissSite): string {
  return `${site.workingSetBytes}/${site.pageSize}/${site.afterFlush}`;
}

/** JSON of `value` with every object's keys sorted: equal for equal models whatever order their keys were built in. */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

/** An actor's miss prices, measured on first use of each site (or taken from a shared {@link MissPriceCache}) and kept for the run. */
export class MissPrices {
  private readonly prices = new Map<string, number>();
  /** {@link canonicalKey} of the model, when prices come from a shared cache. */
  private readonly modelKey: string;

  constructor(private readonly model: MmuModel, private readonly mode: TranslationMode, private readonly shared?: MissPriceCache) {
    this.modelKey = shared === undefined ? '' : canonicalKey(model);
  }

  /** Mean walk cycles of one miss at `site`. */
  cycles(site: MissSite): number {
    const key = siteKey(site);
    let c = this.prices.get(key);
    if (c === undefined) {
      c = this.shared === undefined ? measureMissCycles(this.model, this.mode, site) : this.shared.cycles(this.model, this.modelKey, this.mode, site);
      this.prices.set(key, c);
    }
    return c;
  }
}
