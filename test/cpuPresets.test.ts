// CPU presets: switching the CPU changes exactly the parameters that differ
// between the model files, and exit-related costs follow Table 1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario, modelNames, type LoadedScenario } from '../src/config/load.js';
import { DEFAULT_MODELS_DIR } from '../src/config/load.js';
import { runScenario } from '../src/run/runScenario.js';
import { ExitPathShape } from '../src/vmm/exitPath.js';
import { cpuModel, vmmParams } from './support/models.js';

/** Leaf paths whose values differ between two plain objects. */
function diffPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  return a === b ? [] : [prefix];
}

const file = 'scenarios/paper/nanobench.yaml';
const raw = (name: string) => parse(readFileSync(`${DEFAULT_MODELS_DIR}/cpu/${name}.yaml`, 'utf8')) as unknown;

/** The scenario cut down to one workload under native and hardware, to keep the test fast. */
const only = (l: LoadedScenario, workload: string): LoadedScenario => ({
  ...l,
  scenario: { ...l.scenario, vmms: ['native', 'hardware'] },
  workloads: l.workloads.filter((w) => w.name === workload).map((w) => ({ ...w, repeat: 1000 })),
});

describe('--set cpu=core2', () => {
  const p4 = loadScenario(file);
  const c2 = loadScenario(file, { set: ['cpu=core2'] });

  it('changes exactly the CPU parameters that differ between pentium4.yaml and core2.yaml, and no VMM parameter', () => {
    const expected = diffPaths(raw('pentium4'), raw('core2')).sort();
    expect(diffPaths(p4.cpu, c2.cpu).sort()).toEqual(expected);
    expect(expected).toContain('vmx.vmExitCycles');
    expect(c2.vmmParams).toEqual(p4.vmmParams);
  });

  it('prices hardware exits with Table 1: exit 1186, entry 937, vmread 52, vmwrite 44 cycles', () => {
    const rec = runScenario(only(c2, 'ptemod'), { components: true }).find((r) => r.workload === 'ptemod' && r.vmm === 'hardware')!;
    const perIter = (name: string) => rec.components![name].cycles / rec.metrics.iterations;
    expect(rec.metrics.exits).toBe(rec.metrics.iterations);
    expect(perIter('vmExit')).toBe(1186);
    expect(perIter('vmEntry')).toBe(937);
    expect(perIter('vmread')).toBe(10 * 52);
    expect(perIter('vmwrite')).toBe(44);
  });

  it('scales VMM software costs by the CPU\'s vmmCodeCyclesScale and leaves the Pentium 4 unscaled', () => {
    const hw = vmmParams('hardware') as { exitHandlerCycles: number };
    const comp = (s: LoadedScenario) =>
      runScenario(only(s, 'in'), { components: true }).find((r) => r.vmm === 'hardware')!.components!.exitHandler.cycles / 1000;
    expect(comp(p4)).toBe(hw.exitHandlerCycles);
    expect(comp(c2)).toBeCloseTo(hw.exitHandlerCycles * cpuModel('core2').vmmCodeCyclesScale, 6);
  });
});

describe('CPU presets', () => {
  it('every CPU model file loads and validates', () => {
    for (const name of modelNames(DEFAULT_MODELS_DIR, 'cpu')) expect(cpuModel(name).name).toBe(name);
  });

  it('later generations reproduce the exit paper\'s VM round trip as exit + entry', () => {
    const roundTrip: Record<string, number> = { penryn: 1266, nehalem: 1009, westmere: 761, sandybridge: 784 };
    for (const [name, cycles] of Object.entries(roundTrip)) {
      const v = cpuModel(name).vmx;
      expect(v.vmExitCycles + v.vmEntryCycles).toBe(cycles);
      expect(v.vmExitCycles).toBeGreaterThan(v.vmEntryCycles); // Table 1's Core 2 split: exit is the larger part
    }
  });

  it('nested.yaml copies the exit path of hardware.yaml exactly', () => {
    const hw = vmmParams('hardware') as Record<string, unknown>;
    const nested = vmmParams('nested') as Record<string, unknown>;
    for (const key of Object.keys(ExitPathShape)) expect([key, nested[key]]).toEqual([key, hw[key]]);
  });
});
