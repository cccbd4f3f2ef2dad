// The VM-exit path of a hardware VMM (VT-x/SVM), shared by the `hardware`
// and `nested` modes. Exits are stateless: every exit pays the exit latency,
// about ten vmreads to rebuild the guest state the handler needs, the VMM's
// common exit handler and the entry latency; exits on an instruction the VMM
// must emulate also fetch and decode it (walking the guest page table in
// software to find it) and write the advanced RIP back.
import { z } from 'zod';
import type { CpuModel } from './cpu.js';
import { HostedIoShape, monitorPortMap } from './hostedIo.js';
import type { Ledger } from './ledger.js';
import { DEFAULT_MISS_WORKING_SET_BYTES, measureMissCycles, type MissPrices, type MissSite } from '../mmu/missPrice.js';
import type { TranslationMode } from '../mmu/mmu.js';

const cycles = (d: string) => z.number().finite().nonnegative().describe(d);

/** Parameters of the hardware VMM's exit path (in models/vmm/hardware.yaml and nested.yaml). */
export const ExitPathShape = {
  vmreadsPerExit: z.int().nonnegative().max(100).describe('VMCS fields read to rebuild guest state on every exit'),
  exitHandlerCycles: cycles('the VMM common exit path: save/restore guest registers, dispatch on the exit reason, bookkeeping'),
  guestWalkCycles: cycles('walk the guest page table in software (find the faulting instruction, classify a fault, fill a shadow entry)'),
  decodeCycles: cycles('decode one x86 instruction in the VMM once its bytes are mapped'),
  emulateWriteCycles: cycles('emulate a decoded store to a traced page: effective address, access checks, the store itself'),
  ioDeviceCycles: cycles('the VMM port-I/O path: port handler lookup, access checks, virtual device, result into EAX'),
  injectVmwrites: z.int().nonnegative().max(20).describe('vmwrites to inject an event (interruption info, error code, instruction length)'),
  ripVmwrites: z.int().nonnegative().max(20).describe('vmwrites after emulating an instruction (guest RIP)'),
  cr3Vmwrites: z.int().nonnegative().max(20).describe('vmwrites after a CR3-load exit (GUEST_CR3, RIP)'),
  exitTlbRefillPages: z.number().finite().nonnegative().max(4096)
    .describe('translations the guest walks again after an exit/entry pair flushed its TLB (CPUs without VPID: mmu.tlbTagged false)'),
  ...HostedIoShape,
} as const;

const ExitPathSchema = z.strictObject(ExitPathShape);
/** The exit-path parameters. */
export type ExitPathParams = z.infer<typeof ExitPathSchema>;

/** Cycles of one exit round trip: exit + vmreads + handler + entry (pure). */
export function exitRoundTripCycles(cpu: CpuModel, p: ExitPathParams): number {
  return cpu.vmx.vmExitCycles + p.vmreadsPerExit * cpu.vmx.vmreadCycles + p.exitHandlerCycles + cpu.vmx.vmEntryCycles;
}

/** Where the refill after an exit walks: the first `exitTlbRefillPages` misses after a flush, in the default working set. */
export function exitRefillSite(p: ExitPathParams): MissSite {
  return { workingSetBytes: DEFAULT_MISS_WORKING_SET_BYTES, pageSize: '4K', afterFlush: Math.max(1, Math.round(p.exitTlbRefillPages)) };
}

/**
 * Cycles the guest spends after one exit walking again the translations the
 * exit and entry flushed: `exitTlbRefillPages` walks on a CPU without a
 * tagged TLB (no VPID/ASID), each priced by the MMU model in `mode` (a 1D
 * walk of the shadow table, a 2D walk under nested paging); 0 with tags (pure).
 */
export function exitTlbRefillCycles(cpu: CpuModel, p: ExitPathParams, mode: TranslationMode): number {
  return refillCycles(cpu, p, (site) => measureMissCycles(cpu.mmu, mode, site));
}

/** The refill with each walk priced by `priceWalk`, which is not asked at all on a CPU with a tagged TLB. */
function refillCycles(cpu: CpuModel, p: ExitPathParams, priceWalk: (site: MissSite) => number): number {
  return cpu.mmu.tlbTagged ? 0 : p.exitTlbRefillPages * priceWalk(exitRefillSite(p));
}

/** Cycles to fetch and decode the instruction that exited (pure). */
export function fetchDecodeCycles(p: ExitPathParams): number {
  return p.guestWalkCycles + p.decodeCycles;
}

/**
 * Charges the components of the exit path to a ledger. Holds the interned
 * component ids; each method records its components and returns its cycles
 * (the caller charges the category once with the total).
 */
export class ExitPath {
  /** Counter of exits taken (Ledger.newCounter). */
  private readonly cExits: number;
  private readonly cExit: number;
  private readonly cEntry: number;
  private readonly cVmread: number;
  private readonly cVmwrite: number;
  private readonly cHandler: number;
  private readonly cWalk: number;
  private readonly cDecode: number;
  private readonly cEmulate: number;
  private readonly cIo: number;
  private readonly cNative: number;
  private readonly cDelivery: number;
  private readonly cWorldSwitch: number;
  private readonly cHostDevice: number;
  private readonly cTlbRefill: number;
  private readonly monitorPorts: Uint8Array;
  /** Cycles the guest spends refilling its TLB after one exit (0 with a tagged TLB). */
  readonly refillCycles: number;

