// Proves the benchmark harness works, in its tiny mode: every figure is
// produced and consistent. No timing is asserted (the machine is shared).
import { describe, expect, it } from 'vitest';
import { formatReport } from './bench/format.js';
import { REPO_ROOT, runBench } from './bench/harness.js';
import { longRun } from './bench/processes.js';
import { formatExtraSections, runExtraSections } from './bench/extraSections.js';
import { TRACE_LINES, type TraceReplayResult } from './bench/traceReplay.js';

describe('npm run bench (tiny mode)', () => {
  const report = runBench({ size: 'tiny', reps: 1, inProcessOnly: true });

  it('times every bench workload whose scenario exists, under every registered mode', () => {
    const mix = report.workloads.find((w) => w.id === 'nanobench')!;
    expect(mix.available).toBe(true);
    expect(mix.operations).toBe(7 * 1000 * mix.modes.length);
    expect(mix.opsPerSecond).toBeGreaterThan(0);
    for (const w of report.workloads) if (!w.available) expect(w.missing).toMatch(/not on this checkout/);
  });

  it('the memory-heavy stream reports the accesses its memory ops simulated, not just its ops', () => {
    const tlb = report.workloads.find((w) => w.id === 'tlb-stream')!;
    expect(tlb.available).toBe(true);
    expect(tlb.memoryAccesses).toBeGreaterThan(tlb.operations);
    expect(tlb.accessesPerSecond).toBeGreaterThan(0);
  });

  it('the bare loop and the SimPy model charge the cost table vmmsim charges', () => {
    expect(report.costTable.runs.length).toBe(7 * report.workloads[0].modes.length);
    expect(report.costTable.vmmsimChargedTable).toBe(true);
    expect(report.bareLoop.cycles).toBe(report.costTable.runs.reduce((t, r) => t + r.segments.reduce((u, s) => u + s.cost * s.count, 0), 0));
    expect(report.costTable.runs.some((r) => r.segments.length > 1)).toBe(true); // adaptive BT: a PTE store gets cheaper
    if (report.simpy.available) expect(report.simpy.chargedTable).toBe(true);
    else expect(report.simpy.missing).toMatch(/python3-simpy3/);
  });

  it('prints ratios and a verdict for every target', () => {
    const text = formatReport(report);
    expect(text).toMatch(/vmmsim\/bare loop = \d/);
    expect(report.targets.map((t) => t.target)).toHaveLength(7);
    expect(JSON.parse(JSON.stringify(report)).targets).toEqual(report.targets);
  });

  it('a long run reports operations and peak RSS from its own process', () => {
    const r = longRun(REPO_ROOT, 'tiny', 'scenarios/default.yaml', 7, 1, 7000, 700);
    expect(r.error).toBeUndefined();
    expect(r.operations).toBe(7000);
    expect(r.peakRssMB).toBeGreaterThan(10);
  });
});

describe('npm run bench, trace replay and predict sections (tiny)', () => {
  it('replays the random trace under four modes with its parse, and judges it against the SimPy rate it is given', () => {
    const [trace] = runExtraSections({ root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: 1, sweep: null, inProcessOnly: true });
    const r = trace.data as TraceReplayResult;
    expect(r.lines).toBe(TRACE_LINES.tiny);
    expect(r.operations).toBe(4 * TRACE_LINES.tiny); // one operation a line, four modes
    expect(r.overSimpy).toBe(r.opsPerSecond);
    expect(trace.targets[0].ok).toBe(r.opsPerSecond >= 2);
    expect(r.parseLinesPerSecond).toBeGreaterThan(0);
  });

  it('times vmmsim predict in its own process and says whether the sweep met its target', () => {
    const [, predict, sweep] = runExtraSections({ root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: null, sweep: null });
    expect((predict.data as { error?: string }).error).toBeUndefined();
    expect(predict.lines[0]).toMatch(/^vmmsim predict --no-write --scenarios 2dgraphics: \d+\.\d s wall/);
    expect(predict.targets[0].ok).toBeNull(); // the 10 s target is judged at full size only
    expect(sweep.targets[0]).toEqual({ target: 'sweep --jobs 2 ≥ 1.8× --jobs 1, identical results', measured: 'not run', ok: null });
    expect(formatExtraSections([predict, sweep])).toMatch(/NOT MEASURED {2}vmmsim predict < 10 s wall/);
  });
});
