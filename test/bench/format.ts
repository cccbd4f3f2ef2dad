// Renders a bench report as the text `npm run bench` prints: the headline
// (per operation) first, shortcuts on their own named lines, verdicts last.
import type { BenchReport } from './harness.js';
import type { TargetCheck } from './sections.js';

const M = (x: number) => (!Number.isFinite(x) ? 'n/a' : x >= 1e5 ? `${(x / 1e6).toFixed(1)} M` : `${Math.round(x)}`);
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

/** One verdict line. */
export function formatVerdict(t: TargetCheck): string {
  return `  ${t.ok === null ? 'NOT MEASURED' : t.ok ? 'met     ' : 'NOT MET '}  ${pad(t.target, 44)} ${t.measured}`;
}

/** The report as printed. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  out.push(`vmmsim bench (${r.size}): ${r.machine.node}, ${r.machine.cpu}, ${r.machine.cores} cores; medians of ${r.reps} repetitions (other entries than the headline: ${Math.min(r.reps, 3)})`);
  out.push(`vmmsim run ${r.machine.runtime}`);
  out.push(`load average ${r.machine.loadAtStart.toFixed(1)} at start, ${r.machine.loadAtEnd.toFixed(1)} at end (the machine is shared: absolute figures move with it, ratios measured side by side much less)`);
  out.push('');
  const inter = r.workloads.find((w) => w.group === 'per-op');
  const interRows = r.perOp.filter((p) => p.entry === inter?.id);
  out.push('HEADLINE: per operation (op by op: every operation charged by its mode\'s actor, no counted-run or steady-state shortcut)');
  if (inter?.available) {
    const simpy = interRows.length > 0 && r.simpy.available ? interRows.length / interRows.reduce((a, p) => a + 1 / p.simpyOpsPerSecond, 0) : NaN;
    out.push(`  ${inter.id}, ${inter.modes.length} modes: vmmsim ${M(inter.perOpRate)} ops/s; SimPy model ${r.simpy.available ? `${M(simpy)} ops/s (harmonic mean over modes) → ${(inter.perOpRate / simpy).toFixed(1)}×` : `not measured: ${r.simpy.missing}`};` +
      ` bare loop ${M(r.bareLoop.opsPerSecond)} ops/s (vmmsim ${(100 * inter.perOpRate / r.bareLoop.opsPerSecond).toFixed(1)}% of it)`);
  } else out.push(`  not measured: ${inter?.missing ?? 'no per-op entry'}`);
  out.push(`  (SimPy and the bare loop charge the costs vmmsim's actors returned for the first ${r.costRuns.cap.toLocaleString('en-US')} operations of each run, in order;` +
    ` SimPy charged them exactly: ${r.simpy.available ? (r.simpyChargedTable ? 'yes' : 'NO') : 'n/a'})`);
  if (r.simpyDrift !== null) {
    out.push(`  (SimPy is timed in each entry's own rounds, one run after each of vmmsim's, and ×SimPy is the median of the rounds' own ratios. On the same interleaved recordings SimPy ran at` +
      ` ${M(r.simpyDrift.first)} ops/s in the first entry's rounds and ${M(r.simpyDrift.last)} after the last entry: the same work, so that difference is the machine's speed moving during this run)`);
  }
  out.push('');
  out.push('per operation by entry and mode (ops/s, op by op, each entry timed in a process of its own, the SimPy model on the same costs in the same rounds; ×SimPy: median of the rounds\' ratios)');
  out.push(`  ${pad('entry', 20)}${pad('mode', 18)}${lpad('ops/run', 9)}${lpad('vmmsim', 10)}${lpad('SimPy', 9)}${lpad('×SimPy', 9)}`);
  for (const w of r.workloads) {
    if (!w.available) {
      out.push(`  ${pad(w.id, 20)}not measured: ${w.missing}`);
      continue;
    }
    for (const mode of w.modes) {
      const f = w.byMode[mode];
      const p = r.perOp.find((x) => x.entry === w.id && x.mode === mode);
      out.push(`  ${pad(w.id, 20)}${pad(mode, 18)}${lpad(M(f.operations), 9)}${lpad(M(f.perOpRate), 10)}${lpad(p ? M(p.simpyOpsPerSecond) : '-', 9)}${lpad(p?.ratio != null ? `${p.ratio.toFixed(1)}×` : '-', 9)}`);
    }
  }
  out.push('');
  out.push('SHORTCUT (not per operation): in bulk, counted runs and static loop iterations charged at once (chargeRun; iteration tapes), the clock advanced in closed form, all modes');
  for (const w of r.workloads.filter((x) => x.available)) {
    out.push(`  ${pad(w.id, 20)}op by op ${lpad(M(w.perOpRate), 8)} ops/s  →  in bulk ${lpad(M(w.bulkRate), 8)} ops/s`);
  }
  const mem = r.workloads.find((w) => w.group === 'memory' && w.available);
  if (mem) out.push(`memory streams (${mem.id}): ${M(mem.memoryAccesses)} accesses in ${M(mem.operations)} memory ops per repetition, ${M(mem.accessesPerSecond)} accesses/s`);
  out.push(`peak RSS, the largest of this process and each entry's: ${r.peakRssMB.toFixed(0)} MB`);
  for (const [, s] of Object.entries(r.sections)) {
    out.push('');
    out.push(s.title);
    for (const l of s.lines) out.push(`  ${l}`);
  }
  out.push('');
  out.push('targets');
  for (const t of r.targets) out.push(formatVerdict(t));
  return `${out.join('\n')}\n`;
}
