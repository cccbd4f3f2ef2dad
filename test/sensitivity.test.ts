// vmmsim sensitivity: one parameter at a time, elasticities that match a
// hand computation, and the outputs it writes.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/load.js';
import { sensitivityParams } from '../src/run/sensitivity.js';
import { cpuModel, vmmParams } from './support/models.js';
import { runMain } from './support/runMain.js';

const FILE = 'test/fixtures/sensitivity-syscall.yaml';

describe('vmmsim sensitivity', () => {
  it('offers each numeric CPU and VMM parameter, a VMM parameter only to its own mode', () => {
    const params = sensitivityParams(loadScenario(FILE));
    const trap = params.find((p) => p.key === 'vmm.software.trapCycles')!;
    expect(trap.modes).toEqual(['software']);
    expect(params.find((p) => p.key === 'cpu.native.syscallCycles')!.modes).toEqual(['native', 'software']);
    expect(params.some((p) => p.key.startsWith('vmm.hardware.'))).toBe(false); // hardware is not in the scenario
  });

  it('the elasticity of a system call loop to trapCycles is trap ÷ (trap + native + privReturn)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmmsim-sens-'));
    const r = await runMain(['sensitivity', FILE, '--params', 'vmm.software.trapCycles,cpu.native.syscallCycles', '--out', join(out, 's'), '--jobs', '1']);
    expect(r.status, r.stderr).toBe(0);
    const sw = vmmParams('software') as { trapCycles: number; privReturnCycles: number };
    const native = cpuModel('pentium4').native.syscallCycles;
    const expected = sw.trapCycles / (sw.trapCycles + native + sw.privReturnCycles);
    const csv = readFileSync(join(out, 's', 'sensitivity.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const row = csv.find((c) => c[1] === 'software' && c[2] === 'vmm.software.trapCycles')!;
    expect(Number(row[7])).toBeCloseTo(expected, 6);
    // natively, time is proportional to the syscall's cost: elasticity 1
    const nat = csv.find((c) => c[1] === 'native' && c[2] === 'cpu.native.syscallCycles')!;
    expect(Number(nat[7])).toBeCloseTo(1, 6);
    expect(r.stdout).toMatch(/syscall \/ software — elasticity of seconds/);
    expect(existsSync(join(out, 's', 'sensitivity.txt'))).toBe(true);
  });

  it('--params takes a prefix ending in .* for every parameter below it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmmsim-sens-'));
    const r = await runMain(['sensitivity', FILE, '--params', 'vmm.software.*', '--out', join(out, 's'), '--jobs', '1']);
    expect(r.status, r.stderr).toBe(0);
    const moved = new Set(readFileSync(join(out, 's', 'sensitivity.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[2]));
    const expected = sensitivityParams(loadScenario(FILE)).map((p) => p.key).filter((k) => k.startsWith('vmm.software.'));
    expect([...moved].sort()).toEqual(expected.sort());
    expect((await runMain(['sensitivity', FILE, '--params', 'vmm.hardware.*'])).status).toBe(2); // no such parameter here
  });

  it('restricting the modes leaves out the parameters no remaining mode reads', () => {
    const params = sensitivityParams(loadScenario(FILE, { set: ['vmms=[native]'] }));
    expect(params.every((p) => p.modes.length > 0)).toBe(true);
    expect(params.some((p) => p.key.startsWith('cpu.vmx.'))).toBe(false);
  });

  it('a --params key the scenario lacks, or a bad --delta, is bad input (exit 2)', async () => {
    expect((await runMain(['sensitivity', FILE, '--params', 'vmm.software.nope'])).status).toBe(2);
    expect((await runMain(['sensitivity', FILE, '--delta', '150%'])).status).toBe(2);
  });
});