  /**
   * `misses`: the actor's miss prices, which price each TLB refill walk at
   * {@link exitRefillSite} in the actor's mode (a 1D walk of the shadow
   * table, a 2D walk under nested paging); asked only on a CPU without a
   * tagged TLB. `flushTlb`: empties the MMU model's TLBs, so memory streams
   * see the flush too.
   */
  constructor(private readonly cpu: CpuModel, readonly p: ExitPathParams, private readonly ledger: Ledger, misses: MissPrices, private readonly flushTlb?: () => void) {
    this.cExits = ledger.newCounter();
    this.cNative = ledger.componentId('native');
    this.cExit = ledger.componentId('vmExit');
    this.cVmread = ledger.componentId('vmread');
    this.cHandler = ledger.componentId('exitHandler');
    this.cWalk = ledger.componentId('guestWalk');
    this.cDecode = ledger.componentId('decode');
    this.cEmulate = ledger.componentId('emulate');
    this.cIo = ledger.componentId('ioDevice');
    this.cVmwrite = ledger.componentId('vmwrite');
    this.cEntry = ledger.componentId('vmEntry');
    this.cDelivery = ledger.componentId('nonRootExtra');
    this.cWorldSwitch = ledger.componentId('worldSwitch');
    this.cHostDevice = ledger.componentId('hostDevice');
    this.cTlbRefill = ledger.componentId('tlbRefill');
    this.monitorPorts = monitorPortMap(p.monitorPorts);
    this.refillCycles = refillCycles(cpu, p, (site) => misses.cycles(site));
  }

  /** Exits taken so far. */
  get exits(): number {
    return this.ledger.counter(this.cExits);
  }

  /** Exit, rebuild state, run the common handler, enter again (`n` times). */
  roundTrip(ledger: Ledger, n = 1): number {
    const v = this.cpu.vmx;
    ledger.count(this.cExits, n);
    ledger.component(this.cExit, n * v.vmExitCycles, n);
    ledger.component(this.cVmread, n * this.p.vmreadsPerExit * v.vmreadCycles, n * this.p.vmreadsPerExit);
    ledger.component(this.cHandler, n * this.p.exitHandlerCycles, n);
    ledger.component(this.cEntry, n * v.vmEntryCycles, n);
    if (this.refillCycles === 0) return n * exitRoundTripCycles(this.cpu, this.p);
    // Without VPID the exit and the entry flush the TLB; the guest walks its translations again.
    if (this.flushTlb !== undefined) ledger.effect(this.flushTlb);
    ledger.component(this.cTlbRefill, n * this.refillCycles, n * this.p.exitTlbRefillPages);
    return n * (exitRoundTripCycles(this.cpu, this.p) + this.refillCycles);
  }

  /** Fetch (walk the guest table to the instruction) and decode it. */
  fetchDecode(ledger: Ledger): number {
    ledger.component(this.cWalk, this.p.guestWalkCycles);
    ledger.component(this.cDecode, this.p.decodeCycles);
    return fetchDecodeCycles(this.p);
  }

  /** A software walk of the guest page table (`n` of them). */
  guestWalk(ledger: Ledger, n = 1): number {
    ledger.component(this.cWalk, n * this.p.guestWalkCycles, n);
    return n * this.p.guestWalkCycles;
  }

  /** Emulate a decoded store. */
  emulateWrite(ledger: Ledger): number {
    ledger.component(this.cEmulate, this.p.emulateWriteCycles);
    return this.p.emulateWriteCycles;
  }

  /** The port-I/O emulation path. */
  ioDevice(ledger: Ledger): number {
    ledger.component(this.cIo, this.p.ioDeviceCycles);
    return this.p.ioDeviceCycles;
  }

  /** `n` VMCS field writes. */
  vmwrites(ledger: Ledger, n: number): number {
    const c = n * this.cpu.vmx.vmwriteCycles;
    ledger.component(this.cVmwrite, c, n);
    return c;
  }

  /** Work the guest does exactly as natively. */
  native(ledger: Ledger, cycles: number): number {
    ledger.component(this.cNative, cycles);
    return cycles;
  }

  /** An exception, fault or interrupt delivered inside the guest: native delivery plus the non-root extra. */
  guestDelivery(ledger: Ledger, nativeCycles: number): number {
    const extra = this.cpu.vmx.guestEventDeliveryExtraCycles;
    ledger.component(this.cNative, nativeCycles);
    ledger.component(this.cDelivery, extra);
    return nativeCycles + extra;
  }

  /** A CR8 write in guest mode without an exit. */
  guestCr8Write(ledger: Ledger): number {
    const n = this.cpu.native.cr8WriteCycles;
    const extra = this.cpu.vmx.guestCr8WriteExtraCycles;
    ledger.component(this.cNative, n);
    ledger.component(this.cDelivery, extra);
    return n + extra;
  }

  /**
   * Port I/O: exit, fetch and decode the instruction, run the VMM's port
   * path, advance RIP, enter; a port the host emulates adds a world switch
   * and the host's device model.
   */
  portIo(ledger: Ledger, port: number): number {
    let c = this.roundTrip(ledger) + this.fetchDecode(ledger) + this.ioDevice(ledger) + this.vmwrites(ledger, this.p.ripVmwrites);
    if (this.monitorPorts[port] === 0) {
      ledger.component(this.cWorldSwitch, this.p.worldSwitchCycles);
      ledger.component(this.cHostDevice, this.p.hostDeviceCycles);
      c += this.p.worldSwitchCycles + this.p.hostDeviceCycles;
    }
    return c;
  }

  /** An external interrupt: exit (the host takes it), then inject the virtual one and deliver it in the guest. */
  interrupt(ledger: Ledger, nativeCycles: number): number {
    return this.roundTrip(ledger) + this.vmwrites(ledger, this.p.injectVmwrites) + this.guestDelivery(ledger, nativeCycles);
  }
}
