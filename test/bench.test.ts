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
import { mmuRefSection, TRANSLATIONS, type MmuRefResult } from './bench/mmuRef.js';
import { SIMPY_PYTHON } from './bench/references.js';
import { requireTool } from './support/tools.js';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import type { EntryOutput } from './bench/entryProcess.js';

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
    // The example (compile-win over CPU points) is timed too, reported beside the judged sweep.
    const example = (r.data as { example: SweepResult }).example;
    expect(example.error).toBeUndefined();
    expect(example.identical).toBe(true);
    expect(r.lines.join('\n')).toMatch(/the issue's example, compile-win over 2 CPU points \(reported; .*results identical: yes/);
    expect(r.targets).toHaveLength(1);
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
    // Reported beside it: a trace whose every other line is a distinct computation (500 of them, and the seven operations).
    expect(data.distinct.distinctOperations).toBe(TRACE_LINES.tiny / 2 + 7);
    expect(data.distinct.operations).toBe(4 * TRACE_LINES.tiny);
    expect(data.distinct.overSimpy).toBe(data.distinct.opsPerSecond);
    expect(r.lines[2]).toMatch(/^reported, no target: .* 507 distinct operations\), four-mode run \d+\.\d\d s → .* ops\/s = [\d.]+× the SimPy model$/);
  });

  it('times vmmsim predict in its own process; the 10 s target is judged at full size only', () => {
    const r = predictSection.run({ root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: () => null });
    expect((r.data as { error?: string }).error).toBeUndefined();
    expect(r.lines[0]).toMatch(/^vmmsim predict --no-write --scenarios 2dgraphics: \d+\.\d s wall/);
    expect(r.targets[0].ok).toBeNull();
    expect(formatVerdict(r.targets[0])).toMatch(/NOT MEASURED {2}vmmsim predict < 10 s wall/);
  });
});

describe('npm run bench, the MMU model in Python (mmu-ref section)', () => {
  // The Python side must do vmmsim's work, not a cheaper version of it: fed the uniform draws vmmsim's stream
  // made, it must give the same walk cycles, TLB misses, walk references and L2 hits, access for access.
  const noPython = requireTool('python3', "runs test/bench/mmuRef.py, the bench's Python MMU", { apt: 'python3', probe: [SIMPY_PYTHON, '-c', 'import collections'] });
  it.skipIf(noPython)('mmuRef.py is the same model: the same draws give vmmsim\'s cycles and counts, in every translation mode and walk-cache design', async () => {
    const { loadScenario } = await import('../src/config/load.js');
    const { Mmu } = await import('../src/mmu/mmu.js');
    const { StreamCursor } = await import('../src/mmu/memoryStream.js');
    const loaded = loadScenario(`${REPO_ROOT}/scenarios/paper/largeram.yaml`);
    // 1 GB: its leaf page-table lines (2 MB) overflow the 512 KB L2, so walk references hit and miss it;
    // 48 KB between them: data that mostly hits L1D (64 KB), which keeps it from refreshing its lines in L2.
    const stream = (workingSetBytes: number, region: number) => ({ workingSetBytes, pattern: 'uniform' as const, strideBytes: 64, hotSetBytes: 0, hotFraction: 0, pageSize: '4K' as const, region });
    const streams = [0, 1, 2, 3, 4, 5].flatMap(() => [[stream(48 * 1024, 2), 900], [stream(2 ** 30, 1), 1500]] as const);
    for (const design of ['none', '2D_PWC+NT'] as const) {
      const model = { ...loaded.cpu.mmu, pwc: { ...loaded.cpu.mmu.pwc, design } };
      for (const mode of TRANSLATIONS) {
        let seed = 12345;
        const uniforms: number[] = [];
        const rng = { next: () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; const u = seed / 2 ** 32; uniforms.push(u); return u; } };
        const mmu = new Mmu(model, mode);
        const cursors = [new StreamCursor(), new StreamCursor()];
        let cycles = 0;
        streams.forEach(([spec, n], k) => (cycles += mmu.run(spec, cursors[k % 2], n, 1, rng as never)));
        const py = spawnSync(SIMPY_PYTHON, [`${REPO_ROOT}/test/bench/mmuRef.py`], { input: JSON.stringify({ model, mode, streams, uniforms }), encoding: 'utf8' });
        expect(py.stderr).toBe('');
        const out = JSON.parse(py.stdout) as { cycles: number; misses: number; refs: number; l2Hits: number; walkCycles: number; l1dHits: number; l2Lines: number[]; l1dLines: number[] };
        const w = mmu.walker;
        expect({ design, mode, cycles: out.cycles, misses: out.misses, refs: out.refs, l2Hits: out.l2Hits, walkCycles: out.walkCycles })
          .toEqual({ design, mode, cycles, misses: mmu.tlbMisses, refs: w.walkReferences, l2Hits: w.l2Hits, walkCycles: w.walkCycles });
        // The caches end holding the same lines: both are full, and vmmsim's holds every line Python's does.
        for (const [name, lines, cache] of [['L2', out.l2Lines, w.l2], ['L1D', out.l1dLines, (w as unknown as { l1d: typeof w.l2 }).l1d]] as const) {
          expect({ name, held: lines.length }).toEqual({ name, held: cache.entries });
          expect({ name, missing: lines.filter((line) => !cache.contains(line)).length }).toEqual({ name, missing: 0 });
        }
        // What is compared exercises the model: walks, walk references that hit and miss L2, data that hits L1D.
        expect(mmu.tlbMisses).toBeGreaterThan(1000);
        expect(w.l2Hits).toBeGreaterThan(0);
        expect(w.l2Hits).toBeLessThan(w.walkReferences - w.pwcHits);
        expect(out.l1dHits).toBeGreaterThan(500);
      }
    }
  });

  it.skipIf(noPython)('reports ns per access on both sides and, given the largeram entry, largeram against a peer that simulates its accesses', () => {
    const r = mmuRefSection.run({
      root: REPO_ROOT, size: 'tiny', reps: 1, simpyOpsPerSecond: () => null,
      entry: (id) => (id === 'largeram'
        ? [{ mode: 'hardware', vmmsimOpsPerSecond: 2e6, simpyOpsPerSecond: 1e6, accessesPerOp: 0.5 }, { mode: 'interpreter', vmmsimOpsPerSecond: 2e6, simpyOpsPerSecond: 1e6, accessesPerOp: 0.5 }]
        : null),
    });
    const data = r.data as MmuRefResult;
    expect(data.available).toBe(true);
    if (!data.available) return;
    expect(data.modes.map((m) => m.mode)).toEqual(['native', 'shadow', 'nested']);
    for (const m of data.modes) expect(m.ratio).toBeCloseTo(m.pythonNs / m.vmmsimNs, 10);
    // Each mode's accesses at the Python time of the translation its MMU does: shadow paging for hardware, native for the interpreter (a software TLB refilled by native walks).
    const implied = (translation: string) => ((1 / 1e6 + (0.5 * data.modes.find((m) => m.mode === translation)!.pythonNs) / 1e9) * 2e6).toFixed(1);
    expect(r.lines.join('\n')).toContain(`hardware          ${implied('shadow')}× (the SimPy model alone, from the same medians: 2.0×)`);
    expect(r.lines.join('\n')).toContain(`interpreter       ${implied('native')}× (the SimPy model alone, from the same medians: 2.0×)`);
    expect(r.targets).toEqual([]);
  });
});

