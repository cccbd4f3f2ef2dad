// The `software` mode: a VMware-style binary translator. Guest user code runs
// directly; guest kernel code runs translated from the translation cache (TC).
// Prices come in three levels, anchored by the paper's rdtsc example: a trap
// into the VMM (2030), a callout from translated code (1254), an in-TC
// sequence (216); each is an overhead plus the emulation work itself.
// Privileged kernel instructions are translated into callouts or in-TC code
// up front; stores that hit traced page tables trap until adaptive BT
// (adaptiveBt.ts) retranslates their site. Shadow paging is shadow.ts.
import { z } from 'zod';
import { Mmu } from '../mmu/mmu.js';
import { MemoryStreams } from './memoryStreams.js';
import type { Op } from '../workload/ops.js';
import { NEVER_STATIC, type ActorEnv, type CostActor, type ModeDefinition } from './actor.js';
import { AdaptiveBt, AdaptiveParamsShape, SITE } from './adaptiveBt.js';
import { CAT } from './categories.js';
import { HostedIoShape, monitorPortMap } from './hostedIo.js';
import type { CpuModel } from './cpu.js';
import type { Ledger } from './ledger.js';
import { scaleVmmCycles } from './vmmCycles.js';
import { nativeCycles } from './native.js';
import { PTE, ShadowCharges, ShadowParamsShape, ShadowTables, shadowModeStatic } from './shadow.js';

const cycles = (d: string) => z.number().finite().nonnegative().describe(d);

/** Parameters of the software VMM (models/vmm/software.yaml). */
export const SoftwareParamsSchema = z
  .strictObject({
    trapCycles: cycles('a guest instruction faults into the VMM and the VMM returns to it, excluding the emulation work'),
    calloutCycles: cycles('translated code calls out into the VMM and returns, excluding the emulation work'),
    inTcHelperCycles: cycles('an in-TC emulation sequence calling a short VMM helper (virtual rdtsc, monitor-level port read, PTE store)'),
    inTcStoreCycles: cycles('an in-TC store to a virtual register (CR8/TPR, interrupt flag)'),
    indirectLookupCycles: cycles('a translated indirect branch (ret) through the guest-PC → TC-address hash table'),
    privReturnCycles: cycles('vector into the translated guest handler and, at its iret/sysexit, return to direct execution'),
    faultClassifyCycles: cycles('the generic fault path: decide whether a fault belongs to the guest and record it'),
    guestWalkCycles: cycles('walk the guest page table in software (classify a page fault, fill a shadow entry)'),
    translateCyclesPerInstruction: cycles('translating one guest instruction'),
    ...AdaptiveParamsShape,
    ...ShadowParamsShape,
    ...HostedIoShape,
  })
  .describe('software (binary-translating) VMM');

/** Validated software-VMM parameters. */
export type SoftwareParams = z.infer<typeof SoftwareParamsSchema>;

/** The emulation work of a traced PTE store: emulate the store, update the shadow. */
export function pteEmulationCycles(p: SoftwareParams): number {
  return p.inTcHelperCycles + p.shadowUpdateCycles;
}

/** A hidden fault under BT: trap, classify, walk the guest table, fill the shadow; the guest never sees it. */
export function softwareHiddenFaultCycles(p: SoftwareParams): number {
  return p.trapCycles + p.faultClassifyCycles + p.guestWalkCycles + p.shadowUpdateCycles;
}

class SoftwareActor implements CostActor {
  private readonly shadow: ShadowTables;
  private readonly bt: AdaptiveBt;
  /** Memory streams: the hardware walks the shadow table (one dimension). */
  private readonly streams: MemoryStreams;
  /** Counters (Ledger.newCounter) of hidden faults and traps. */
  private readonly nHidden: number;
  private readonly nTraps: number;
  private readonly ledger: Ledger;
  // component ids, interned once
  private readonly cNative: number;
  private readonly cTrap: number;
  private readonly cCallout: number;
  private readonly cInTc: number;
  private readonly cLookup: number;
  private readonly cPrivReturn: number;
  private readonly cClassify: number;
  private readonly cWalk: number;
  private readonly cShadowUpdate: number;
  /** Shadow switch, build, prevalidation and teardown, charged as every shadow-paging mode does. */
  private readonly sh: ShadowCharges;
  private readonly cTranslate: number;
  private readonly cWorldSwitch: number;
  private readonly cHostDevice: number;
  private readonly monitorPorts: Uint8Array;

