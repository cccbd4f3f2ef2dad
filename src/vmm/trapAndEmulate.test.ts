// The trap-and-emulate VMM's cost formulas, pinned to values worked out by
// hand from models/vmm/trap-and-emulate.yaml and the CPU models (Pentium 4:
// #GP 889, #PF 1093, syscall 243, interrupt 889, CR3 load 500), not copied
// from output.
import { describe, expect, it } from 'vitest';
import { actor, cpuModel, vmmParams } from '../../test/support/models.js';
import { CURRENT_ASID, type Op } from '../workload/ops.js';
import { CAT } from './categories.js';
import type { TrapAndEmulateParams } from './trapAndEmulate.js';
import { measureMissCycles } from '../mmu/missPrice.js';

const p = vmmParams('trap-and-emulate') as TrapAndEmulateParams;
const fresh = (cpu = 'pentium4', set: Record<string, unknown> = {}) => actor('trap-and-emulate', { cpu, set });
const charge = (op: Op, cpu = 'pentium4') => {
  const { actor: a, ledger } = fresh(cpu);
  return { cycles: a.charge(op, ledger), ledger, metrics: () => a.metrics!() };
};

// On the Pentium 4 a #GP trap is the CPU's #GP round trip 889 plus the handler 925.
const GP_TRAP = 889 + 925;

