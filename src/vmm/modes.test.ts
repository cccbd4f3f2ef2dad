// Cross-mode rules: every mode is registered and prices every operation kind;
// an operation's cycles are exactly the sum of its named components and of
// the categories it was charged to.
import { describe, expect, it } from 'vitest';
import { actor, cpuModel, vmmParams } from '../../test/support/models.js';
import type { Op } from '../workload/ops.js';
import { CURRENT_ASID } from '../workload/ops.js';
import { CAT } from './categories.js';
import { twoDWalkReferences } from './nested.js';
import { MODE_IDS } from './registry.js';
import { TapedActor } from './tapedActor.js';
import { COMPILE_AFTER_REPLAYS } from './chargeTape.js';

const OPS: Op[] = [
  { kind: 'compute', cycles: 1000, mode: 'kernel' },
  { kind: 'syscall', site: 1 },
  { kind: 'io', dir: 'in', port: 0x80, site: 2 },
  { kind: 'io', dir: 'out', port: 0x80, site: 3 },
  { kind: 'cr8write', site: 4 },
  { kind: 'cr3write', asid: 1, pages: 30, kernelPages: 0, site: 5 },
  { kind: 'cr3write', asid: 0, pages: 30, kernelPages: 0, site: 5 },
  { kind: 'callret' },
  { kind: 'pgfault', site: 6 },
  { kind: 'pteWrite', asid: CURRENT_ASID, site: 7 },
  { kind: 'pteWrite', asid: 1, site: 8 },
  { kind: 'exception', vector: 'gp', site: 9 },
  { kind: 'rdtsc', site: 10 },
  { kind: 'newKernelCode', units: 2, instructions: 11 },
  { kind: 'tlbMiss', workingSetBytes: 16 << 20, pageSize: '4K', afterFlush: 0 },
  { kind: 'interrupt', source: 'timer' },
];

describe('execution modes', () => {
  it('the registry lists native, software, hardware and nested, then the interpreter and trap-and-emulate', () => {
    expect(MODE_IDS).toEqual(['native', 'software', 'hardware', 'nested', 'interpreter', 'trap-and-emulate']);
  });

  for (const mode of MODE_IDS) {
    it(`${mode}: each operation's cycles equal the sum of its components and of its categories`, () => {
      const shadowed = ['software', 'hardware', 'trap-and-emulate'].includes(mode);
      for (const policy of shadowed ? [{}, { tracePolicy: 'unsynced', switchFill: 'prevalidate' }] : [{}]) {
        const { actor: a, ledger } = actor(mode, { set: policy });
        for (const op of OPS) {
          const before = { comp: sumComponents(ledger.components()), cat: ledger.totalCycles() };
          const c = a.charge(op, ledger);
          expect(c, `${mode} ${op.kind}`).toBeGreaterThanOrEqual(0);
          expect(sumComponents(ledger.components()) - before.comp, `${mode} ${op.kind} components`).toBeCloseTo(c, 6);
          expect(ledger.totalCycles() - before.cat, `${mode} ${op.kind} categories`).toBeCloseTo(c, 6);
        }
      }
    });
  }

  it('under BT, new kernel code costs 2300 cycles per instruction translated; natively nothing', () => {
    const sw = actor('software');
    expect(sw.actor.charge({ kind: 'newKernelCode', units: 3, instructions: 17 }, sw.ledger)).toBe(17 * 2300);
    expect(sw.ledger.cycles[CAT.translate]).toBe(17 * 2300);
    const n = actor('native');
    expect(n.actor.charge({ kind: 'newKernelCode', units: 3, instructions: 17 }, n.ledger)).toBe(0);
  });

  it('a 2D walk makes n·m + n + m references: 24 for 4-level over 4-level, 14 for the 2-level guest', () => {
    expect(twoDWalkReferences(4, 4)).toBe(24);
    expect(twoDWalkReferences(2, 4)).toBe(14);
    const cpu = cpuModel('pentium4');
    expect(cpu.mmu.guestLevels).toBe(2);
    // In a 16 MiB working set the entry lines stay in L2, and the Pentium 4 model has no walk caches:
    // a counted miss costs about 14 L2 hits under nested paging, 2 natively.
    const site = { workingSetBytes: 16 * 2 ** 20, pageSize: '4K', afterFlush: 0 } as const;
    const nested = actor('nested');
    const nestedMiss = nested.actor.charge({ kind: 'tlbMiss', ...site }, nested.ledger);
    expect(nestedMiss).toBeGreaterThanOrEqual(14 * cpu.mmu.caches.l2HitCycles);
    expect(nestedMiss).toBeLessThan(14 * cpu.mmu.caches.l2HitCycles * 1.01); // a few nested entries miss L2
    const native = actor('native');
    const nativeMiss = native.actor.charge({ kind: 'tlbMiss', ...site }, native.ledger);
    expect(nativeMiss).toBeGreaterThanOrEqual(2 * cpu.mmu.caches.l2HitCycles);
    expect(nativeMiss).toBeLessThan(2 * cpu.mmu.caches.l2HitCycles * 1.01);
  });

  it('the hardware VMM exits for port I/O, true faults, traced PTE writes, CR3 loads and interrupts, and not for system calls, CR8 writes or #DE', () => {
    const { actor: a, ledger } = actor('hardware');
    const exits = () => a.metrics!().exits;
    for (const op of OPS) {
      const before = exits();
      a.charge(op, ledger);
      const exited = exits() > before;
      const expected = ['io', 'pgfault', 'cr3write', 'interrupt'].includes(op.kind) || (op.kind === 'pteWrite' && op.asid === CURRENT_ASID) ||
        (op.kind === 'pteWrite' && op.asid === 1);
      expect([op.kind, exited]).toEqual([op.kind, expected]);
    }
  });
});

