// The `hardware` mode: a first-generation VT-x/SVM VMM with shadow page
// tables. The guest runs in guest mode until an exit condition set in the
// VMCS: port I/O, page faults (every #PF must be looked at, to tell hidden
// from true faults), CR3 loads, external interrupts and stores to traced
// guest page tables (a trace fault = exit + fetch + decode + emulate).
// System calls, CR8 writes of this 32-bit guest, call/ret and exceptions not
// in the exception bitmap (#DE) run inside the guest without an exit.
import { z } from 'zod';
import type { Op } from '../workload/ops.js';
import { NEVER_STATIC, type ActorEnv, type CostActor, type ModeDefinition } from './actor.js';
import { CAT } from './categories.js';
import type { CpuModel } from './cpu.js';
import { ExitPath, ExitPathShape, exitRoundTripCycles, exitTlbRefillCycles } from './exitPath.js';
import type { Ledger } from './ledger.js';
import { scaleVmmCycles } from './vmmCycles.js';
import { nativeCycles } from './native.js';
import { PTE, ShadowCharges, ShadowParamsShape, ShadowTables, shadowModeStatic } from './shadow.js';
import { Mmu } from '../mmu/mmu.js';
import { MemoryStreams } from './memoryStreams.js';

/** Parameters of the hardware VMM (models/vmm/hardware.yaml). */
export const HardwareParamsSchema = z
  .strictObject({ ...ExitPathShape, ...ShadowParamsShape })
  .describe('hardware (VT-x/SVM) VMM with shadow page tables');

/** Validated hardware-VMM parameters. */
export type HardwareParams = z.infer<typeof HardwareParamsSchema>;

/** A hidden fault in the hardware VMM: an exit whose handler walks the guest table and fills the shadow. */
export function hardwareHiddenFaultCycles(cpu: CpuModel, p: HardwareParams): number {
  return exitRoundTripCycles(cpu, p) + exitTlbRefillCycles(cpu, p, 'shadow') + p.guestWalkCycles + p.shadowUpdateCycles;
}

class HardwareActor implements CostActor {
  private readonly shadow: ShadowTables;
  private readonly x: ExitPath;
  /** Memory streams: the hardware walks the shadow table (one dimension). */
  private readonly streams: MemoryStreams;
  /** Counters (Ledger.newCounter) of hidden faults and trace faults. */
  private readonly nHidden: number;
  private readonly nTrace: number;
  private readonly cShadowUpdate: number;
  /** Shadow switch, build, prevalidation and teardown, charged as every shadow-paging mode does. */
  private readonly sh: ShadowCharges;
  private readonly ledger: Ledger;

  constructor(private readonly cpu: CpuModel, private readonly p: HardwareParams, env: ActorEnv) {
    this.ledger = env.ledger;
    this.nHidden = env.ledger.newCounter();
    this.nTrace = env.ledger.newCounter();
    this.shadow = new ShadowTables(p);
    this.streams = new MemoryStreams(new Mmu(cpu.mmu, hardwareMode.translation), env.rng, env.ledger, 'shadowWalk', env.missPrices);
    this.x = new ExitPath(cpu, p, env.ledger, this.streams.misses, this.streams.flushTlbLater);
    this.cShadowUpdate = env.ledger.componentId('shadowUpdate');
    this.sh = new ShadowCharges(this.shadow, p, env.ledger); // interns shadowSwitch, prevalidate, shadowBuild, shadowTeardown
  }

