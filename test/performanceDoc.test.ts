// docs/performance.md ("Trace replay, sweeps and predict on threads") and
// docs/workloads.md ("Trace files") state limits and options of the code:
// they must say what the code does.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEPT_POINTS } from '../src/config/sweepPlan.js';
import { MIN_RUN_ITERATIONS } from '../src/vmm/iterationTapes.js';
import { MAX_SHARED_SHAPE_BYTES, MAX_SHARED_TRACE_LINES, STREAM_WINDOW_LINES } from '../src/workload/traceProgram.js';
import { TraceWindow } from '../src/workload/traceWindow.js';
import { ShapeTable } from '../src/workload/traceShapes.js';

/** Text with every run of white space (line breaks included) as one space. */
const flat = (t: string) => t.replace(/\s+/g, ' ');
const perf = flat(readFileSync('docs/performance.md', 'utf8'));
const section = perf.slice(perf.indexOf('## Trace replay, sweeps and `predict` on threads'));
const workloads = flat(readFileSync('docs/workloads.md', 'utf8'));
const n = (x: number) => x.toLocaleString('en-US');

describe('docs on trace replay and threads', () => {
  it('state the trace sizes held whole and streamed, as the code has them', () => {
    for (const doc of [section, workloads]) {
      expect(doc).toContain(`${n(MAX_SHARED_TRACE_LINES)} operation lines`);
      expect(doc).toContain(`windows of ${n(STREAM_WINDOW_LINES)} lines`);
      expect(doc).toContain(`distinct operations take more than ${n(MAX_SHARED_SHAPE_BYTES)} bytes held`);
      expect(doc).toContain('a computation takes 41 bytes');
      expect(doc).toContain('16 bytes a line');
    }
  });

  it('a computation takes 41 bytes held, and the bound holds 3.3 million of them', () => {
    const t = new ShapeTable();
    t.intern({ op: 'compute', count: 1, cycles: 5, mode: 'user' });
    expect(t.bytes).toBe(41);
    expect(Math.round(MAX_SHARED_SHAPE_BYTES / 41 / 1e5) / 10).toBe(3.3); // 3,273,603: "3.3 million" in the docs
    for (const doc of [section, workloads]) expect(doc).toContain('3.3 million');
  });

  it('16 bytes a line is what a window holds per line with timestamps and switches', () => {
    const w = new TraceWindow(8);
    w.push(1, 0, 5, 2);
    expect(w.shape.BYTES_PER_ELEMENT + w.tNs!.BYTES_PER_ELEMENT + w.switchTo!.BYTES_PER_ELEMENT).toBe(16);
  });

  it('states how many validated sweep points are kept', () => {
    expect(section).toContain(`A sweep of up to ${KEPT_POINTS} points`);
  });

  it('predict --help offers the --jobs the page describes', () => {
    const help = spawnSync(process.execPath, ['dist/cli/main.js', 'predict', '--help'], { encoding: 'utf8' }).stdout;
    expect(help).toMatch(/-j, --jobs <n>/);
    expect(section).toContain('`--jobs`, default every core');
  });

  it('states below how many loop iterations a run is added copy by copy, as the code has it', () => {
    expect(perf).toContain(`A run of fewer than ${MIN_RUN_ITERATIONS} such iterations (\`MIN_RUN_ITERATIONS\`)`);
  });

  it('the bench files the bench README names exist', () => {
    const readme = readFileSync('test/bench/README.md', 'utf8');
    for (const f of ['traceReplay.ts', 'extraSections.ts', 'processes.ts']) {
      expect(readme).toContain(`\`${f}\``);
      expect(existsSync(`test/bench/${f}`)).toBe(true);
    }
  });
});
