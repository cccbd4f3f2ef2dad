// The `trap-and-emulate` mode: a classical VMM on a hypothetically
// virtualizable x86. Guest user and kernel code run directly, the kernel
// de-privileged; every privileged or sensitive instruction (CR writes, port
// I/O, rdtsc, the interrupt-flag instructions, iret) faults into the VMM,
// which emulates it and returns. The VMM owns the real IDT, so system calls,
// exceptions, page faults and interrupts enter the VMM, which reflects them
// into the guest's handler; the handler's iret traps again. Memory is
// shadow-paged with traces (shadow.ts), as in the software and hardware modes,
// with the same address-space life cycle (build on first run, teardown on
// free). A trap stays in the guest's address space (the VMM is mapped in a
// protected region of it), so unlike a VT-x exit without VPID it flushes no TLB.
// Real x86 cannot run this design: popf, pushf, visible CPL and the
// descriptor-table reads do not trap (docs/modes.md).
import { z } from 'zod';
import { Mmu } from '../mmu/mmu.js';
import type { Op } from '../workload/ops.js';
import { NEVER_STATIC, type ActorEnv, type CostActor, type ModeDefinition } from './actor.js';
import { CAT } from './categories.js';
import type { CpuModel } from './cpu.js';
import { HostedIoShape, monitorPortMap } from './hostedIo.js';
import type { Ledger } from './ledger.js';
import { MemoryStreams } from './memoryStreams.js';
import { PTE, ShadowCharges, ShadowParamsShape, ShadowTables, shadowModeStatic } from './shadow.js';
import { scaleVmmCycles } from './vmmCycles.js';

const cycles = (d: string) => z.number().finite().nonnegative().describe(d);

/** Parameters of the classical trap-and-emulate VMM (models/vmm/trap-and-emulate.yaml). */
export const TrapAndEmulateParamsSchema = z
  .strictObject({
    trapHandlerCycles: cycles('the VMM side of a trap, after the hardware delivered the fault: save state, decode the faulting instruction, dispatch, return'),
    emulateHelperCycles: cycles('emulate an instruction with a short VMM helper (rdtsc, a monitor-level port read, a traced PTE store)'),
    emulateStoreCycles: cycles('emulate a store to a virtual register (CR8/TPR, the interrupt flag)'),
    reflectCycles: cycles('reflect an event into the guest: build its frame on the guest kernel stack, enter the handler in virtual kernel mode; and emulate its iret'),
    faultClassifyCycles: cycles('decide whether a fault belongs to the guest and record it'),
    guestWalkCycles: cycles('walk the guest page table in software (classify a page fault, fill a shadow entry)'),
    sensitivePerKernelInstruction: z.number().finite().min(0).max(1)
      .describe('trapping sensitive instructions (cli, sti, pushf, popf) per guest kernel instruction, each a trap and a virtual-flag store'),
    ...ShadowParamsShape,
    ...HostedIoShape,
  })
  .describe('classical trap-and-emulate VMM (hypothetically virtualizable x86) with traced shadow page tables');

/** Validated trap-and-emulate parameters. */
export type TrapAndEmulateParams = z.infer<typeof TrapAndEmulateParamsSchema>;

/** One trap whose hardware delivery costs `deliveryCycles` (the CPU's exception, fault or entry cost): delivery plus the VMM's handler. */
export function trapCycles(p: TrapAndEmulateParams, deliveryCycles: number): number {
  return deliveryCycles + p.trapHandlerCycles;
}

/** A privileged instruction faults with #GP: the CPU's #GP round trip plus the VMM's handler. */
export function gpTrapCycles(cpu: CpuModel, p: TrapAndEmulateParams): number {
  return trapCycles(p, cpu.native.exceptionCycles.gp);
}

/**
 * A guest event reflected into the guest's handler: the event enters the VMM
 * (`deliveryCycles`, the CPU's own cost of it), the VMM handles and reflects
 * it, and the handler's iret traps (#GP) to return.
 */
