// Bench sections of issue 13's second half: trace replay (parse included)
// against the SimPy model's op rate, `vmmsim predict` wall time on every
// core, and the sweep speed-up target. Each section returns its printed
// lines, its JSON and its verdicts (the shape of the bench's other sections).
import { predictWall, type PredictResult, type SweepResult } from './processes.js';
import { measureTraceReplay, type TraceReplayResult } from './traceReplay.js';

/** One target and whether this run met it; `ok` null: not measured in this run (`measured` says why). */
export interface ExtraTarget {
  target: string;
  measured: string;
  ok: boolean | null;
}

/** What the extra sections are given: the bench size and figures measured earlier in the same run. */
export interface ExtraContext {
  root: string;
  size: 'full' | 'tiny';
  reps: number;
  /** The SimPy model's op rate in this run (null: not measured). */
  simpyOpsPerSecond: number | null;
  /** The sweep measured earlier in this run (null: not run). */
  sweep: SweepResult | null;
  /** Skip sections that start processes of their own. */
  inProcessOnly?: boolean;
}

/** A section's result. */
export interface ExtraSectionResult {
  id: string;
  title: string;
  lines: string[];
  data: TraceReplayResult | PredictResult | SweepResult | null;
  targets: ExtraTarget[];
}

const M = (x: number) => (x >= 1e5 ? `${(x / 1e6).toFixed(2)} M` : `${Math.round(x)}`);

/** Trace replay: four modes over a random trace, parse included, against SimPy. */
export function traceReplaySection(ctx: ExtraContext): ExtraSectionResult {
  const r = measureTraceReplay(ctx.size, ctx.reps, ctx.simpyOpsPerSecond);
  const target = 'trace replay, 4 modes, parse included ≥ 2× the SimPy model';
  return {
    id: 'trace',
    title: `trace replay: ${r.lines.toLocaleString('en-US')}-line random trace of the seven nanobenchmark operations, ${r.modes.join(', ')}`,
    lines: [
      `four-mode run (parsed once, shared by the modes): ${r.seconds.toFixed(2)} s for ${M(r.operations)} ops → ${M(r.opsPerSecond)} ops/s` +
        (r.overSimpy === null ? '' : ` = ${r.overSimpy.toFixed(1)}× the SimPy model (${M(r.simpyOpsPerSecond!)} ops/s)`),
      `parse alone: ${r.parseSeconds.toFixed(3)} s, ${M(r.parseLinesPerSecond)} lines/s; a bare JSON.parse loop over the same lines: ${M(r.jsonParseLinesPerSecond)} lines/s`,
    ],
    data: r,
    targets: [r.overSimpy === null
      ? { target, measured: 'SimPy model not measured in this run', ok: null }
      : { target, measured: `${r.overSimpy.toFixed(1)}× (${M(r.opsPerSecond)} vs ${M(r.simpyOpsPerSecond!)} ops/s)`, ok: r.overSimpy >= 2 }],
  };
}

/** `vmmsim predict` wall time: every paper scenario at full size; one small scenario at tiny size. */
export function predictSection(ctx: ExtraContext): ExtraSectionResult {
  const target = 'vmmsim predict < 10 s wall, on every core';
  if (ctx.inProcessOnly) return { id: 'predict', title: 'vmmsim predict', lines: ['not run (in-process only)'], data: null, targets: [{ target, measured: 'not run', ok: null }] };
  const p = predictWall(ctx.root, ctx.size === 'full' ? null : '2dgraphics');
  const cores = p.cpuSeconds / p.wallSeconds;
  const coresText = Number.isNaN(cores) ? 'CPU seconds not measured (no GNU time)' : `${p.cpuSeconds.toFixed(1)} CPU s, ${cores.toFixed(2)} cores busy of ${p.threads}`;
  const lines = p.error ? [`failed: ${p.error}`] : [`vmmsim ${p.args.join(' ')}: ${p.wallSeconds.toFixed(1)} s wall, ${coresText}`];
  const measured = p.error ?? `${p.wallSeconds.toFixed(1)} s wall${Number.isNaN(cores) ? '' : `, ${cores.toFixed(2)} cores busy`}`;
  return {
    id: 'predict',
    title: `vmmsim predict (${ctx.size === 'full' ? 'every paper scenario' : 'tiny: 2dgraphics only'}, every mode, both CPUs)`,
    lines,
    data: p,
    targets: [{ target, measured, ok: p.error || ctx.size !== 'full' ? null : p.wallSeconds < 10 }],
  };
}

/** The sweep target of issue 13 on the sweep the bench already ran. */
export function sweepSection(ctx: ExtraContext): ExtraSectionResult {
  const s = ctx.sweep;
  const target = 'sweep --jobs 2 ≥ 1.8× --jobs 1, identical results';
  const measured = !s ? 'not run' : !s.available ? s.missing ?? 'not measured' : s.error ?? `${s.speedup.toFixed(2)}× on ${s.points} points; identical: ${s.identical ? 'yes' : 'NO'}`;
  const ok = !s || !s.available || s.error ? null : s.speedup >= 1.8 && s.identical;
  return { id: 'sweep-1.8', title: 'sweep --jobs 2 vs --jobs 1 (measured above)', lines: [], data: s, targets: [{ target, measured, ok }] };
}

/** Every extra section, in report order. */
export function runExtraSections(ctx: ExtraContext): ExtraSectionResult[] {
  return [traceReplaySection(ctx), predictSection(ctx), sweepSection(ctx)];
}

/** The sections as printed after the bench's own report. */
export function formatExtraSections(results: readonly ExtraSectionResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.lines.length) {
      out.push('', r.title);
      for (const l of r.lines) out.push(`  ${l}`);
    }
  }
  out.push('', 'targets (trace replay, predict, sweep)');
  for (const r of results) for (const t of r.targets) out.push(`  ${t.ok === null ? 'NOT MEASURED' : t.ok ? 'met     ' : 'NOT MET '}  ${t.target.padEnd(50)} ${t.measured}`);
  return `${out.join('\n')}\n`;
}