  charge(op: Op, ledger: Ledger): number {
    const x = this.x;
    let c: number;
    switch (op.kind) {
      case 'compute': c = x.native(ledger, op.cycles); ledger.charge(CAT.compute, c); return c;
      case 'syscall': c = x.native(ledger, this.cpu.native.syscallCycles); ledger.charge(CAT.syscall, c); return c;
      case 'callret': c = x.native(ledger, this.cpu.native.callretCycles); ledger.charge(CAT.callret, c); return c;
      case 'rdtsc': c = x.native(ledger, this.cpu.native.rdtscCycles); ledger.charge(CAT.rdtsc, c); return c; // TSC offsetting: no exit
      case 'newKernelCode': ledger.charge(CAT.translate, 0); return 0;
      case 'tlbMiss': c = x.native(ledger, this.streams.missCycles(op)); ledger.charge(CAT.tlbmiss, c); return c;
      case 'cr8write': c = x.guestCr8Write(ledger); ledger.charge(CAT.cr8, c); return c;
      case 'exception': c = x.guestDelivery(ledger, nativeCycles(this.cpu, op)); ledger.charge(CAT.exception, c); return c;
      case 'io': c = x.portIo(ledger, op.port); ledger.charge(CAT.io, c); return c;
      case 'interrupt': c = x.interrupt(ledger, this.cpu.native.interruptCycles); ledger.charge(CAT.interrupt, c); return c;
      case 'pgfault': c = this.trueFault(ledger); ledger.charge(CAT.pgfault, c); return c;
      case 'pteWrite': return this.pteWrite(ledger, op.asid);
      case 'memory': return this.streams.charge(op, ledger);
      case 'cr3write':
        this.streams.mmu.cr3Write(op.asid); // the VMM loads the new shadow root: a TLB flush unless tagged
        return this.cr3Write(ledger, op.asid, op.pages + op.kernelPages);
      case 'mmCreate': case 'mmDestroy': return this.sh.teardown(ledger, op.asid);
    }
  }

  /** Everything but the shadow-paging operations and memory streams: exits are stateless (their TLB flush is an effect). */
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
      exits: this.x.exits, traceFaults: l.counter(this.nTrace), hiddenFaults: l.counter(this.nHidden), shadowEvictions: this.shadow.evictions,
      shadowBuilds: this.shadow.builds, shadowTeardowns: this.shadow.teardowns,
      ...this.streams.metrics(),
    };
  }

  /** #PF exits; the walk finds the guest PTE not present, so the fault is injected and the guest handles it. */
  private trueFault(ledger: Ledger): number {
    const x = this.x;
    return x.roundTrip(ledger) + x.guestWalk(ledger) + x.vmwrites(ledger, this.p.injectVmwrites) +
      x.guestDelivery(ledger, this.cpu.native.pageFaultCycles);
  }

  private pteWrite(ledger: Ledger, asid: number): number {
    const x = this.x;
    const outcome = this.shadow.pteWrite(asid);
    let c: number;
    if (outcome === PTE.traceFault) {
      ledger.count(this.nTrace, 1);
      c = x.roundTrip(ledger) + x.fetchDecode(ledger) + x.emulateWrite(ledger) + this.shadowUpdate(ledger) +
        x.vmwrites(ledger, this.p.ripVmwrites);
    } else {
      c = x.native(ledger, this.cpu.native.pteWriteCycles);
    }
    ledger.charge(CAT.ptemod, c);
    if (outcome === PTE.hiddenFault) c += this.hiddenFault(ledger, 1);
    return c;
  }

  private shadowUpdate(ledger: Ledger, n = 1): number {
    ledger.component(this.cShadowUpdate, n * this.p.shadowUpdateCycles, n);
    return n * this.p.shadowUpdateCycles;
  }

  /** `n` hidden faults: #PF exits the VMM resolves by filling the shadow; the guest never sees them. */
  private hiddenFault(ledger: Ledger, n: number): number {
    if (n === 0) return 0;
    const c = this.x.roundTrip(ledger, n) + this.x.guestWalk(ledger, n) + this.shadowUpdate(ledger, n);
    ledger.count(this.nHidden, n);
    ledger.chargeMany(CAT.hiddenpf, n, c);
    return c;
  }


  /** mov cr3 exits: switch shadows, write GUEST_CR3 and RIP, enter (the real CR3 load flushes the TLB). */
  private cr3Write(ledger: Ledger, asid: number, pages: number): number {
    const x = this.x;
    const p = this.p;
    const fill = this.sh.switchTo(ledger, asid, pages);
    const c = x.roundTrip(ledger) + p.shadowSwitchCycles + x.vmwrites(ledger, p.cr3Vmwrites) + x.native(ledger, this.cpu.native.cr3WriteCycles);
    return this.sh.finishSwitch(ledger, c, fill, (n) => this.hiddenFault(ledger, n));
  }
}

/** Registry entry of the hardware mode. */
export const hardwareMode: ModeDefinition<HardwareParams> = {
  id: 'hardware',
  description: 'hardware (VT-x/SVM) VMM with shadow page tables: exits, vmreads/vmwrites, decode and emulation, traces',
  vmmModel: 'hardware',
  paramsSchema: HardwareParamsSchema,
  translation: 'shadow',
  create: (cpu, params, env) => new HardwareActor(cpu, scaleVmmCycles(params, cpu), env),
};
