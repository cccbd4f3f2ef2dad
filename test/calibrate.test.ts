// Calibration from a measured native time: it sets the plain computation per
// iteration and nothing else.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/load.js';
import { runScenario } from '../src/run/runScenario.js';

describe('calibrate', () => {
  it('adds computation so the native run takes exactly the measured time', () => {
    const [r] = runScenario(loadScenario('test/fixtures/calibrate.yaml'));
    expect(r.seconds).toBeCloseTo(0.01, 12);
    // 0.01 s × 3.8 GHz = 38,000,000 cycles; the operations take 1000 × (243 + 3) natively.
    expect(r.breakdown.compute?.cycles).toBeCloseTo(38_000_000 - 1000 * 246, 3);
    expect(r.breakdown.syscall?.cycles).toBe(243_000);
  });

  it('counts TLB misses and memory streams at what the MMU model charges them natively', () => {
    const set = [
      'workloads.0.ops=[syscall, {op: tlbMiss, count: 20, workingSetBytes: 536870912}, {op: memory, accesses: 500, workingSetBytes: 8388608}]',
    ];
    const [r] = runScenario(loadScenario('test/fixtures/calibrate.yaml', { set }));
    // Walks in a 512 MiB working set and a stream over 8 MiB are a good part of the measured time here, so
    // leaving them out would overshoot it by about that; a counted miss is priced exactly, a stream to
    // within its steady state.
    expect((r.breakdown.tlbmiss?.cycles ?? 0) / 38_000_000).toBeGreaterThan(0.05);
    expect(r.seconds).toBeGreaterThan(0.01 * 0.999);
    expect(r.seconds).toBeLessThan(0.01 * 1.001);
  });

  it('is an input error for a CPU without a measured time, naming the key', () => {
    expect(() => loadScenario('test/fixtures/calibrate.yaml', { set: ['cpu=core2'] })).toThrow(
      /calibrate\.yaml:\d+:\d+: workloads\[0\]\.calibrate\.seconds: no measured native time for cpu "core2"/,
    );
  });

  it('is an input error when the operations alone exceed the measured time', () => {
    expect(() => loadScenario('test/fixtures/calibrate.yaml', { set: ['workloads.0.calibrate.seconds.pentium4=0.00001'] })).toThrow(
      /no computation is left to calibrate$/,
    );
  });

  it('names the --set of the clock when a slowed clock leaves no computation, the last one given', () => {
    // At 2 MHz forkwait's operations take longer than its measured 6.02 s: the line is right, the flag is what changed.
    const set = ['cpu.clockGHz=0.001', 'cpu.clockGHz=0.002'];
    expect(() => loadScenario('scenarios/paper/forkwait.yaml', { set })).toThrow(
      /^scenarios\/paper\/forkwait\.yaml:\d+:\d+: workloads\[0\]\.processes\[0\]\.calibrate\.seconds\.pentium4: the operations alone take longer natively than the measured 6\.02 s on pentium4 at 0\.002 GHz; no computation is left to calibrate \(cpu\.clockGHz is set by --set cpu\.clockGHz=0\.002\)$/,
    );
  });
});
