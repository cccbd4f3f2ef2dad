// Renders a bench report as the text `npm run bench` prints.
import type { BenchReport } from './harness.js';

const M = (x: number) => (x >= 1e5 ? `${(x / 1e6).toFixed(1)} M` : `${Math.round(x)}`);
const pad = (s: string, n: number) => s.padEnd(n);

/** The report as printed. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  out.push(`vmmsim bench (${r.size}): ${r.machine.node}, ${r.machine.cpu}, ${r.machine.cores} cores; medians of ${r.reps} repetitions`);
  out.push(`load average ${r.machine.loadAtStart.toFixed(1)} at start, ${r.machine.loadAtEnd.toFixed(1)} at end (the machine is shared: absolute figures move with it, ratios measured side by side much less)`);
  out.push('');
  out.push(`${pad('workload', 13)}${pad('modes', 10)}${pad('ops/run', 10)}${pad('ops/s', 12)}wall per mode (s)`);
  for (const w of r.workloads) {
    if (!w.available) {
      out.push(`${pad(w.id, 13)}not measured: ${w.missing}`);
      continue;
    }
    const walls = Object.entries(w.secondsByMode).map(([m, s]) => `${m} ${s.toFixed(3)}`).join(', ');
    out.push(`${pad(w.id, 13)}${pad(String(w.modes.length), 10)}${pad(M(w.operations), 10)}${pad(M(w.opsPerSecond), 12)}${walls}`);
    if (w.memoryAccesses > 0) out.push(`${pad('', 13)}memory accesses: ${M(w.memoryAccesses)} per run, ${M(w.accessesPerSecond)} accesses/s (a memory op is one operation holding many accesses)`);
  }
  out.push('');
  const mix = r.workloads.find((w) => w.id === 'nanobench')!;
  out.push(`nanobenchmark mix side by side (cost table of ${r.costTable.runs.length} runs exported from vmmsim's models;` +
    ` vmmsim's simulated cycles ${r.costTable.vmmsimChargedTable ? 'equal' : 'DIFFER FROM'} the table's)`);
  out.push(`  vmmsim        ${pad(M(mix.opsPerSecond), 10)} ops/s`);
  if (r.simpy.available) {
    out.push(`  SimPy model   ${pad(M(r.simpy.opsPerSecond), 10)} ops/s  (${r.simpy.version}; ${M(r.simpy.operations)} ops; charged the table: ${r.simpy.chargedTable ? 'yes' : 'NO'})`);
  } else {
    out.push(`  SimPy model   not measured: ${r.simpy.missing}`);
  }
  out.push(`  bare loop     ${pad(M(r.bareLoop.opsPerSecond), 10)} ops/s  (one addition per operation from the table)`);
  out.push(`  vmmsim/SimPy = ${r.ratios.vmmsimOverSimpy === null ? 'n/a' : `${r.ratios.vmmsimOverSimpy.toFixed(1)}×`}` +
    `   vmmsim/bare loop = ${(100 * r.ratios.vmmsimOverBareLoop).toFixed(1)}%`);
  out.push('');
  out.push(`memory: this process peak RSS ${r.peakRssMB.toFixed(0)} MB`);
  for (const l of r.longRuns) {
    if (l.error) out.push(`  long run ${l.label}: failed: ${l.error}`);
    else out.push(`  long run ${l.label}: ${l.operations.toExponential(2)} ops in ${l.wallSeconds.toFixed(1)} s, peak RSS ${l.peakRssMB.toFixed(0)} MB` +
      ` (${l.smallOperations.toExponential(0)} ops: ${l.smallPeakRssMB.toFixed(0)} MB)`);
  }
  if (r.sweep) {
    const s = r.sweep;
    if (!s.available) out.push(`sweep: not measured: ${s.missing}`);
    else if (s.error) out.push(`sweep: failed: ${s.error}`);
    else {
      out.push(`sweep (${s.points} points): --jobs 1 ${s.secondsJobs1.toFixed(2)} s, --jobs 2 ${s.secondsJobs2.toFixed(2)} s → ${s.speedup.toFixed(2)}×; results identical: ${s.identical ? 'yes' : 'NO'}`);
      if (!Number.isNaN(s.cpuSecondsJobs1)) {
        out.push(`  CPU seconds (all threads): --jobs 1 ${s.cpuSecondsJobs1.toFixed(2)}, --jobs 2 ${s.cpuSecondsJobs2.toFixed(2)}` +
          ` (wall × cores available would bound --jobs 1 / --jobs 2 by 2 × ${(s.cpuSecondsJobs1 / s.cpuSecondsJobs2).toFixed(2)} = ${((2 * s.cpuSecondsJobs1) / s.cpuSecondsJobs2).toFixed(2)}× on an idle machine)`);
      }
    }
  }
  out.push('');
  out.push('targets');
  for (const t of r.targets) out.push(`  ${t.met === null ? 'NOT MEASURED' : t.met ? 'met     ' : 'NOT MET '}  ${pad(t.target, 50)} ${t.figure}`);
  return `${out.join('\n')}\n`;
}