export function reflectedEventCycles(cpu: CpuModel, p: TrapAndEmulateParams, deliveryCycles: number, classify: boolean): number {
  return trapCycles(p, deliveryCycles) + (classify ? p.faultClassifyCycles : 0) + p.reflectCycles + gpTrapCycles(cpu, p);
}

/** A hidden fault: a #PF trap whose handler walks the guest table and fills the shadow; the guest never sees it. */
export function trapHiddenFaultCycles(cpu: CpuModel, p: TrapAndEmulateParams): number {
  return trapCycles(p, cpu.native.pageFaultCycles) + p.faultClassifyCycles + p.guestWalkCycles + p.shadowUpdateCycles;
}

/** A store to a traced guest page table: a #PF trap, the emulated store and the shadow update. */
export function traceFaultCycles(cpu: CpuModel, p: TrapAndEmulateParams): number {
  return trapCycles(p, cpu.native.pageFaultCycles) + p.emulateHelperCycles + p.shadowUpdateCycles;
}

/** Cycles of a compute stretch: native, plus in kernel mode one trap and virtual-flag store per sensitive instruction. */
export function trapComputeCycles(cpu: CpuModel, p: TrapAndEmulateParams, nativeCycles: number, mode: 'user' | 'kernel'): number {
  if (mode === 'user') return nativeCycles;
  return nativeCycles + sensitiveTraps(cpu, p, nativeCycles) * (gpTrapCycles(cpu, p) + p.emulateStoreCycles);
}

/** Sensitive instructions (each a trap) in a kernel compute of `nativeCycles`. */
function sensitiveTraps(cpu: CpuModel, p: TrapAndEmulateParams, nativeCycles: number): number {
  return (nativeCycles / cpu.cpi.kernel) * p.sensitivePerKernelInstruction;
}

class TrapAndEmulateActor implements CostActor {
  private readonly shadow: ShadowTables;
  private readonly streams: MemoryStreams;
  private readonly monitorPorts: Uint8Array;
  /** Counters (Ledger.newCounter) of traps, trace faults and hidden faults. */
  private readonly nTraps: number;
  private readonly nTrace: number;
  private readonly nHidden: number;
  private readonly ledger: Ledger;
  private readonly cNative: number;
  private readonly cDelivery: number;
  private readonly cHandler: number;
  private readonly cEmulate: number;
  private readonly cReflect: number;
  private readonly cClassify: number;
  private readonly cWalk: number;
  private readonly cShadowUpdate: number;
  /** Shadow switch, build, prevalidation and teardown, charged as every shadow-paging mode does. */
  private readonly sh: ShadowCharges;
  private readonly cWorldSwitch: number;
  private readonly cHostDevice: number;

  constructor(private readonly cpu: CpuModel, private readonly p: TrapAndEmulateParams, env: ActorEnv) {
    this.shadow = new ShadowTables(p);
    this.streams = new MemoryStreams(new Mmu(cpu.mmu, trapAndEmulateMode.translation), env.rng, env.ledger, 'shadowWalk', env.missPrices);
    this.monitorPorts = monitorPortMap(p.monitorPorts);
    const l = env.ledger;
    this.ledger = l;
    this.nTraps = l.newCounter();
    this.nTrace = l.newCounter();
    this.nHidden = l.newCounter();
    this.cNative = l.componentId('native');
    this.cDelivery = l.componentId('trapDelivery');
    this.cHandler = l.componentId('trapHandler');
    this.cEmulate = l.componentId('emulate');
    this.cReflect = l.componentId('reflect');
    this.cClassify = l.componentId('faultClassify');
    this.cWalk = l.componentId('guestWalk');
    this.cShadowUpdate = l.componentId('shadowUpdate');
    this.sh = new ShadowCharges(this.shadow, p, l); // interns shadowSwitch, prevalidate, shadowBuild, shadowTeardown
    this.cWorldSwitch = l.componentId('worldSwitch');
    this.cHostDevice = l.componentId('hostDevice');
  }

