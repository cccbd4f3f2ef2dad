// What an actor needs to charge `memory` operations: one MMU, the stream
// cursors by instruction site, and the charge itself — one ledger entry per
// operation (a batch of accesses), never one object per access.
import type { Rng } from '../engine/rng.js';
import { CAT } from './categories.js';
import type { Ledger } from './ledger.js';
import type { MemoryOp, TlbMissOp } from '../workload/ops.js';
import { MissPrices, type MissPriceCache } from '../mmu/missPrice.js';
import { StreamCursor } from '../mmu/memoryStream.js';
import type { Mmu } from '../mmu/mmu.js';

/** Charges memory streams through an MMU; shared by every actor. */
export class MemoryStreams {
  private readonly cursors = new Map<number, StreamCursor>();
  private readonly cWalk: number;
  /** Prices of counted misses (`tlbMiss` ops), measured by this MMU's model in its mode. */
  readonly misses: MissPrices;
  /** An exit flushed the TLB since the last memory operation (see {@link flushTlbLater}). */
  private tlbStale = false;

  /**
   * An exit flushes the TLB and page-walk cache (a CPU without VPID): only a
   * memory operation can observe that, so the flush is done before the next
   * one instead of on every exit. Idempotent, as a Ledger effect must be.
   */
  readonly flushTlbLater = (): void => {
    this.tlbStale = true;
  };

  /** `component` names the cost component walks are recorded under (walk, shadowWalk, 2dWalk); `missPrices` shares probes across runs. */
  constructor(readonly mmu: Mmu, private readonly rng: Rng, ledger: Ledger, component: string, missPrices?: MissPriceCache) {
    this.cWalk = ledger.componentId(component);
    this.misses = new MissPrices(mmu.model, mmu.mode, missPrices);
  }

  /** Walk cycles of one counted miss (a `tlbMiss` op) at its site: the same for every copy. */
  missCycles(op: TlbMissOp): number {
    return this.misses.cycles(op);
  }

  /**
   * Run one memory operation: its TLB misses are counted in the `tlbmiss`
   * category and its translation cycles (walks, level-2 TLB hits) charged
   * there. Returns the cycles.
   */
  charge(op: MemoryOp, ledger: Ledger): number {
    if (this.tlbStale) {
      this.mmu.flush();
      this.tlbStale = false;
    }
    let cursor = this.cursors.get(op.site);
    if (cursor === undefined) {
      cursor = new StreamCursor();
      this.cursors.set(op.site, cursor);
    }
    const misses = this.mmu.tlbMisses;
    const cycles = this.mmu.run(op.stream, cursor, op.accesses, op.accessesPerInstruction, this.rng);
    ledger.chargeMany(CAT.tlbmiss, this.mmu.tlbMisses - misses, cycles);
    ledger.component(this.cWalk, cycles);
    return cycles;
  }

  /** Translation metrics of the run, when it had memory accesses (tlbMisses, walkReferences, walkCycles, walkCyclesPerMiss, pwcHits, ntlbHits, …). */
  metrics(): Record<string, number> {
    const m = this.mmu.metrics();
    if (m.accesses === 0) return {}; // no memory ops: keep records of other workloads free of zero columns
    return {
      memoryAccesses: m.accesses,
      tlbMisses: m.tlbMisses,
      tlbMissesPer100KInstructions: m.instructions > 0 ? (1e5 * m.tlbMisses) / m.instructions : 0,
      walkReferences: m.walkReferences,
      walkCycles: m.walkCycles,
      walkCyclesPerMiss: m.tlbMisses > 0 ? m.walkCycles / m.tlbMisses : 0,
      pwcHits: m.pwcHits,
      ntlbHits: m.ntlbHits,
    };
  }
}
