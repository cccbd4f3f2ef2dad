// Shadow paging: hidden versus true faults, and the trace policy's effect on
// the cost of a PTE write and of a context switch.
import { describe, expect, it } from 'vitest';
import { actor, cpuModel, vmmParams } from '../../test/support/models.js';
import type { Op } from '../workload/ops.js';
import { CURRENT_ASID } from '../workload/ops.js';
import { CAT } from './categories.js';
import { exitRoundTripCycles, exitTlbRefillCycles } from './exitPath.js';
import { hardwareHiddenFaultCycles, type HardwareParams } from './hardware.js';
import { PTE, ShadowTables } from './shadow.js';
import { softwareHiddenFaultCycles, type SoftwareParams } from './software.js';

const cpu = cpuModel('pentium4');
const hw = vmmParams('hardware') as HardwareParams;
const sw = vmmParams('software') as SoftwareParams;
const cr3 = (asid: number, pages = 0): Op => ({ kind: 'cr3write', asid, pages, kernelPages: 0, site: 1 });
const pte = (asid = CURRENT_ASID): Op => ({ kind: 'pteWrite', asid, site: 2 });
const shadow = (over: Partial<HardwareParams> = {}) => new ShadowTables({ ...hw, ...over });

describe('shadow tables', () => {
  it('keep at most shadowCache address spaces, evicting the least recently used', () => {
    const s = shadow({ shadowCache: 2 });
    expect(s.switchTo(1, 10)).toBe(10); // new shadow, built from scratch
    expect(s.switchTo(0, 10)).toBe(0);  // cached
    expect(s.switchTo(2, 10)).toBe(10); // evicts 1, the least recently used
    expect(s.isCached(1)).toBe(false);
    expect(s.isCached(0)).toBe(true);
    expect(s.evictions).toBe(1);
  });

  it('trace only the page tables of cached address spaces', () => {
    const s = shadow({ shadowCache: 2 });
    expect(s.pteWrite(CURRENT_ASID)).toBe(PTE.traceFault);
    expect(s.pteWrite(5)).toBe(PTE.untraced);
  });

  it('under the unsynced policy defer writes to other cached address spaces to their next switch-in', () => {
    const s = shadow({ tracePolicy: 'unsynced' });
    s.switchTo(1, 0);
    s.switchTo(0, 0);
    expect(s.pteWrite(1)).toBe(PTE.deferred);
    expect(s.pteWrite(1)).toBe(PTE.deferred);
    expect(s.pteWrite(CURRENT_ASID)).toBe(PTE.hiddenFault);
    expect(s.switchTo(1, 50)).toBe(2);
    expect(s.switchTo(1, 50)).toBe(0);
  });
});

describe('hidden versus true page faults', () => {
  it('a true fault is injected: it reaches the guest (pgfault) and costs exit + walk + injection + guest delivery', () => {
    const { actor: a, ledger } = actor('hardware');
    const c = a.charge({ kind: 'pgfault', site: 3 }, ledger);
    expect(c).toBe(exitRoundTripCycles(cpu, hw) + exitTlbRefillCycles(cpu, hw, 'shadow') + hw.guestWalkCycles + hw.injectVmwrites * cpu.vmx.vmwriteCycles +
      cpu.native.pageFaultCycles + cpu.vmx.guestEventDeliveryExtraCycles);
    expect(ledger.counts[CAT.pgfault]).toBe(1);
    expect(ledger.counts[CAT.hiddenpf]).toBe(0);
  });

  it('hidden faults never reach the guest: charged to hiddenpf, without the guest handler', () => {
    for (const mode of ['hardware', 'software'] as const) {
      const { actor: a, ledger } = actor(mode);
      a.charge(cr3(1, 40), ledger); // a new address space: its shadow fills by 40 hidden faults
      expect(ledger.counts[CAT.hiddenpf]).toBe(40);
      expect(ledger.counts[CAT.pgfault]).toBe(0);
      const each = mode === 'hardware' ? hardwareHiddenFaultCycles(cpu, hw) : softwareHiddenFaultCycles(sw);
      expect(ledger.cycles[CAT.hiddenpf]).toBe(40 * each);
      expect(a.metrics!().hiddenFaults).toBe(40);
    }
  });

  it('a hidden fault is cheaper than a true fault in both shadow-paging VMMs', () => {
    expect(hardwareHiddenFaultCycles(cpu, hw)).toBeLessThan(11242 * 0.95);
    expect(softwareHiddenFaultCycles(sw)).toBeLessThan(3927 * 0.95);
  });

  it('nested paging has no hidden faults and no exits for page faults, PTE writes or CR3 loads', () => {
    const { actor: a, ledger } = actor('nested');
    a.charge(cr3(1, 40), ledger);
    a.charge(pte(), ledger);
    a.charge({ kind: 'pgfault', site: 3 }, ledger);
    expect(ledger.counts[CAT.hiddenpf]).toBe(0);
    expect(a.metrics!().exits).toBe(0);
  });
});

