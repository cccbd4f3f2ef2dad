// VMM software costs convert from Pentium 4 cycles by the CPU's scale;
// counts, policies and port lists do not.
import { describe, expect, it } from 'vitest';
import { cpuModel, vmmParams } from '../../test/support/models.js';
import { isCyclesKey, scaleVmmCycles } from './vmmCycles.js';

describe('scaleVmmCycles', () => {
  it('scales exactly the cycles-valued parameters', () => {
    const core2 = cpuModel('core2');
    const p = vmmParams('software') as Record<string, unknown>;
    const s = scaleVmmCycles(p, core2) as Record<string, unknown>;
    for (const [k, v] of Object.entries(p)) {
      if (isCyclesKey(k)) expect([k, s[k]]).toEqual([k, (v as number) * core2.vmmCodeCyclesScale]);
      else expect([k, s[k]]).toEqual([k, v]);
    }
    expect(isCyclesKey('translateCyclesPerInstruction')).toBe(true);
    expect(isCyclesKey('adaptThreshold')).toBe(false);
    expect(isCyclesKey('prevalidateOverfill')).toBe(false);
  });

  it('leaves Pentium 4 parameters as written', () => {
    const p = vmmParams('hardware') as object;
    expect(scaleVmmCycles(p, cpuModel('pentium4'))).toBe(p);
  });
});
