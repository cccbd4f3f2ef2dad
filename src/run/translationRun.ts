// Runs a workload through the address-translation model alone: memory
// streams and CR3 writes go to one MMU in a given translation mode, every
// other operation is ignored. This isolates walk cost from everything else a
// mode charges (the 2D-walk paper's comparison of walk latencies).
import type { CompiledWorkload } from '../config/load.js';
import { Rng } from '../engine/rng.js';
import { StreamCursor } from '../mmu/memoryStream.js';
import { Mmu, type MmuMetrics, type TranslationMode } from '../mmu/mmu.js';
import type { MmuModel } from '../mmu/mmuSchema.js';
import { OpCursor } from '../workload/stream.js';

/** What a translation-only run measured. */
export interface TranslationResult extends MmuMetrics {
  walks: number;
  /** Mean cycles of one page walk (walkCycles / walks; 0 without walks). */
  meanWalkCycles: number;
  /** TLB misses per 100,000 instructions. */
  missesPer100KInstructions: number;
}

/**
 * Run `workload`'s memory streams through an MMU of `model` in `mode`,
 * seeded by `seed`. With `warmup`, the body runs once first and only the
 * `repeat` iterations after it are measured, so the figures are steady-state
 * (cold TLBs and caches would otherwise inflate misses and cheapen walks).
 */
export function translationRun(model: MmuModel, mode: TranslationMode, workload: CompiledWorkload, seed: number, warmup = false): TranslationResult {
  const mmu = new Mmu(model, mode);
  const rng = new Rng(seed);
  const cursors = new Map<number, StreamCursor>();
  let before: MmuMetrics & { walks: number } = { ...mmu.metrics(), walks: 0 };
  if (warmup) {
    drive(mmu, new OpCursor(workload.body, 1), cursors, rng);
    before = { ...mmu.metrics(), walks: mmu.walker.walks };
  }
  drive(mmu, new OpCursor(workload.body, workload.repeat), cursors, rng);
  const after = mmu.metrics();
  const d = (k: keyof MmuMetrics) => after[k] - before[k];
  const m: MmuMetrics = {
    accesses: d('accesses'), instructions: d('instructions'), tlbMisses: d('tlbMisses'), walkReferences: d('walkReferences'),
    walkCycles: d('walkCycles'), pwcHits: d('pwcHits'), ntlbHits: d('ntlbHits'),
  };
  const walks = mmu.walker.walks - before.walks;
  return {
    ...m,
    walks,
    meanWalkCycles: walks > 0 ? m.walkCycles / walks : 0,
    missesPer100KInstructions: m.instructions > 0 ? (1e5 * m.tlbMisses) / m.instructions : 0,
  };
}

function drive(mmu: Mmu, ops: OpCursor, cursors: Map<number, StreamCursor>, rng: Rng): void {
  for (let op = ops.next(); op !== null; op = ops.next()) {
    if (op.kind === 'cr3write') mmu.cr3Write(op.asid);
    if (op.kind !== 'memory') continue;
    let cursor = cursors.get(op.site);
    if (cursor === undefined) cursors.set(op.site, (cursor = new StreamCursor()));
    mmu.run(op.stream, cursor, op.accesses, op.accessesPerInstruction, rng);
  }
}
