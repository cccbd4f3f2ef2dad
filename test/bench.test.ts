// Proves the benchmark harness works, in its tiny mode: every figure is
// produced and consistent. No timing is asserted (the machine is shared).
import { describe, expect, it } from 'vitest';
import { formatReport, formatVerdict } from './bench/format.js';
import { REPO_ROOT, pairedRun, runBench } from './bench/harness.js';
import { tableCycles } from './bench/measure.js';
import { existsSync } from 'node:fs';
import { longRun, pairedSpeedup, type SweepResult } from './bench/processes.js';
import { SECTIONS, verdict } from './bench/sections.js';
import { BENCH_WORKLOADS } from './bench/workloads.js';
import { predictSection, traceSection } from './bench/extraSections.js';
import { TRACE_LINES, type TraceReplayResult } from './bench/traceReplay.js';

describe('npm run bench (tiny mode)', () => {
  const report = runBench({ size: 'tiny', reps: 1, inProcessOnly: true });

  it('times every bench entry whose scenario exists, op by op and with counted runs in bulk, under its modes', () => {
    const inter = report.workloads.find((w) => w.id === 'interleaved')!;
    expect(inter.available).toBe(true);
    expect(inter.operations).toBe(7 * 100 * inter.modes.length);
    expect(inter.perOpRate).toBeGreaterThan(0);
    expect(inter.bulkRate).toBeGreaterThan(0);
    for (const w of report.workloads) if (!w.available) expect(w.missing).toMatch(/not on this checkout/);
    expect(report.workloads.every((w) => w.pathsAgree)).toBe(true);
  });

  it('benches every paper scenario', async () => {
    const { readdirSync } = await import('node:fs');
    const paper = readdirSync(`${REPO_ROOT}/scenarios/paper`).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/paper/${f}`);
    expect(BENCH_WORKLOADS.filter((w) => w.group === 'paper').map((w) => w.scenario).sort()).toEqual(paper.sort());
  });

  it('the memory streams report the accesses their memory ops simulated, not just their ops', () => {
    const mem = report.workloads.find((w) => w.group === 'memory')!;
    expect(mem.available).toBe(true);
    expect(mem.memoryAccesses).toBeGreaterThan(mem.operations);
    expect(mem.accessesPerSecond).toBeGreaterThan(0);
  });

  it('the bare loop and the SimPy model charge the costs vmmsim charged, per entry and mode', () => {
    expect(report.perOp.length).toBeGreaterThan(report.workloads.filter((w) => w.group === 'paper').length);
    expect(report.bareLoop.operations).toBe(7 * 100 * report.workloads[0].modes.length);
    if (report.simpy.available) {
      expect(report.simpyChargedTable).toBe(true);
      for (const p of report.perOp) expect(p.ratio).toBeGreaterThan(0);
    } else expect(report.simpy.missing).toMatch(/python3-simpy3/);
  });

  it('measures the SimPy model beside each entry, and its drift on the same interleaved recordings at the start and the end', () => {
    if (!report.simpy.available) {
      expect(report.simpyDrift).toBeNull();
      return;
    }
    expect(report.perOp.every((p) => p.simpyOpsPerSecond > 0)).toBe(true);
    expect(report.simpyDrift!.first).toBeGreaterThan(0);
    expect(report.simpyDrift!.last).toBeGreaterThan(0);
    expect(formatReport(report)).toMatch(/SimPy ran at [\d.]+ (M )?ops\/s in the first entry's rounds and [\d.]+ (M )?after the last entry/);
  });

  it('a recorded cost run sums to the simulated cycles of a single stream (the recording is what the run charged)', async () => {
    const { costTable } = await import('./bench/measure.js');
    const entry = BENCH_WORKLOADS.find((w) => w.id === 'interleaved')!;
    const runs = costTable(REPO_ROOT, entry, 'tiny', 1e6);
    const inter = report.workloads.find((w) => w.id === 'interleaved')!;
    for (const r of runs) {
      expect(r.whole).toBe(true);
      expect(tableCycles(r)).toBe(inter.byMode[r.mode].cycles[0]);
    }
  });

  it('prints the per-operation headline first, shortcuts on their own named line, and a verdict for every target', () => {
    const text = formatReport(report);
    expect(text.indexOf('HEADLINE: per operation')).toBeLessThan(text.indexOf('SHORTCUT (not per operation)'));
    expect(text).toMatch(/bare loop [\d.]+ M ops\/s/);
    expect(report.targets.map((t) => t.target)).toEqual(expect.arrayContaining(['per op ≥ 30× SimPy: interleaved', 'per op ≥ 30× SimPy: every paper scenario']));
    const paper = report.targets.find((t) => t.target.endsWith('every paper scenario'))!;
    const pairs = report.perOp.filter((p) => report.workloads.find((w) => w.id === p.entry)?.group === 'paper').length;
    if (report.simpy.available) expect(paper.measured).toMatch(new RegExp(`of ${pairs} \\(entry, mode\\) met`));
    expect(report.targets.some((t) => /memory streams/.test(t.target))).toBe(true);
    expect(JSON.parse(JSON.stringify(report)).targets).toEqual(report.targets);
    expect(formatVerdict(verdict({ target: 't', measured: 'm', ok: null }))).toMatch(/NOT MEASURED\s+t\s+m/);
  });

  it("the README's Performance section pastes a verdict line for every target the bench judges, and nothing else", async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(`${REPO_ROOT}/README.md`, 'utf8');
    const section = /^## Performance\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const pasted = block.split('\n').filter((l) => /^ {2}(met|NOT MET|NOT MEASURED)\s/.test(l));
    const judged = [...report.targets.map((t) => t.target), ...SECTIONS.flatMap((s) => s.targets)];
    expect(pasted).toHaveLength(judged.length);
    for (const target of judged) expect(pasted.some((l) => l.includes(` ${target} `))).toBe(true);
    expect(section).toContain('docs/performance.md');
  });

  it('the sweep section runs --jobs 1 and --jobs 2 on the built CLI, with identical results, and says how busy other processes kept the machine', () => {
    const sweep = SECTIONS.find((sec) => sec.id === 'sweep')!;
    const r = sweep.run({ root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: () => 1 });
    const data = r.data as SweepResult;
    expect(data.error).toBeUndefined();
    expect(data.identical).toBe(true);
    expect(data.speedup).toBeGreaterThan(0);
    if (existsSync('/proc/stat') && existsSync('/usr/bin/time')) {
      expect(data.otherCores).toBeGreaterThanOrEqual(0);
      expect(r.lines.join('\n')).toMatch(/other processes kept [\d.]+ cores busy/);
    }
  });

  it("×SimPy is the median of the rounds' own ratios (each round times vmmsim, then SimPy), not a ratio of the two medians", () => {
    // vmmsim at 100, 50, 25 ops/s in three rounds, SimPy at 5, 2.5, 10 in the same rounds: the rounds' ratios are 20, 20
    // and 2.5 (median 20); the medians' ratio (50 / 5 = 10) would divide rates of different rounds.
    const fig = { operations: 100, accesses: 0, perOpSeconds: 2, bulkSeconds: 1, perOpRate: 50, bulkRate: 100, cycles: [1], perOpRuns: [1, 2, 4], partnerRuns: [2, 4, 1] };
    const run = { entry: 'e', mode: 'native', segments: [{ cost: 1, count: 10, category: 'compute' }], count: 10, whole: true };
    const sp = pairedRun(run, fig, true);
    expect(sp.ratio).toBe(20);
    expect(sp.opsPerSecond).toBe(5);
  });

  it('the sweep speed-up is the median of each repetition\'s own ratio, never a run of one repetition over a run of another', () => {
    // A machine that slows from one repetition to the next: the repetitions' own ratios are 2, 1.67 and 2.14,
    // their median 2; the ratio of the two medians (20 / 12 = 1.67) would divide runs of different repetitions.
    expect(pairedSpeedup([10, 20, 30], [5, 12, 14])).toBe(2);
    expect(pairedSpeedup([9], [6])).toBe(1.5);
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
    const r = traceSection.run({ root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: () => 1 });
    const data = r.data as TraceReplayResult;
    expect(data.lines).toBe(TRACE_LINES.tiny);
    expect(data.operations).toBe(4 * TRACE_LINES.tiny); // one operation a line, four modes
    expect(data.overSimpy).toBe(data.opsPerSecond);
    expect(r.targets[0].ok).toBe(data.opsPerSecond >= 2);
    expect(data.parseLinesPerSecond).toBeGreaterThan(0);
  });

  it('times vmmsim predict in its own process; the 10 s target is judged at full size only', () => {
    const r = predictSection.run({ root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: () => null });
    expect((r.data as { error?: string }).error).toBeUndefined();
    expect(r.lines[0]).toMatch(/^vmmsim predict --no-write --scenarios 2dgraphics: \d+\.\d s wall/);
    expect(r.targets[0].ok).toBeNull();
    expect(formatVerdict(r.targets[0])).toMatch(/NOT MEASURED {2}vmmsim predict < 10 s wall/);
  });
});