describe('trace policy', () => {
  const switchAndWrite = (mode: string, tracePolicy: string) => {
    const { actor: a, ledger } = actor(mode, { set: { tracePolicy } });
    a.charge(cr3(1, 0), ledger); // shadow 1 built (0 pages)
    a.charge(cr3(0, 0), ledger); // back to 0: both cached
    const write = a.charge(pte(1), ledger); // fork-like write into another cached address space
    const sw = a.charge(cr3(1, 0), ledger);
    return { write, sw };
  };

  it('tracing makes a PTE write a trace fault (an exit) and leaves the context switch cheap', () => {
    const traced = switchAndWrite('hardware', 'trace');
    const unsynced = switchAndWrite('hardware', 'unsynced');
    expect(traced.write).toBe(12733);
    expect(unsynced.write).toBe(cpu.native.pteWriteCycles);
    // the unsynced write is paid at switch-in: one hidden fault to refill the entry
    expect(unsynced.sw - traced.sw).toBe(hardwareHiddenFaultCycles(cpu, hw));
  });

  it('in the software VMM the unsynced policy moves the cost of a write to a hidden fault at switch-in', () => {
    const traced = switchAndWrite('software', 'trace');
    const unsynced = switchAndWrite('software', 'unsynced');
    expect(traced.write).toBe(2205);
    expect(unsynced.write).toBe(cpu.native.pteWriteCycles);
    expect(unsynced.sw - traced.sw).toBe(softwareHiddenFaultCycles(sw));
  });

  it('unsynced writes to the running address space cost a hidden fault instead of a trace fault', () => {
    const { actor: a, ledger } = actor('hardware', { set: { tracePolicy: 'unsynced' } });
    expect(a.charge(pte(), ledger)).toBe(cpu.native.pteWriteCycles + hardwareHiddenFaultCycles(cpu, hw));
    expect(ledger.counts[CAT.hiddenpf]).toBe(1);
  });

  it('prevalidation moves the refill into the context switch: no hidden faults, a dearer switch', () => {
    const lazy = actor('hardware', { set: { switchFill: 'lazy' } });
    const pre = actor('hardware', { set: { switchFill: 'prevalidate' } });
    const lazyCost = lazy.actor.charge(cr3(1, 100), lazy.ledger);
    const preCost = pre.actor.charge(cr3(1, 100), pre.ledger);
    expect(pre.ledger.counts[CAT.hiddenpf]).toBe(0);
    expect(pre.ledger.cycles[CAT.cr3] - lazy.ledger.cycles[CAT.cr3]).toBe(100 * hw.prevalidateOverfill * hw.shadowUpdateCycles);
    expect(preCost).toBeLessThan(lazyCost);
  });

  it('a larger shadow cache turns repeated switches among address spaces from rebuilds into cache hits', () => {
    const cost = (shadowCache: number) => {
      const { actor: a, ledger } = actor('hardware', { set: { shadowCache } });
      let c = 0;
      for (let round = 0; round < 10; round++) for (const asid of [0, 1, 2, 3]) c += a.charge(cr3(asid, 20), ledger);
      return { c, hidden: ledger.counts[CAT.hiddenpf] };
    };
    expect(cost(4).hidden).toBe(3 * 20); // each new address space is built once
    expect(cost(3).hidden).toBe(39 * 20); // LRU over 4 address spaces in 3 slots: every switch rebuilds
    expect(cost(4).c).toBeLessThan(cost(3).c);
  });
});
