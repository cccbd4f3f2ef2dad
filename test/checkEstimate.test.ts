// `vmmsim check` estimates the run time from short timed samples: one line,
// labelled ESTIMATE, finite, larger for a longer workload; none for traces;
// none at all with --no-estimate. The samples are shortened copies.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadScenario, opsPerRun } from '../src/config/load.js';
import { estimateWallTime, scaleWorkload } from '../src/run/estimateWallTime.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
const MIX = 'test/fixtures/sweep/small.yaml'; // workload "mix": syscall, pgfault, compute per iteration

describe('check: run-time estimate', () => {
  it('prints the estimate after the summary, and nothing but the summary with --no-estimate', () => {
    const r = cli('check', 'scenarios/examples/walkthrough.yaml');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/: ok — scenario "walkthrough"/);
    expect(lines[1]).toMatch(/^estimated run time: about [\d.,]+ s on one thread for 484 k operations \(ESTIMATE: each workload × mode timed just now on a short sample, scaled to its length\)$/);
    expect(cli('check', 'scenarios/examples/walkthrough.yaml', '--no-estimate').stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('says a trace is not estimated', () => {
    expect(cli('check', 'scenarios/examples/trace.yaml').stdout).toMatch(/^estimated run time: not estimated; not included: jsonl, csv \(a trace, or no loop to shorten\)$/m);
  });

  it('a sample is the workload with its repeats scaled down, at least one each', () => {
    const w = loadScenario(MIX).workloads[1];
    expect(opsPerRun(w)).toBe(3000);
    expect(opsPerRun(scaleWorkload(w, 0.01))).toBe(30);
    expect(opsPerRun(scaleWorkload(w, 1e-9))).toBe(3);
  });

  it('a workload a thousand times longer is estimated to take longer, and every estimate is finite', () => {
    // A CR3 load in the loop: a loop of static operations alone goes at once in bulk, a thousand times longer or not.
    const short = estimateWallTime(loadScenario(MIX, { set: ['workloads.1.repeat=1000', 'workloads.1.ops.1=cr3write'] }));
    const long = estimateWallTime(loadScenario(MIX, { set: ['workloads.1.repeat=1000000', 'workloads.1.ops.1=cr3write'] }));
    for (const e of [short, long]) expect(Number.isFinite(e.seconds) && e.seconds > 0).toBe(true);
    expect(long.operations - short.operations).toBe(3 * 999_000);
    expect(long.seconds).toBeGreaterThan(short.seconds);
  }, 60_000);
});
