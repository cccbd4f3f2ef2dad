// Scenario-level checks: VMM parameters reach the actors through --set
// vmm.MODE.KEY, and the adaptive-BT amortization shows in cycles per iteration.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/load.js';
import { runScenario } from '../src/run/runScenario.js';

const cell = (file: string, set: string[], workload: string, vmm: string) =>
  runScenario(loadScenario(file, { set })).find((r) => r.workload === workload && r.vmm === vmm)!;

describe('VMM parameters in scenarios', () => {
  it('a short ptemod run shows the trap price and a long one the adapted price', () => {
    const short = cell('scenarios/paper/nanobench.yaml', ['workloads.6.repeat=10', 'vmms=[software]'], 'ptemod', 'software');
    const long = cell('scenarios/paper/nanobench.yaml', ['vmms=[software]'], 'ptemod', 'software');
    expect(short.metrics.cyclesPerIteration).toBe(2205);
    expect(long.metrics.cyclesPerIteration).toBeCloseTo(391, 0);
  });

  it('--set vmm.software.adaptThreshold moves the point where the price drops', () => {
    const r = cell('scenarios/paper/nanobench.yaml', ['workloads.6.repeat=10', 'vmms=[software]', 'vmm.software.adaptThreshold=1'], 'ptemod', 'software');
    expect(r.metrics.cyclesPerIteration).toBeLessThan(2205);
    expect(r.metrics.retranslations).toBe(1);
  });

  it('--set vmm.hardware.shadowCache trades context-switch refills against cache size', () => {
    const file = 'scenarios/examples/shadow-tradeoff.yaml';
    const base = ['workloads.0.repeat=50', 'vmms=[hardware]'];
    const small = cell(file, [...base, 'vmm.hardware.shadowCache=2'], 'roundrobin', 'hardware');
    const big = cell(file, [...base, 'vmm.hardware.shadowCache=8'], 'roundrobin', 'hardware');
    expect(small.breakdown.hiddenpf!.count).toBeGreaterThan(10 * big.breakdown.hiddenpf!.count);
    expect(small.metrics.shadowEvictions).toBeGreaterThan(0);
    expect(big.metrics.shadowEvictions).toBe(0);
  });

  it('--set vmm.hardware.tracePolicy=unsynced turns trace faults into native stores and hidden faults', () => {
    const file = 'scenarios/examples/shadow-tradeoff.yaml';
    const base = ['workloads.0.repeat=50', 'vmms=[hardware]'];
    const traced = cell(file, base, 'roundrobin', 'hardware');
    const unsynced = cell(file, [...base, 'vmm.hardware.tracePolicy=unsynced'], 'roundrobin', 'hardware');
    expect(traced.metrics.traceFaults).toBeGreaterThan(0);
    expect(unsynced.metrics.traceFaults).toBe(0);
    expect(unsynced.breakdown.ptemod!.cycles).toBe(unsynced.breakdown.ptemod!.count);
    expect(unsynced.breakdown.hiddenpf!.count).toBeGreaterThan(traced.breakdown.hiddenpf!.count);
  });
});
