// Bench sections of issue 13's second half: trace replay (parse included)
// against the SimPy model's op rate, and `vmmsim predict` wall time on every
// core. Both are BenchSections (sections.ts lists them in SECTIONS).
import { predictWall, type PredictResult } from './processes.js';
import { verdict, type BenchSection } from './verdict.js';
import { measureTraceReplay, type TraceReplayResult } from './traceReplay.js';

const M = (x: number) => (x >= 1e5 ? `${(x / 1e6).toFixed(2)} M` : `${Math.round(x)}`);

const TRACE_TARGET = 'trace replay, 4 modes, parse incl. ≥ 2× SimPy';
const PREDICT_TARGET = 'vmmsim predict < 10 s wall, every core';

/** Trace replay: four modes over a random trace, parse included, against SimPy. */
export const traceSection: BenchSection = {
  id: 'trace',
  title: 'trace replay: a random trace of the seven nanobenchmark operations under four modes',
  targets: [TRACE_TARGET],
  run(ctx) {
    const r = measureTraceReplay(ctx.size, Math.min(ctx.reps, 3), ctx.simpyOpsPerSecond);
    return {
      lines: [
        `${r.lines.toLocaleString('en-US')} lines, ${r.modes.join(', ')}: four-mode run (parsed once, shared by the modes) ${r.seconds.toFixed(2)} s for ${M(r.operations)} ops → ${M(r.opsPerSecond)} ops/s` +
          (r.overSimpy === null ? '' : ` = ${r.overSimpy.toFixed(1)}× the SimPy model (${M(r.simpyOpsPerSecond!)} ops/s)`),
        `parse alone: ${r.parseSeconds.toFixed(3)} s, ${M(r.parseLinesPerSecond)} lines/s; a bare JSON.parse loop over the same lines: ${M(r.jsonParseLinesPerSecond)} lines/s`,
        `reported, no target: a trace as measured ones are (every other line a computation of its own length: ${r.distinct.distinctOperations.toLocaleString('en-US')} distinct operations), ` +
          `four-mode run ${r.distinct.seconds.toFixed(2)} s → ${M(r.distinct.opsPerSecond)} ops/s` + (r.distinct.overSimpy === null ? '' : ` = ${r.distinct.overSimpy.toFixed(1)}× the SimPy model`),
      ],
      data: r,
      targets: traceSection.judge(r),
    };
  },
  judge(data) {
    const r = data as TraceReplayResult;
    return [r.overSimpy === null
      ? verdict({ target: TRACE_TARGET, measured: 'SimPy model not measured in this run', ok: null })
      : verdict({ target: TRACE_TARGET, measured: `${r.overSimpy.toFixed(1)}× (${M(r.opsPerSecond)} vs ${M(r.simpyOpsPerSecond!)} ops/s)`, ok: r.overSimpy >= 2 })];
  },
};

/** `vmmsim predict` wall time: every paper scenario at full size; one small scenario at tiny size. */
export const predictSection: BenchSection = {
  id: 'predict',
  title: 'vmmsim predict (every paper scenario, every mode, both CPUs; tiny: 2dgraphics only)',
  targets: [PREDICT_TARGET],
  run(ctx) {
    const p = predictWall(ctx.root, ctx.size === 'full' ? null : '2dgraphics');
    const cores = p.cpuSeconds / p.wallSeconds;
    const coresText = Number.isNaN(cores) ? 'CPU seconds not measured (no GNU time)' : `${p.cpuSeconds.toFixed(1)} CPU s, ${cores.toFixed(2)} cores busy of ${p.threads}`;
    return { lines: p.error ? [`failed: ${p.error}`] : [`vmmsim ${p.args.join(' ')}: ${p.wallSeconds.toFixed(1)} s wall, ${coresText}`], data: { ...p, size: ctx.size }, targets: predictSection.judge({ ...p, size: ctx.size }) };
  },
  judge(data) {
    const p = data as PredictResult & { size: string };
    const cores = p.cpuSeconds / p.wallSeconds;
    const measured = p.error ?? `${p.wallSeconds.toFixed(1)} s wall${Number.isNaN(cores) ? '' : `, ${cores.toFixed(2)} cores busy`}`;
    return [verdict({ target: PREDICT_TARGET, measured, ok: p.error || p.size !== 'full' ? null : p.wallSeconds < 10 })];
  },
};