  constructor(private readonly cpu: CpuModel, private readonly p: SoftwareParams, env: ActorEnv) {
    this.ledger = env.ledger;
    this.nHidden = env.ledger.newCounter();
    this.nTraps = env.ledger.newCounter();
    this.shadow = new ShadowTables(p);
    this.bt = new AdaptiveBt(p);
    this.streams = new MemoryStreams(new Mmu(cpu.mmu, softwareMode.translation), env.rng, env.ledger, 'shadowWalk', env.missPrices);
    const l = env.ledger;
    this.cNative = l.componentId('native');
    this.cTrap = l.componentId('trap');
    this.cCallout = l.componentId('callout');
    this.cInTc = l.componentId('inTC');
    this.cLookup = l.componentId('indirectLookup');
    this.cPrivReturn = l.componentId('privReturn');
    this.cClassify = l.componentId('faultClassify');
    this.cWalk = l.componentId('guestWalk');
    this.cShadowUpdate = l.componentId('shadowUpdate');
    this.sh = new ShadowCharges(this.shadow, p, l); // interns shadowSwitch, prevalidate, shadowBuild, shadowTeardown
    this.cTranslate = l.componentId('translate');
    this.cWorldSwitch = l.componentId('worldSwitch');
    this.cHostDevice = l.componentId('hostDevice');
    this.monitorPorts = monitorPortMap(p.monitorPorts);
  }

  charge(op: Op, ledger: Ledger): number {
    const p = this.p;
    switch (op.kind) {
      case 'compute': return this.plain(ledger, CAT.compute, op.cycles);
      case 'tlbMiss': return this.plain(ledger, CAT.tlbmiss, this.streams.missCycles(op)); // the hardware walks the shadow table
      case 'syscall': return this.guestEvent(ledger, CAT.syscall, nativeCycles(this.cpu, op), false);
      case 'exception': return this.guestEvent(ledger, CAT.exception, nativeCycles(this.cpu, op), true);
      case 'interrupt': return this.guestEvent(ledger, CAT.interrupt, nativeCycles(this.cpu, op), false);
      case 'pgfault': {
        ledger.component(this.cWalk, p.guestWalkCycles);
        const c = p.guestWalkCycles + this.guestEvent(ledger, -1, nativeCycles(this.cpu, op), true);
        ledger.charge(CAT.pgfault, c);
        return c;
      }
      case 'cr8write': return this.inTc(ledger, CAT.cr8, p.inTcStoreCycles);
      case 'rdtsc': return this.inTc(ledger, CAT.rdtsc, p.inTcHelperCycles);
      case 'io': return this.monitorPorts[op.port] === 1 ? this.inTc(ledger, CAT.io, p.inTcHelperCycles) : this.hostIo(ledger);
      case 'callret': {
        const n = this.cpu.native.callretCycles;
        ledger.component(this.cNative, n);
        ledger.component(this.cLookup, p.indirectLookupCycles);
        ledger.charge(CAT.callret, n + p.indirectLookupCycles);
        return n + p.indirectLookupCycles;
      }
      case 'newKernelCode': {
        const c = op.instructions * p.translateCyclesPerInstruction;
        ledger.component(this.cTranslate, c);
        ledger.charge(CAT.translate, c);
        return c;
      }
      case 'pteWrite': return this.pteWrite(ledger, op.asid, op.site);
      case 'memory': return this.streams.charge(op, ledger);
      case 'cr3write':
        this.streams.mmu.cr3Write(op.asid); // the shadow root is loaded: a TLB flush unless tagged
        return this.cr3Write(ledger, op.asid, op.pages + op.kernelPages);
      case 'mmCreate': case 'mmDestroy': return this.sh.teardown(ledger, op.asid);
    }
  }

  /**
   * A PTE write whose shadow outcome (trace fault, or no shadow) leaves the
   * shadows as they are, at a site whose adaptive-BT state that store leaves
   * as it is (see AdaptiveBt.settled), is static in that form.
   */
  variantOf(op: Op): number {
    if (op.kind !== 'pteWrite') return NEVER_STATIC;
    const outcome = this.shadow.pteWriteVariant(op.asid);
    return outcome >= 0 && this.bt.settled(op.site, outcome === PTE.traceFault) ? outcome : -1;
  }

  /** Everything but the shadow-paging operations (PTE writes also move adaptive BT) and memory streams. */
  isStatic(op: Op): boolean {
    return shadowModeStatic(op);
  }

  metrics(): Record<string, number> {
    const l = this.ledger;
    return {
      traps: l.counter(this.nTraps), hiddenFaults: l.counter(this.nHidden), retranslations: this.bt.retranslations, shadowEvictions: this.shadow.evictions,
      shadowBuilds: this.shadow.builds, shadowTeardowns: this.shadow.teardowns,
      ...this.streams.metrics(),
    };
  }

  private plain(ledger: Ledger, cat: number, c: number): number {
    ledger.component(this.cNative, c);
    ledger.charge(cat, c);
    return c;
  }

  private inTc(ledger: Ledger, cat: number, c: number): number {
    ledger.component(this.cInTc, c);
    ledger.charge(cat, c);
    return c;
  }