describe('trap-and-emulate', () => {
  it('ships the parameters its docs derive: handler 2030 − 216 − 889 = 925, emulation 216 and 35, reflect 257, classify 263, walk 500', () => {
    expect(p.trapHandlerCycles).toBe(2030 - 216 - 889);
    expect([p.emulateHelperCycles, p.emulateStoreCycles, p.reflectCycles, p.faultClassifyCycles, p.guestWalkCycles]).toEqual([216, 35, 257, 263, 500]);
    expect([p.sensitivePerKernelInstruction, p.shadowUpdateCycles, p.shadowSwitchCycles]).toEqual([0.002, 175, 400]);
  });

  it('reuses the software VMM\'s fitted work where it does the same work, and its rdtsc prices sum to the paper\'s 2030', () => {
    const sw = vmmParams('software') as Record<string, unknown>;
    const same: Array<[keyof TrapAndEmulateParams, string]> = [
      ['emulateHelperCycles', 'inTcHelperCycles'], ['emulateStoreCycles', 'inTcStoreCycles'], ['reflectCycles', 'privReturnCycles'],
      ['faultClassifyCycles', 'faultClassifyCycles'], ['guestWalkCycles', 'guestWalkCycles'], ['shadowUpdateCycles', 'shadowUpdateCycles'],
      ['shadowSwitchCycles', 'shadowSwitchCycles'], ['shadowBuildCycles', 'shadowBuildCycles'], ['shadowTeardownCycles', 'shadowTeardownCycles'], ['shadowCache', 'shadowCache'], ['prevalidateOverfill', 'prevalidateOverfill'],
      ['switchFill', 'switchFill'], ['monitorPorts', 'monitorPorts'], ['worldSwitchCycles', 'worldSwitchCycles'], ['hostDeviceCycles', 'hostDeviceCycles'],
    ];
    for (const [mine, theirs] of same) expect([mine, p[mine]]).toEqual([mine, sw[theirs]]);
    expect(p.trapHandlerCycles + p.emulateHelperCycles + cpuModel('pentium4').native.exceptionCycles.gp).toBe(2030);
  });

  it('prices rdtsc at the paper\'s trap-and-emulate figure, 2030 cycles on the Pentium 4', () => {
    const r = charge({ kind: 'rdtsc', site: 1 });
    expect(r.cycles).toBe(2030);
    expect(r.metrics().traps).toBe(1);
  });

  it('on the Core 2 a trap is its own #GP (271) plus the handler and emulation scaled by 0.305', () => {
    expect(charge({ kind: 'rdtsc', site: 1 }, 'core2').cycles).toBeCloseTo(271 + (925 + 216) * 0.305, 9);
  });

  it('traps and emulates CR8 writes (1814 + 35) and port I/O (1814 + 216 in the VMM; 1814 + 5000 + 10,000 through the host)', () => {
    expect(charge({ kind: 'cr8write', site: 1 }).cycles).toBe(GP_TRAP + 35);
    expect(charge({ kind: 'io', dir: 'in', port: 0x80, site: 1 }).cycles).toBe(GP_TRAP + 216);
    expect(charge({ kind: 'io', dir: 'out', port: 0x1f0, site: 1 }).cycles).toBe(GP_TRAP + 5000 + 10_000);
  });

  it('reflects events through the VMM and traps again on the handler\'s iret', () => {
    // syscall: the CPU's entry 243 into the VMM + handler 925 + reflect 257 + the iret's #GP trap
    expect(charge({ kind: 'syscall', site: 1 }).cycles).toBe(243 + 925 + 257 + GP_TRAP);
    // #DE: its delivery 889 + handler + classify 263 + reflect + iret trap
    expect(charge({ kind: 'exception', vector: 'divzero', site: 1 }).cycles).toBe(889 + 925 + 263 + 257 + GP_TRAP);
    // true #PF: its delivery 1093 + handler + classify + the software walk 500 + reflect + iret trap
    const pf = charge({ kind: 'pgfault', site: 1 });
    expect(pf.cycles).toBe(1093 + 925 + 263 + 500 + 257 + GP_TRAP);
    expect(pf.ledger.cycles[CAT.pgfault]).toBe(pf.cycles);
    expect(pf.metrics().traps).toBe(2);
    // an external interrupt: its delivery 889 + handler + reflect + iret trap
    expect(charge({ kind: 'interrupt', source: 'timer' }).cycles).toBe(889 + 925 + 257 + GP_TRAP);
  });

  it('runs user and kernel code, call/ret and TLB misses directly, and translates nothing', () => {
    expect(charge({ kind: 'compute', cycles: 3000, mode: 'user' }).cycles).toBe(3000);
    expect(charge({ kind: 'callret' }).cycles).toBe(11);
    const site = { workingSetBytes: 16 << 20, pageSize: '4K', afterFlush: 0 } as const;
    expect(charge({ kind: 'tlbMiss', ...site }).cycles).toBe(measureMissCycles(cpuModel('pentium4').mmu, 'shadow', site)); // the hardware walks the shadow table
    expect(charge({ kind: 'newKernelCode', units: 3, instructions: 17 }).cycles).toBe(0);
  });

  it('traps on the kernel\'s interrupt-flag instructions: 3000 kernel cycles at CPI 3 hold 1000 × 0.002 = 2 traps of 1814 + 35', () => {
    const r = charge({ kind: 'compute', cycles: 3000, mode: 'kernel' });
    expect(r.cycles).toBe(3000 + 2 * (GP_TRAP + 35));
    expect(r.metrics().traps).toBe(2);
    const { actor: a, ledger } = fresh('pentium4', { sensitivePerKernelInstruction: 0 });
    expect(a.charge({ kind: 'compute', cycles: 3000, mode: 'kernel' }, ledger)).toBe(3000);
  });

  it('shadow-pages with traces: a traced PTE store is a #PF trap (1093 + 925) + 216 + 175; a table with no shadow is a plain store', () => {
    const { actor: a, ledger } = fresh();
    expect(a.charge({ kind: 'pteWrite', asid: CURRENT_ASID, site: 1 }, ledger)).toBe(1093 + 925 + 216 + 175);
    expect(a.charge({ kind: 'pteWrite', asid: 1, site: 2 }, ledger)).toBe(1);
    expect(a.metrics!().traceFaults).toBe(1);
  });

  it('a CR3 load traps and switches shadows; a new address space gets a shadow built (2000) and filled by hidden faults of 1093 + 925 + 263 + 500 + 175', () => {
    const { actor: a, ledger } = fresh();
    const hidden = 1093 + 925 + 263 + 500 + 175;
    // 20 user pages and 10 kernel pages: a new shadow maps both.
    expect(a.charge({ kind: 'cr3write', asid: 1, pages: 20, kernelPages: 10, site: 1 }, ledger)).toBe(GP_TRAP + 400 + 500 + 2000 + 30 * hidden);
    expect(a.metrics!().hiddenFaults).toBe(30);
    // Back to the cached, traced address space 0: no build, no refill.
    expect(a.charge({ kind: 'cr3write', asid: 0, pages: 20, kernelPages: 10, site: 1 }, ledger)).toBe(GP_TRAP + 400 + 500);
  });

  it('with prevalidation a rebuilt shadow is filled at the switch: 30 pages × overfill 2 × 175', () => {
    const { actor: a, ledger } = fresh('pentium4', { switchFill: 'prevalidate' });
    expect(a.charge({ kind: 'cr3write', asid: 1, pages: 20, kernelPages: 10, site: 1 }, ledger)).toBe(GP_TRAP + 400 + 500 + 2000 + 30 * 2 * 175);
  });

  it('tears a freed address space\'s shadow down (2000) and builds it again when the address space next runs', () => {
    const { actor: a, ledger } = fresh();
    a.charge({ kind: 'cr3write', asid: 1, pages: 0, kernelPages: 0, site: 1 }, ledger);
    a.charge({ kind: 'cr3write', asid: 0, pages: 0, kernelPages: 0, site: 1 }, ledger);
    expect(a.charge({ kind: 'mmDestroy', asid: 1 }, ledger)).toBe(2000);
    expect(a.charge({ kind: 'mmDestroy', asid: 1 }, ledger)).toBe(0); // nothing left to tear down
    expect(a.charge({ kind: 'mmCreate', asid: 7 }, ledger)).toBe(0); // never shadowed
    expect(a.charge({ kind: 'cr3write', asid: 1, pages: 0, kernelPages: 0, site: 1 }, ledger)).toBe(GP_TRAP + 400 + 500 + 2000);
    expect([a.metrics!().shadowBuilds, a.metrics!().shadowTeardowns]).toEqual([2, 1]);
  });
});
