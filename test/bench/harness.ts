// `npm run bench` in one function: times vmmsim on every bench entry op by op
// (the per-operation path: the headline) and in bulk (counted runs and loop iterations at once: a
// shortcut, reported on its own line), each entry in a process of its own with the SimPy model timed
// in the same rounds on the costs vmmsim charged it (recorded by another process first), and after
// interleaved the bare loop on them; then the sections that need processes of their own; and
// judges every target in a verdict line.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntryOutput } from './entryProcess.js';
import type { CostRun, WorkloadResult } from './measure.js';
import { MAX_REPS, MIN_TIMED_SECONDS } from './repetitions.js';
import { bareLoop, simpyModel, type BareLoopResult, type SimpyResult, type SimpyRun } from './references.js';
import { median, type ModeFigures } from './measure.js';
import { SECTIONS, verdict, type BenchSize, type TargetCheck } from './sections.js';
import { BENCH_DIR, REPO_ROOT } from './paths.js';
import type { EntryModeFigures } from './verdict.js';
import { BENCH_WORKLOADS, type BenchWorkload } from './workloads.js';

export { BENCH_DIR, REPO_ROOT };
/** This module's directory: test/bench, or build/bench when compiled. */
const HERE = dirname(fileURLToPath(import.meta.url));
/** Node's arguments for an entry process: the compiled entryProcess.js beside a compiled harness, in plain Node as `vmmsim` runs; from the sources, entryProcess.ts through tsx. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
export const ENTRY_PROCESS = FROM_SOURCES ? ['--import', 'tsx', join(HERE, 'entryProcess.ts')] : [join(HERE, 'entryProcess.js')];
/** How vmmsim was run for the figures timed in the bench's own processes (the report says it). */
const RUNTIME = FROM_SOURCES
  ? 'through tsx, from the sources (its loader slows vmmsim by up to a third: not measurements; test/bench/README.md)'
  : 'plain Node, dist/ as `vmmsim` runs';

/** Options of {@link runBench}. */
export interface BenchOptions {
  size: BenchSize;
  /** Timed repetitions of each in-process measurement (medians are reported). */
  reps: number;
  /** Skip the sections after the entries (long runs, the sweep, trace replay, predict, the MMU against Python); entries always run in a process each. */
  inProcessOnly?: boolean;
}

/** vmmsim op by op against the SimPy model on the same recorded costs, one (entry, mode). */
export interface PerOpComparison {
  entry: string;
  mode: string;
  /** Medians of each side's runs. */
  vmmsimOpsPerSecond: number;
  simpyOpsPerSecond: number;
  /** vmmsim / SimPy: the median of the rounds' own ratios (both timed in the same round, see pairing.ts); null without SimPy. */
  ratio: number | null;
}

/** Everything one bench run measured. */
export interface BenchReport {
  size: BenchSize;
  reps: number;
  /** Load averages (1 min) when the bench started and ended: the machine is shared, and figures move with them. */
  machine: { node: string; cpu: string; cores: number; loadAtStart: number; loadAtEnd: number; runtime: string };
  workloads: WorkloadResult[];
  /** The costs recorded from vmmsim's actors (first operations of each run) that the references charge. */
  costRuns: { runs: number; operations: number; cap: number };
  bareLoop: BareLoopResult;
  simpy: Omit<SimpyResult, 'runs'>;
  /**
   * The SimPy model's rate on the interleaved recordings right after that
   * entry's timing (the headline's), and again on the same recordings after
   * the last entry (null without SimPy). The same work twice: the difference
   * is this machine's speed moving while the bench ran, which each entry's
   * ratio (rates measured back to back) mostly cancels.
   */
  simpyDrift: { first: number; last: number } | null;
  /** The SimPy model charged every recorded cost run exactly (its end times equal the runs' sums). */
  simpyChargedTable: boolean;
  perOp: PerOpComparison[];
  peakRssMB: number;
  sections: Record<string, { title: string; lines: string[]; data: unknown }>;
  targets: TargetCheck[];
}

/** Operations recorded per (entry, mode) for the references: SimPy's rate does not depend on run length. */
const RECORD_CAP = { full: 20_000, tiny: 2_000 };
const PER_OP_TARGET = 30;
const ACCESSES_TARGET = 10e6;

