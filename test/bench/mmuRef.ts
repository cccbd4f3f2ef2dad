// The MMU model against the same model in Python (mmuRef.py): what a memory
// access costs vmmsim and a peer that does the same work. The SimPy model
// charges a `memory` operation the one number vmmsim recorded for it, while
// vmmsim simulates each of its accesses (largeram: 4,096 an operation); this
// section measures the accesses on both sides, so the largeram pairs can be
// read against a peer that simulates them too. Reported, not a target: the
// per-operation target is judged against the SimPy model as it stands.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadScenario } from '../../dist/config/load.js';
import { Rng } from '../../dist/engine/rng.js';
import type { MemoryStreamSpec } from '../../dist/mmu/memoryStream.js';
import { StreamCursor } from '../../dist/mmu/memoryStream.js';
import { Mmu, type TranslationMode } from '../../dist/mmu/mmu.js';
import type { MmuModel } from '../../dist/mmu/mmuSchema.js';
import type { MemoryOp } from '../../dist/workload/ops.js';
import { MODES } from '../../dist/vmm/registry.js';
import { BENCH_DIR, REPO_ROOT } from './paths.js';
import { SIMPY_PYTHON } from './references.js';
import { median } from './measure.js';
import type { BenchSection, BenchSize } from './verdict.js';

/** Accesses a timed stream makes, and timed streams per side (vmmsim: twice, before and after Python's). */
const SIZE: Record<BenchSize, { accesses: number; jsReps: number; pyReps: number }> = {
  full: { accesses: 4096 * 25, jsReps: 5, pyReps: 3 },
  tiny: { accesses: 4096, jsReps: 2, pyReps: 1 },
};

export const TRANSLATIONS: readonly TranslationMode[] = ['native', 'shadow', 'nested'];

/** One translation mode: ns per access on each side, and what the accesses did (to show both did the same work). */
export interface MmuRefMode {
  mode: TranslationMode;
  vmmsimNs: number;
  pythonNs: number;
  /** pythonNs / vmmsimNs. */
  ratio: number;
  vmmsim: { missesPerAccess: number; refsPerAccess: number; l2HitFraction: number };
  python: { missesPerAccess: number; refsPerAccess: number; l2HitFraction: number };
}

export type MmuRefResult = { available: true; scenario: string; accesses: number; modes: MmuRefMode[] } | { available: false; missing: string };

/** largeram's memory stream and its CPU's MMU, as the scenario loads them (the first `memory` operation found in its compiled workload). */
function largeramStream(): { model: MmuModel; spec: MemoryStreamSpec } {
  const loaded = loadScenario(join(REPO_ROOT, 'scenarios/paper/largeram.yaml'));
  const seen = new Set<object>();
  const find = (x: unknown): MemoryOp | null => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return null;
    seen.add(x);
    if ((x as { kind?: unknown }).kind === 'memory' && 'stream' in x) return x as MemoryOp;
    for (const v of Object.values(x)) {
      const found = find(v);
      if (found !== null) return found;
    }
    return null;
  };
  const op = find(loaded.workloads);
  if (op === null) throw new Error('bench: scenarios/paper/largeram.yaml has no memory operation');
  return { model: loaded.cpu.mmu, spec: op.stream };
}