  charge(op: Op, ledger: Ledger): number {
    const n = this.cpu.native;
    const p = this.p;
    switch (op.kind) {
      case 'compute': return this.compute(ledger, op.cycles, op.mode);
      case 'callret': return this.plain(ledger, CAT.callret, n.callretCycles);
      case 'tlbMiss': return this.plain(ledger, CAT.tlbmiss, this.streams.missCycles(op)); // the hardware walks the shadow table
      case 'newKernelCode': ledger.charge(CAT.translate, 0); return 0; // kernel code runs directly: nothing to translate
      case 'syscall': return this.event(ledger, CAT.syscall, n.syscallCycles, false);
      case 'exception': return this.event(ledger, CAT.exception, n.exceptionCycles[op.vector], true);
      case 'interrupt': return this.event(ledger, CAT.interrupt, n.interruptCycles, false);
      case 'pgfault': {
        ledger.component(this.cWalk, p.guestWalkCycles);
        const c = p.guestWalkCycles + this.event(ledger, -1, n.pageFaultCycles, true);
        ledger.charge(CAT.pgfault, c);
        return c;
      }
      case 'cr8write': return this.emulated(ledger, CAT.cr8, this.cEmulate, p.emulateStoreCycles);
      case 'rdtsc': return this.emulated(ledger, CAT.rdtsc, this.cEmulate, p.emulateHelperCycles);
      case 'io': {
        if (this.monitorPorts[op.port] === 1) return this.emulated(ledger, CAT.io, this.cEmulate, p.emulateHelperCycles);
        ledger.component(this.cWorldSwitch, p.worldSwitchCycles);
        ledger.component(this.cHostDevice, p.hostDeviceCycles);
        return this.emulated(ledger, CAT.io, -1, p.worldSwitchCycles + p.hostDeviceCycles);
      }
      case 'pteWrite': return this.pteWrite(ledger, op.asid);
      case 'memory': return this.streams.charge(op, ledger);
      case 'cr3write':
        this.streams.mmu.cr3Write(op.asid); // the VMM loads the new shadow root: a TLB flush unless tagged
        return this.cr3Write(ledger, op.asid, op.pages + op.kernelPages);
      case 'mmCreate': case 'mmDestroy': return this.sh.teardown(ledger, op.asid);
    }
  }

  /** Everything but the shadow-paging operations and memory streams: traps are stateless. */
  isStatic(op: Op): boolean {
    return shadowModeStatic(op);
  }

  /** A PTE write that trace-faults or hits no shadow changes no shadow state: each of those two outcomes is static. */
  variantOf(op: Op): number {
    return op.kind === 'pteWrite' ? this.shadow.pteWriteVariant(op.asid) : NEVER_STATIC;
  }

  metrics(): Record<string, number> {
    const l = this.ledger;
    return {
      traps: l.counter(this.nTraps), traceFaults: l.counter(this.nTrace), hiddenFaults: l.counter(this.nHidden), shadowEvictions: this.shadow.evictions,
      shadowBuilds: this.shadow.builds, shadowTeardowns: this.shadow.teardowns,
      ...this.streams.metrics(),
    };
  }

  private plain(ledger: Ledger, cat: number, c: number): number {
    ledger.component(this.cNative, c);
    ledger.charge(cat, c);
    return c;
  }

  /** `n` traps (possibly fractional: an expected count) whose hardware delivery costs `delivery` each. */
  private trap(ledger: Ledger, delivery: number, n = 1): number {
    ledger.count(this.nTraps, n);
    ledger.component(this.cDelivery, n * delivery, n);
    ledger.component(this.cHandler, n * this.p.trapHandlerCycles, n);
    return n * trapCycles(this.p, delivery);
  }

  private gpTrap(ledger: Ledger, n = 1): number {
    return this.trap(ledger, this.cpu.native.exceptionCycles.gp, n);
  }

  /** Direct execution; kernel code also traps on each sensitive instruction and the VMM stores the virtual flag. */
  private compute(ledger: Ledger, nativeCycles: number, mode: 'user' | 'kernel'): number {
    ledger.component(this.cNative, nativeCycles);
    let c = nativeCycles;
    if (mode === 'kernel' && this.p.sensitivePerKernelInstruction > 0) {
      const k = sensitiveTraps(this.cpu, this.p, nativeCycles);
      c += this.gpTrap(ledger, k);
      ledger.component(this.cEmulate, k * this.p.emulateStoreCycles, k);
      c += k * this.p.emulateStoreCycles;
    }
    ledger.charge(CAT.compute, c);
    return c;
  }

