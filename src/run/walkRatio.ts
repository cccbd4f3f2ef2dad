// The 2D-walk paper's headline comparison: the mean latency of a
// two-dimensional walk as a multiple of a native walk, per workload, each
// measured in steady state through the translation model alone.
import { InputError } from '../config/errors.js';
import type { LoadedScenario } from '../config/load.js';
import { translationRun, type TranslationResult } from './translationRun.js';

/**
 * Native TLB misses per 100,000 instructions of the 2D-walk paper's suites
 * (Bhargava et al., ASPLOS 2008; models/reference/published.yaml): calibration data that the
 * committed streams were fitted to, printed beside what the model produces.
 */
export const PAPER_TLB_MISSES_PER_100K: Readonly<Record<string, number>> = {
  MiscServer: 294.3,
  WebServer: 129.0,
  JavaServer: 257.0,
  'SPECint-2006': 70.4,
  'SPECfp-2006': 18.2,
};

/** One workload's walk comparison. */
export interface WalkRatioRow {
  workload: string;
  /** The paper's native misses per 100K instructions for a workload of this name, if any. */
  paperMissesPer100K: number | null;
  native: TranslationResult;
  nested: TranslationResult;
  /** nested.meanWalkCycles / native.meanWalkCycles. */
  ratio: number;
}

/** Native and nested translation runs of every workload of `loaded` (one warm-up pass of the body first). */
export function walkRatios(loaded: LoadedScenario): WalkRatioRow[] {
  const { cpu, scenario } = loaded;
  return loaded.workloads.map((w, i) => {
    const native = translationRun(cpu.mmu, 'native', w, scenario.seed, true);
    // A ratio needs native walks: a workload without memory streams, or whose accesses all hit the TLB, has none (and 0/0 is no result).
    if (!(native.meanWalkCycles > 0)) {
      throw new InputError(`workload "${w.name}" makes no page walks natively (no memory op, or every access hits the TLB), so it has no walk ratio; expected workloads of memory streams (op: memory) over more pages than the TLB holds`, loaded.workloadOrigins[i], ['workloads', i]);
    }
    const nested = translationRun(cpu.mmu, 'nested', w, scenario.seed, true);
    return {
      workload: w.name,
      paperMissesPer100K: Object.hasOwn(PAPER_TLB_MISSES_PER_100K, w.name) ? PAPER_TLB_MISSES_PER_100K[w.name] : null,
      native,
      nested,
      ratio: nested.meanWalkCycles / native.meanWalkCycles,
    };
  });
}
