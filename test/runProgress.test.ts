// `vmmsim run` progress: a line with operations, simulated seconds and an ETA
// on a terminal once a run has taken a second; nothing extra off a terminal
// or for a run shorter than a second; the results themselves unchanged.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SweepPlan } from '../src/config/sweepPlan.js';
import { plannedOps } from '../src/cli/runProgress.js';
import { formatOps, progressLine } from '../src/cli/runProgressWorker.js';
import { requireTool } from './support/tools.js';

const LONG = 'scenarios/paper/compile-win.yaml'; // 6 modes × about 49 M operations: seconds of CPU
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
/** Run `vmmsim ARGS` with a 200-column terminal (util-linux script) for stdin, stdout and stderr; returns what the terminal showed. */
const onTerminal = (...args: string[]) =>
  spawnSync('script', ['-qec', `stty cols 200; ${[process.execPath, 'dist/cli/main.js', ...args].join(' ')}`, '/dev/null'], { encoding: 'utf8' });

describe('run progress', () => {
  it('the line says the workload, mode, operations and simulated seconds of the run under way, and the ETA of the whole', () => {
    const counts = new Float64Array([1_000_000, 234_000]);
    const cycles = new Float64Array([2.8e9, 0.2e9]);
    const line = progressLine({ workload: 'forkwait', mode: 'hardware', clockGHz: 3, counts, cycles, opsBefore: 2_000_000 }, 10_000_000, 2000);
    // 3.234 M done in 2 s → 1.617 M ops/s; 6.766 M left → 5 s
    expect(line).toBe('vmmsim: 32% of about 10.0 M ops, ETA 5 s; forkwait under hardware: 1.23 M ops, 1.00 simulated s');
    // Past the count made ahead (timer ticks of a slower mode add operations): no ETA, and it says why not.
    expect(progressLine({ workload: 'forkwait', mode: 'interpreter', clockGHz: 3, counts, cycles, opsBefore: 9_000_000 }, 10_000_000, 2000))
      .toBe('vmmsim: 10.2 M ops, past the 10.0 M counted ahead, ETA unknown; forkwait under interpreter: 1.23 M ops, 1.00 simulated s');
    expect([formatOps(950), formatOps(12_345), formatOps(4_560_000), formatOps(1.2e9)]).toEqual(['950', '12.3 k', '4.56 M', '1.20 G']);
  });

  it('the planned operations count every point, replicate, workload and mode, native included', () => {
    const plan = SweepPlan.read('test/fixtures/sweep/small.yaml'); // 6 points × 2 replicates, native only; 1000 + 3000 ops
    expect(plannedOps(plan)).toBe(12 * 1 * 4000);
  });

  it('off a terminal a long run prints nothing but its results', { timeout: 60_000 }, () => {
    const r = cli('run', LONG, '--format', 'csv');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it.skipIf(requireTool('script', 'gives vmmsim run a terminal', { apt: 'bsdutils' }))('on a terminal a run longer than a second shows the progress line, then clears it before the results', { timeout: 60_000 }, () => {
    const r = onTerminal('run', LONG, '--format', 'csv');
    expect(r.status).toBe(0);
    const lines = r.stdout.split(/\r\n|\r|\n/);
    expect(lines.some((l) => /^\x1b\[Kvmmsim: (\d+% of about .* ops, ETA \d+ s|.* ops, past the .* counted ahead, ETA unknown); compile-win under (native|software|hardware|nested|interpreter|trap-and-emulate): [\d.]+( [kMG])? ops, [\d.]+ simulated s$/.test(l))).toBe(true);
    const csv = r.stdout.slice(r.stdout.lastIndexOf('\x1b[K') + 3).replace(/\r\n/g, '\n');
    expect(csv).toBe(cli('run', LONG, '--format', 'csv').stdout);
  });

  it.skipIf(requireTool('script', 'gives vmmsim run a terminal', { apt: 'bsdutils' }))('on a terminal a run shorter than a second shows no progress', () => {
    const r = onTerminal('run', 'test/fixtures/ok.yaml');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('simulated s');
    expect(r.stdout).not.toContain('\x1b[K');
  });
});
