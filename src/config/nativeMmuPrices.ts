// Native prices of the operations the MMU model prices, for calibration: a
// scenario's plain computation is sized so the native run takes the measured
// time, and that needs what its TLB misses and memory streams cost natively.
// Counted misses cost their site's probe price exactly as the native actor
// charges them; a memory stream is run on a scratch native MMU (its cost
// depends on what ran before, so a caller warms it with one pass first).
import { Rng } from '../engine/rng.js';
import { Mmu } from '../mmu/mmu.js';
import { StreamCursor } from '../mmu/memoryStream.js';
import { MissPrices } from '../mmu/missPrice.js';
import type { CpuModel } from '../vmm/cpu.js';
import { nativeCycles } from '../vmm/native.js';
import type { Op } from '../workload/ops.js';

/** Seed of the scratch MMU's address draws: fixed, so calibration depends on the scenario and models only. */
const CALIBRATION_SEED = 0x63616c; // "cal"

/** Native cycles of one operation, with TLB misses and memory streams priced by the MMU model. */
export class NativeMmuPrices {
  private readonly misses: MissPrices;
  private readonly mmu: Mmu;
  private readonly rng = new Rng(CALIBRATION_SEED);
  private readonly cursors = new Map<number, StreamCursor>();

  constructor(private readonly cpu: CpuModel) {
    this.misses = new MissPrices(cpu.mmu, 'native');
    this.mmu = new Mmu(cpu.mmu, 'native');
  }

  /** Native cycles of `op`; a memory op runs its accesses on the scratch MMU (so repeated calls see a warm TLB). */
  cycles(op: Op): number {
    if (op.kind === 'tlbMiss') return this.misses.cycles(op);
    if (op.kind !== 'memory') return nativeCycles(this.cpu, op);
    let cursor = this.cursors.get(op.site);
    if (cursor === undefined) {
      cursor = new StreamCursor();
      this.cursors.set(op.site, cursor);
    }
    return this.mmu.run(op.stream, cursor, op.accesses, op.accessesPerInstruction, this.rng);
  }
}