function sumComponents(c: Record<string, { cycles: number }>): number {
  let s = 0;
  for (const v of Object.values(c)) s += v.cycles;
  return s;
}

describe('hosted I/O', () => {
  const sw = vmmParams('software') as { calloutCycles: number; inTcHelperCycles: number; worldSwitchCycles: number; hostDeviceCycles: number; monitorPorts: number[] };
  const io = (port: number): Op => ({ kind: 'io', dir: 'out', port, site: 1 });

  it('a port the VMM emulates stays in the VMM; any other port adds a world switch and the host device model', () => {
    for (const mode of ['software', 'hardware', 'nested']) {
      const { actor: a, ledger } = actor(mode);
      const inVmm = a.charge(io(0x80), ledger);
      const inHost = a.charge(io(0x3f8), ledger);
      const hostPart = sw.worldSwitchCycles + sw.hostDeviceCycles;
      if (mode === 'software') {
        expect(inVmm).toBe(sw.inTcHelperCycles);
        expect(inHost).toBe(sw.calloutCycles + hostPart);
      } else {
        expect(inHost - inVmm).toBe(hostPart);
      }
    }
  });

  it('the software and hardware VMMs share one hosted-I/O configuration (one binary)', () => {
    const hw = vmmParams('hardware') as typeof sw;
    for (const k of ['monitorPorts', 'worldSwitchCycles', 'hostDeviceCycles'] as const) expect([k, hw[k]]).toEqual([k, sw[k]]);
    expect(sw.monitorPorts).toContain(0x80);
  });
});

describe('exits flush the TLB on a CPU without VPID', () => {
  const mem: Op = {
    kind: 'memory', site: 1, accesses: 64, accessesPerInstruction: 1,
    stream: { workingSetBytes: 64 * 4096, pattern: 'sequential', strideBytes: 4096, hotSetBytes: 0, hotFraction: 0, pageSize: '4K', region: 0 },
  };
  const io: Op = { kind: 'io', dir: 'in', port: 0x80, site: 2 };
  for (const mode of ['hardware', 'nested']) {
    for (const taped of [false, true]) {
      it(`${mode}${taped ? ', exits replayed from a tape' : ''}: memory accesses after an exit miss the TLB again`, () => {
        const { actor: raw, ledger } = actor(mode); // the Pentium 4: no VPID
        const a = taped ? new TapedActor(raw) : raw;
        const misses = () => raw.metrics!().tlbMisses ?? 0;
        for (let i = 0; i < COMPILE_AFTER_REPLAYS + 2; i++) a.charge(io, ledger); // recorded, replayed, then compiled when taped
        a.charge(mem, ledger);
        const cold = misses();
        a.charge(mem, ledger);
        expect(misses() - cold).toBe(0); // 64 pages stay in the TLB
        a.charge(io, ledger); // a compiled replay when taped
        const before = misses();
        a.charge(mem, ledger);
        expect(cold).toBe(64);
        expect(misses() - before).toBe(64);
      });
    }
  }
});