/** Run the whole benchmark. */
export function runBench(options: BenchOptions): BenchReport {
  const { size, reps } = options;
  const loadAtStart = loadavg()[0];
  const simpyReps = Math.min(reps, 3);
  const recorded: CostRun[] = [];
  const simpyRuns: SimpyRun[] = [];
  let simpyInfo: Omit<SimpyResult, 'runs'> | null = null;
  /** The SimPy model on `runs`, now; once it has failed it is not tried again. */
  const simpyOn = (runs: readonly CostRun[]): SimpyRun[] | null => {
    if (runs.length === 0 || simpyInfo?.available === false) return null;
    const { runs: out, ...info } = simpyModel(BENCH_DIR, runs, simpyReps, MIN_TIMED_SECONDS[size], MAX_REPS);
    simpyInfo = info.available ? (simpyInfo ?? info) : info;
    return info.available ? out : null;
  };
  let bare: BareLoopResult | null = null;
  let entryRss = 0;
  // The headline entry gets every repetition; the others at least 3 (the bench already runs for minutes).
  // SimPy is timed in the entry's own rounds: this machine's speed moves by up to 2× within seconds, and a
  // ratio of two rates measured apart carries that move (test/bench/README.md, "SimPy in the same rounds").
  let pairedInfo: Omit<SimpyResult, 'runs'> | null = null;
  const workloads = BENCH_WORKLOADS.map((w) => {
    const references = w.group !== 'memory' && w.group !== 'system';
    const entryReps = w.group === 'per-op' ? reps : simpyReps;
    if (!references) {
      const { result, peakRssMB } = measureApart(w, size, entryReps, 0);
      entryRss = Math.max(entryRss, peakRssMB);
      return result!;
    }
    const runs = measureApart(w, size, 0, RECORD_CAP[size]).runs;
    const { result, simpy: paired, peakRssMB } = measureApart(w, size, entryReps, 0, runs);
    entryRss = Math.max(entryRss, peakRssMB);
    recorded.push(...runs);
    if (paired !== undefined && runs.length > 0) {
      const { chargedTable, ...info } = paired;
      pairedInfo = info.available ? (pairedInfo ?? info) : info;
      if (info.available) runs.forEach((run, k) => simpyRuns.push(pairedRun(run, result!.byMode[run.mode], chargedTable[k])));
    }
    if (w.id === 'interleaved') bare = bareLoop(runs, reps);
    return result!;
  });
  bare ??= bareLoop([], reps);
  const simpy: SimpyResult = { ...(pairedInfo ?? { available: false, missing: 'no entry was recorded for the SimPy model' }), runs: simpyRuns };
  const perOp = compare(workloads, recorded, simpy);
  // SimPy on the interleaved recordings (all modes: operations over summed seconds), measured when asked.
  const interleaved = recorded.filter((r) => r.entry === 'interleaved');
  const overall = (sp: readonly SimpyRun[]) => sp.reduce((a, x) => a + x.operations, 0) / sp.reduce((a, x) => a + x.operations / x.opsPerSecond, 0);
  const simpyOpsPerSecond = (): number | null => {
    const sp = simpyOn(interleaved);
    return sp === null ? null : overall(sp);
  };
  const firstInterleaved = simpy.runs.filter((r) => r.entry === 'interleaved');
  const lastInterleaved = firstInterleaved.length > 0 ? simpyOpsPerSecond() : null;
  const simpyDrift = lastInterleaved !== null ? { first: overall(firstInterleaved), last: lastInterleaved } : null;
  const entry = (id: string): EntryModeFigures[] | null => {
    const w = workloads.find((x) => x.id === id);
    const rows = perOp.filter((p) => p.entry === id && p.ratio !== null && p.simpyOpsPerSecond > 0);
    if (w === undefined || rows.length === 0) return null;
    return rows.map((p) => {
      const m = w.byMode[p.mode];
      return { mode: p.mode, vmmsimOpsPerSecond: p.vmmsimOpsPerSecond, simpyOpsPerSecond: p.simpyOpsPerSecond, accessesPerOp: m && m.operations > 0 ? m.accesses / m.operations : 0 };
    });
  };
  const sections: BenchReport['sections'] = {};
  const sectionTargets: TargetCheck[] = [];
  if (!options.inProcessOnly) {
    // A section that compares with SimPy measures it when it asks, beside its own timing.
    for (const s of SECTIONS) {
      const r = s.run({ root: REPO_ROOT, size, reps, simpyOpsPerSecond, entry });
      sections[s.id] = { title: s.title, lines: r.lines, data: r.data };
      sectionTargets.push(...r.targets);
    }
  }
  const { runs: _runs, ...simpyReport } = simpy;
  const report: BenchReport = {
    size,
    reps,
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadAtStart, loadAtEnd: loadavg()[0], runtime: RUNTIME },
    workloads,
    costRuns: { runs: recorded.length, operations: recorded.reduce((a, r) => a + r.count, 0), cap: RECORD_CAP[size] },
    bareLoop: bare,
    simpy: simpyReport,
    simpyDrift,
    simpyChargedTable: simpy.available && simpy.runs.every((r) => r.chargedTable),
    perOp,
    peakRssMB: Math.max(entryRss, process.resourceUsage().maxRSS / 1024),
    sections,
    targets: [],
  };
  report.targets = [...checkTargets(report), ...sectionTargets];
  return report;
}