/** Measure each translation mode on both sides. */
export function measureMmuRef(size: BenchSize): MmuRefResult {
  const { model, spec } = largeramStream();
  const { accesses, jsReps, pyReps } = SIZE[size];
  const modes: MmuRefMode[] = [];
  for (const mode of TRANSLATIONS) {
    const mmu = new Mmu(model, mode);
    const rng = new Rng(1);
    const cursor = new StreamCursor();
    const stream = () => {
      const t0 = process.hrtime.bigint();
      mmu.run(spec, cursor, accesses, 1, rng);
      return Number(process.hrtime.bigint() - t0) / accesses;
    };
    for (let k = 0; k < 2; k++) stream(); // warm-up
    const before = { misses: mmu.tlbMisses, refs: mmu.walker.walkReferences, l2: mmu.walker.l2Hits, accesses: mmu.accesses };
    const js: number[] = [];
    for (let k = 0; k < jsReps; k++) js.push(stream());
    const py = spawnSync(SIMPY_PYTHON, [join(BENCH_DIR, 'mmuRef.py')], {
      input: JSON.stringify({ model, spec, mode, accesses, reps: pyReps }),
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (py.status !== 0) return { available: false, missing: `mmuRef.py did not run (${py.error?.message ?? py.stderr.trim().split('\n').slice(-3).join(' ')})` };
    const out = JSON.parse(py.stdout) as { seconds: number[]; accesses: number; misses: number; refs: number; l2Hits: number };
    for (let k = 0; k < jsReps; k++) js.push(stream());
    const n = mmu.accesses - before.accesses;
    const refs = mmu.walker.walkReferences - before.refs;
    const vmmsimNs = median(js);
    const pythonNs = (median(out.seconds) * 1e9) / out.accesses;
    modes.push({
      mode,
      vmmsimNs,
      pythonNs,
      ratio: pythonNs / vmmsimNs,
      vmmsim: { missesPerAccess: (mmu.tlbMisses - before.misses) / n, refsPerAccess: refs / n, l2HitFraction: refs > 0 ? (mmu.walker.l2Hits - before.l2) / refs : 0 },
      python: { missesPerAccess: out.misses / out.accesses, refsPerAccess: out.refs / out.accesses, l2HitFraction: out.refs > 0 ? out.l2Hits / out.refs : 0 },
    });
  }
  return { available: true, scenario: 'scenarios/paper/largeram.yaml', accesses, modes };
}

const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

/** The section: reported lines only (no target judges it). */
export const mmuRefSection: BenchSection = {
  id: 'mmu-ref',
  title: 'the MMU model against the same model in Python (largeram\'s memory stream; reported, not a target)',
  targets: [],
  run(ctx) {
    const r = measureMmuRef(ctx.size);
    if (!r.available) return { lines: [`not measured: ${r.missing}`], data: r, targets: [] };
    const lines = [`${r.accesses.toLocaleString('en-US')} accesses a stream, uniform over largeram's 4 MB block; vmmsim's MMU (dist/mmu/, built from src/mmu/) and test/bench/mmuRef.py, the same model in Python, alternated`];
    for (const m of r.modes) {
      lines.push(`  ${m.mode.padEnd(7)} vmmsim ${m.vmmsimNs.toFixed(0).padStart(5)} ns/access, Python ${m.pythonNs.toFixed(0).padStart(6)} ns → ${m.ratio.toFixed(1)}×` +
        `  (TLB misses/access ${f3(m.vmmsim.missesPerAccess)} vs ${f3(m.python.missesPerAccess)}, walk refs ${f2(m.vmmsim.refsPerAccess)} vs ${f2(m.python.refsPerAccess)}, L2 hits/ref ${f3(m.vmmsim.l2HitFraction)} vs ${f3(m.python.l2HitFraction)})`);
    }
    const implied = ctx.entry?.('largeram');
    if (implied) {
      lines.push('  largeram per op against a peer that also simulates its accesses (the SimPy model\'s seconds an op from the entry, plus its accesses an op at Python\'s ns/access above; vmmsim op by op from the entry):');
      for (const e of implied) {
        const py = r.modes.find((m) => m.mode === MODES[e.mode].translation)!;
        const peer = 1 / e.simpyOpsPerSecond + (e.accessesPerOp * py.pythonNs) / 1e9;
        lines.push(`    ${e.mode.padEnd(17)} ${(peer * e.vmmsimOpsPerSecond).toFixed(1)}× (the SimPy model alone, from the same medians: ${(e.vmmsimOpsPerSecond / e.simpyOpsPerSecond).toFixed(1)}×)`);
      }
    }
    return { lines, data: r, targets: [] };
  },
  judge() {
    return [];
  },
};