describe('npm run bench, compiled as its script runs it', () => {
  it('compiles into build/bench, whose entry processes run in plain Node on dist/, with no loader', async () => {
    const tsc = spawnSync(process.execPath, [`${REPO_ROOT}/node_modules/typescript/bin/tsc`, '-p', 'test/bench/tsconfig.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const compiled = (await import(pathToFileURL(`${REPO_ROOT}/build/bench/harness.js`).href)) as typeof import('./bench/harness.js');
    expect(compiled.ENTRY_PROCESS).toEqual([`${REPO_ROOT}/build/bench/entryProcess.js`]);
    const p = spawnSync(process.execPath, [...compiled.ENTRY_PROCESS, 'interleaved', 'tiny', '1', '0'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout) as EntryOutput;
    expect(out.execArgv).toEqual([]);
    expect(out.result?.perOpRate).toBeGreaterThan(0);
  });
});

describe('npm run bench flags', () => {
  // The entry runs nothing before its flags are checked, so each case takes the time of loading tsx.
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', `${REPO_ROOT}/test/bench/main.ts`, ...args], { encoding: 'utf8', cwd: REPO_ROOT });

  it('--help prints the usage and runs nothing', () => {
    const r = bench('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run -s bench -- \[--json\] \[--tiny\] \[--reps N\] \[--in-process\]/);
    for (const flag of ['--json', '--tiny', '--reps N', '--in-process']) expect(r.stdout).toContain(flag);
  });

  it.each([
    [['--jsn'], /Unknown option '--jsn'/],
    [['--reps'], /--reps/],
    [['--reps', '0'], /--reps needs a whole number ≥ 1, not '0'/],
    [['--reps', '2.5'], /not '2\.5'/],
    [['--reps', '1e3'], /not '1e3'/],
    [['tiny'], /Unexpected argument 'tiny'/],
  ])('refuses %j with one line on stderr and status 2, before running anything', (args, message) => {
    const r = bench(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