/**
 * One process of an entry (entryProcess.ts), as `vmmsim run` runs a
 * scenario, with nothing timed before it in that process: it times the entry
 * (`reps` > 0), records `cap` operations of each of its modes for the
 * references (`cap` > 0), and with `recorded` times the SimPy model on those
 * costs in the same rounds as vmmsim.
 */
function measureApart(entry: BenchWorkload, size: BenchSize, reps: number, cap: number, recorded?: readonly CostRun[]): EntryOutput {
  const args = [...ENTRY_PROCESS, entry.id, size, String(reps), String(cap), ...(recorded ? ['--pair'] : [])];
  const p = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 28, input: recorded ? JSON.stringify(recorded) : '' });
  if (p.status !== 0) {
    const why = p.error?.message ?? `exit status ${p.status ?? p.signal}: ${p.stderr.trim().split('\n').slice(-6).join('\n')}`;
    throw new Error(`bench entry ${entry.id}: its process failed (${why})`);
  }
  return JSON.parse(p.stdout) as EntryOutput;
}

/** SimPy's figures on `run`, timed in the rounds of `fig` (vmmsim's mode): its median rate, and the median of the rounds' ratios. */
export function pairedRun(run: CostRun, fig: ModeFigures, chargedTable: boolean): SimpyRun {
  const partner = fig.partnerRuns ?? [];
  const ratios = partner.map((s, r) => fig.operations / fig.perOpRuns[r] / (run.count / s));
  return { entry: run.entry, mode: run.mode, operations: run.count, opsPerSecond: run.count / median(partner), chargedTable, ratio: median(ratios) };
}

/** Pair every (entry, mode)'s op-by-op rate with the SimPy model's rate on the costs recorded from it. */
function compare(workloads: readonly WorkloadResult[], recorded: readonly CostRun[], simpy: SimpyResult): PerOpComparison[] {
  const out: PerOpComparison[] = [];
  for (const r of recorded) {
    const fig = workloads.find((x) => x.id === r.entry)?.byMode[r.mode];
    if (fig === undefined) continue;
    const sp = simpy.available ? simpy.runs.find((x) => x.entry === r.entry && x.mode === r.mode) : undefined;
    out.push({ entry: r.entry, mode: r.mode, vmmsimOpsPerSecond: fig.perOpRate, simpyOpsPerSecond: sp?.opsPerSecond ?? NaN, ratio: sp?.ratio ?? null });
  }
  return out;
}

const M = (x: number) => `${(x / 1e6).toFixed(1)} M`;

/** The per-entry targets, judged on this report (sections judge their own). */
export function checkTargets(r: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const perOp = (entries: readonly WorkloadResult[], target: string): TargetCheck => {
    const missing = entries.find((w) => !w.available);
    const rows = r.perOp.filter((p) => entries.some((w) => w.id === p.entry));
    if (entries.length === 0) return verdict({ target, measured: 'no such bench entry', ok: null });
    if (missing) return verdict({ target, measured: `${missing.id}: ${missing.missing ?? 'not measured'}`, ok: null });
    if (!r.simpy.available) return verdict({ target, measured: r.simpy.missing ?? 'SimPy not measured', ok: null });
    if (rows.length === 0) return verdict({ target, measured: 'no costs recorded', ok: null });
    const worst = rows.reduce((a, b) => (b.ratio! < a.ratio! ? b : a));
    const met = rows.filter((p) => p.ratio! >= PER_OP_TARGET).length;
    const where = entries.length > 1 ? `${worst.entry} ` : '';
    return verdict({
      target,
      measured: `worst ${where}${worst.mode} ${worst.ratio!.toFixed(1)}× (${M(worst.vmmsimOpsPerSecond)} vs ${M(worst.simpyOpsPerSecond)} ops/s); ${met} of ${rows.length} (entry, mode) met`,
      ok: met === rows.length,
    });
  };
  checks.push(perOp(r.workloads.filter((w) => w.group === 'per-op'), `per op ≥ ${PER_OP_TARGET}× SimPy: interleaved`));
  checks.push(perOp(r.workloads.filter((w) => w.group === 'paper'), `per op ≥ ${PER_OP_TARGET}× SimPy: every paper scenario`));
  const mem = r.workloads.find((w) => w.group === 'memory');
  const memTarget = `memory streams ≥ ${M(ACCESSES_TARGET)} accesses/s`;
  checks.push(mem?.available
    ? verdict({ target: memTarget, measured: `${M(mem.accessesPerSecond)} accesses/s`, ok: mem.accessesPerSecond >= ACCESSES_TARGET })
    : verdict({ target: memTarget, measured: mem?.missing ?? 'no memory bench entry', ok: null }));
  const agree = r.workloads.every((w) => w.pathsAgree);
  checks.push(verdict({ target: 'op by op = in bulk (cycles)', measured: agree ? 'identical, every entry and mode' : 'DIFFERENT', ok: agree }));
  return checks;
}