  /** A privileged instruction: a #GP trap plus `work` of emulation (recorded under `component` unless it is < 0). */
  private emulated(ledger: Ledger, cat: number, component: number, work: number): number {
    if (component >= 0) ledger.component(component, work);
    const c = this.gpTrap(ledger) + work;
    ledger.charge(cat, c);
    return c;
  }

  /** An event entering the VMM through the real IDT, reflected to the guest; its iret traps. `cat` < 0: the caller charges. */
  private event(ledger: Ledger, cat: number, delivery: number, classify: boolean): number {
    const p = this.p;
    let c = this.trap(ledger, delivery);
    if (classify) {
      ledger.component(this.cClassify, p.faultClassifyCycles);
      c += p.faultClassifyCycles;
    }
    ledger.component(this.cReflect, p.reflectCycles);
    c += p.reflectCycles + this.gpTrap(ledger); // the guest handler's iret
    if (cat >= 0) ledger.charge(cat, c);
    return c;
  }

  private pteWrite(ledger: Ledger, asid: number): number {
    const p = this.p;
    const outcome = this.shadow.pteWrite(asid);
    let c: number;
    if (outcome === PTE.traceFault) {
      ledger.count(this.nTrace, 1);
      ledger.component(this.cEmulate, p.emulateHelperCycles);
      ledger.component(this.cShadowUpdate, p.shadowUpdateCycles);
      c = this.trap(ledger, this.cpu.native.pageFaultCycles) + p.emulateHelperCycles + p.shadowUpdateCycles;
    } else {
      c = this.cpu.native.pteWriteCycles;
      ledger.component(this.cNative, c);
    }
    ledger.charge(CAT.ptemod, c);
    if (outcome === PTE.hiddenFault) c += this.hiddenFault(ledger, 1);
    return c;
  }

  /** `n` hidden faults: #PF traps the VMM resolves by filling the shadow. */
  private hiddenFault(ledger: Ledger, n: number): number {
    if (n === 0) return 0;
    const p = this.p;
    ledger.count(this.nHidden, n);
    let c = this.trap(ledger, this.cpu.native.pageFaultCycles, n);
    ledger.component(this.cClassify, n * p.faultClassifyCycles, n);
    ledger.component(this.cWalk, n * p.guestWalkCycles, n);
    ledger.component(this.cShadowUpdate, n * p.shadowUpdateCycles, n);
    c += n * (p.faultClassifyCycles + p.guestWalkCycles + p.shadowUpdateCycles);
    ledger.chargeMany(CAT.hiddenpf, n, c);
    return c;
  }


  /** mov cr3 traps: switch shadows (building one for an address space that has none), load the real CR3, then the refill policy. */
  private cr3Write(ledger: Ledger, asid: number, pages: number): number {
    const p = this.p;
    const fill = this.sh.switchTo(ledger, asid, pages);
    const native = this.cpu.native.cr3WriteCycles;
    ledger.component(this.cNative, native);
    const c = this.gpTrap(ledger) + p.shadowSwitchCycles + native;
    return this.sh.finishSwitch(ledger, c, fill, (n) => this.hiddenFault(ledger, n));
  }
}

/** Registry entry of the trap-and-emulate mode. */
export const trapAndEmulateMode: ModeDefinition<TrapAndEmulateParams> = {
  id: 'trap-and-emulate',
  description: 'classical trap-and-emulate VMM on a hypothetically virtualizable x86: de-privileged kernel runs directly, every sensitive instruction traps; traced shadow page tables',
  vmmModel: 'trap-and-emulate',
  paramsSchema: TrapAndEmulateParamsSchema,
  translation: 'shadow',
  create: (cpu, params, env) => new TrapAndEmulateActor(cpu, scaleVmmCycles(params, cpu), env),
};