  /** Port I/O to a device the host emulates: a callout, then a world switch to the host and back. */
  private hostIo(ledger: Ledger): number {
    const p = this.p;
    ledger.component(this.cCallout, p.calloutCycles);
    ledger.component(this.cWorldSwitch, p.worldSwitchCycles);
    ledger.component(this.cHostDevice, p.hostDeviceCycles);
    const c = p.calloutCycles + p.worldSwitchCycles + p.hostDeviceCycles;
    ledger.charge(CAT.io, c);
    return c;
  }

  /** A trap into the VMM that is reflected to the guest's handler; `cat` < 0: the caller charges the category. */
  private guestEvent(ledger: Ledger, cat: number, native: number, classify: boolean): number {
    const p = this.p;
    ledger.count(this.nTraps, 1);
    ledger.component(this.cTrap, p.trapCycles);
    ledger.component(this.cNative, native);
    ledger.component(this.cPrivReturn, p.privReturnCycles);
    let c = p.trapCycles + native + p.privReturnCycles;
    if (classify) {
      ledger.component(this.cClassify, p.faultClassifyCycles);
      c += p.faultClassifyCycles;
    }
    if (cat >= 0) ledger.charge(cat, c);
    return c;
  }

  private pteWrite(ledger: Ledger, asid: number, site: number): number {
    const outcome = this.shadow.pteWrite(asid);
    const level = outcome === PTE.traceFault ? this.bt.traced(site) : this.bt.untraced(site);
    let c = 0;
    if (level === SITE.plain || level === SITE.adapted || level === SITE.adaptedThenRevert) {
      c = level === SITE.plain ? this.plainStore(ledger) : this.adaptedStore(ledger);
    } else {
      // trap and emulate: the store faults on the write-protected page table
      ledger.count(this.nTraps, 1);
      const work = this.emulatePte(ledger);
      ledger.component(this.cTrap, this.p.trapCycles);
      c = this.p.trapCycles + work;
    }
    ledger.charge(CAT.ptemod, c);
    if (level === SITE.trapThenAdapt || level === SITE.adaptedThenRevert) c += this.retranslate(ledger);
    if (outcome === PTE.hiddenFault) c += this.hiddenFault(ledger, 1);
    return c;
  }

  private plainStore(ledger: Ledger): number {
    const n = this.cpu.native.pteWriteCycles;
    ledger.component(this.cNative, n);
    return n;
  }

  /** An adapted site: the in-TC sequence, or a callout to the same emulation. */
  private adaptedStore(ledger: Ledger): number {
    const work = this.emulatePte(ledger);
    if (this.p.adaptedForm === 'inTC') return work;
    ledger.component(this.cCallout, this.p.calloutCycles);
    return this.p.calloutCycles + work;
  }

  private emulatePte(ledger: Ledger): number {
    ledger.component(this.cInTc, this.p.inTcHelperCycles);
    ledger.component(this.cShadowUpdate, this.p.shadowUpdateCycles);
    return pteEmulationCycles(this.p);
  }

  private retranslate(ledger: Ledger): number {
    const c = this.p.retranslateInstructions * this.p.translateCyclesPerInstruction;
    ledger.component(this.cTranslate, c);
    ledger.chargeCycles(CAT.translate, c);
    return c;
  }

  /** `n` hidden faults: shadow misses the VMM fills; the guest never sees them. */
  private hiddenFault(ledger: Ledger, n: number): number {
    if (n === 0) return 0;
    const p = this.p;
    ledger.count(this.nHidden, n);
    ledger.count(this.nTraps, n);
    ledger.component(this.cTrap, n * p.trapCycles, n);
    ledger.component(this.cClassify, n * p.faultClassifyCycles, n);
    ledger.component(this.cWalk, n * p.guestWalkCycles, n);
    ledger.component(this.cShadowUpdate, n * p.shadowUpdateCycles, n);
    const c = n * softwareHiddenFaultCycles(p);
    ledger.chargeMany(CAT.hiddenpf, n, c);
    return c;
  }


  /** mov cr3 in translated kernel code: a callout that switches shadows, then the refill policy. */
  private cr3Write(ledger: Ledger, asid: number, pages: number): number {
    const p = this.p;
    const fill = this.sh.switchTo(ledger, asid, pages);
    const native = this.cpu.native.cr3WriteCycles;
    ledger.component(this.cCallout, p.calloutCycles);
    ledger.component(this.cNative, native);
    const c = p.calloutCycles + p.shadowSwitchCycles + native;
    return this.sh.finishSwitch(ledger, c, fill, (n) => this.hiddenFault(ledger, n));
  }
}

/** Registry entry of the software mode. */
export const softwareMode: ModeDefinition<SoftwareParams> = {
  id: 'software',
  description: 'binary-translating VMM: traps, callouts, in-TC emulation, translation, adaptive BT, shadow page tables',
  vmmModel: 'software',
  paramsSchema: SoftwareParamsSchema,
  translation: 'shadow',
  create: (cpu, params, env) => new SoftwareActor(cpu, scaleVmmCycles(params, cpu), env),
};
