// The interpreter's cost formulas, pinned to values worked out by hand from
// models/vmm/interpreter.yaml and the CPU models' cpi, not copied from output.
import { describe, expect, it } from 'vitest';
import { actor, cpuModel, vmmParams } from '../../test/support/models.js';
import type { Op } from '../workload/ops.js';
import { CAT } from './categories.js';
import type { InterpreterParams } from './interpreter.js';

const p = vmmParams('interpreter') as InterpreterParams;
const p4 = cpuModel('pentium4');
const charge = (op: Op, cpu = 'pentium4') => {
  const { actor: a, ledger } = actor('interpreter', { cpu });
  return { cycles: a.charge(op, ledger), ledger, metrics: () => a.metrics!() };
};

describe('interpreter', () => {
  it('ships the parameters its docs derive: 200 cycles per instruction, 2000 per event round trip, walk 500, device 216', () => {
    expect([p.interpretCyclesPerInstruction, p.eventRoundTripCycles, p.guestWalkCycles, p.deviceCycles, p.hostDeviceCycles]).toEqual([200, 2000, 500, 216, 10000]);
    expect([p4.cpi.user, p4.cpi.kernel]).toEqual([1.5, 3.0]);
  });

  it('reuses the software VMM\'s guest walk, device read and hosted-I/O estimates', () => {
    const sw = vmmParams('software') as Record<string, unknown>;
    expect([p.guestWalkCycles, p.deviceCycles, p.monitorPorts, p.hostDeviceCycles]).toEqual([sw.guestWalkCycles, sw.inTcHelperCycles, sw.monitorPorts, sw.hostDeviceCycles]);
  });

  it('interprets every guest instruction of a compute: 3000 kernel cycles at CPI 3 are 1000 instructions, 200,000 cycles', () => {
    expect(charge({ kind: 'compute', cycles: 3000, mode: 'kernel' }).cycles).toBe(1000 * 200);
    // User code at CPI 1.5: 1500 cycles are 1000 instructions too.
    const user = charge({ kind: 'compute', cycles: 1500, mode: 'user' });
    expect(user.cycles).toBe(200_000);
    expect(user.ledger.cycles[CAT.compute]).toBe(200_000);
    expect(user.metrics().interpretedInstructions).toBe(1000);
  });

  it('prices an instruction in its CPU\'s cycles: the Core 2 runs the same interpreter at 0.305 of the Pentium 4\'s cycles', () => {
    // 920 kernel cycles at the Core 2's kernel CPI 0.92 are 1000 instructions; each costs 200 × 0.305 = 61 cycles.
    expect(charge({ kind: 'compute', cycles: 920, mode: 'kernel' }, 'core2').cycles).toBeCloseTo(1000 * 61, 6);
  });

  it('emulates events in software: syscall 200 + 2000, #DE 200 + 2000, page fault 200 + 500 + 2000, interrupt 2000', () => {
    expect(charge({ kind: 'syscall', site: 1 }).cycles).toBe(2200);
    expect(charge({ kind: 'exception', vector: 'divzero', site: 1 }).cycles).toBe(2200);
    expect(charge({ kind: 'pgfault', site: 1 }).cycles).toBe(2700);
    expect(charge({ kind: 'interrupt', source: 'timer' }).cycles).toBe(2000);
  });

  it('runs privileged instructions as ordinary interpreted ones: no trap, no exit, no trace', () => {
    expect(charge({ kind: 'cr8write', site: 1 }).cycles).toBe(200);
    expect(charge({ kind: 'cr3write', asid: 1, pages: 50, kernelPages: 20, site: 1 }).cycles).toBe(200);
    expect(charge({ kind: 'rdtsc', site: 1 }).cycles).toBe(200);
    expect(charge({ kind: 'pteWrite', asid: -1, site: 1 }).cycles).toBe(200);
    expect(charge({ kind: 'callret' }).cycles).toBe(400);
    expect(charge({ kind: 'newKernelCode', units: 2, instructions: 11 }).cycles).toBe(0);
    // No shadows to build or tear down: the software walks the guest's own tables.
    expect(charge({ kind: 'mmCreate', asid: 3 }).cycles).toBe(0);
    expect(charge({ kind: 'mmDestroy', asid: 3 }).cycles).toBe(0);
  });

  it('emulates devices in-process: port 0x80 costs 200 + 216; a disk port also reaches the host (+10,000), with no world switch', () => {
    expect(charge({ kind: 'io', dir: 'in', port: 0x80, site: 1 }).cycles).toBe(416);
    const disk = charge({ kind: 'io', dir: 'out', port: 0x1f0, site: 1 });
    expect(disk.cycles).toBe(10_416);
    expect(disk.ledger.components().worldSwitch).toBeUndefined();
  });

  it('refills its software TLB by a software walk: a TLB miss is the native walk the MMU model prices, plus 500', () => {
    const site = { workingSetBytes: 16 << 20, pageSize: '4K', afterFlush: 0 } as const;
    const { actor: n, ledger } = actor('native');
    expect(charge({ kind: 'tlbMiss', ...site }).cycles).toBe(n.charge({ kind: 'tlbMiss', ...site }, ledger) + 500);
  });

  it('charges a memory stream its native walks (same seed, same misses) plus 500 per miss for walking in software', () => {
    const op: Op = {
      kind: 'memory', site: 1, accesses: 20_000, accessesPerInstruction: 0.4,
      stream: { workingSetBytes: 64 << 20, pattern: 'uniform', strideBytes: 64, hotSetBytes: 0, hotFraction: 0, pageSize: '4K', region: 0 },
    };
    const interp = charge(op);
    const { actor: n, ledger } = actor('native');
    const nativeCycles = n.charge(op, ledger);
    const misses = n.metrics!().tlbMisses;
    expect(misses).toBeGreaterThan(1000);
    expect(interp.metrics().tlbMisses).toBe(misses);
    expect(interp.cycles).toBe(nativeCycles + misses * 500);
  });
});
