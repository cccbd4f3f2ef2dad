// The `interpreter` mode: every guest instruction, user and kernel, is
// fetched, decoded and executed by software (Bochs-style), so nothing runs
// directly. Computation is priced per guest instruction (native cycles over
// the CPU's CPI), privileged state lives in software: the MMU is a software
// TLB refilled by walking the guest page table, exceptions and interrupts are
// delivered by emulation, and devices are emulated in-process. There is no
// translation, no trace and no exit: the price is paid on every instruction.
import { z } from 'zod';
import { Mmu } from '../mmu/mmu.js';
import type { MemoryOp, Op } from '../workload/ops.js';
import type { ActorEnv, CostActor, ModeDefinition } from './actor.js';
import { CAT } from './categories.js';
import type { CpuModel } from './cpu.js';
import { HostedIoShape, monitorPortMap } from './hostedIo.js';
import type { Ledger } from './ledger.js';
import { StreamCursor } from '../mmu/memoryStream.js';
import { RepeatProbe } from './repeatProbe.js';
import { scaleVmmCycles } from './vmmCycles.js';

const cycles = (d: string) => z.number().finite().nonnegative().describe(d);

/** Parameters of the interpreter (models/vmm/interpreter.yaml). */
export const InterpreterParamsSchema = z
  .strictObject({
    interpretCyclesPerInstruction: cycles('fetch, decode and execute one guest instruction in software'),
    eventRoundTripCycles: cycles(
      'emulate one exception, interrupt or system-call round trip: gate and descriptor lookups, privilege and stack switch, frame push, and the handler\'s iret',
    ),
    guestWalkCycles: cycles('refill the software TLB: walk the guest page table in software (also finds a not-present PTE)'),
    deviceCycles: cycles('an in-process virtual device handling one port access'),
    monitorPorts: HostedIoShape.monitorPorts.describe('I/O ports whose devices are pure in-process models; any other port also reaches the host'),
    hostDeviceCycles: cycles('a port access whose device model reaches the host (a host system call to its backend)'),
  })
  .describe('interpreter: every guest instruction fetched, decoded and executed in software');

/** Validated interpreter parameters. */
export type InterpreterParams = z.infer<typeof InterpreterParamsSchema>;

/** Guest instructions a `compute` of `nativeCycles` at privilege `mode` stands for: cycles over the CPU's CPI. */
export function guestInstructions(cpu: CpuModel, nativeCycles: number, mode: 'user' | 'kernel'): number {
  return nativeCycles / cpu.cpi[mode];
}

/** Interpreted cost of a `compute` of `nativeCycles`: each of its guest instructions interpreted. */
export function interpretedComputeCycles(cpu: CpuModel, p: InterpreterParams, nativeCycles: number, mode: 'user' | 'kernel'): number {
  return guestInstructions(cpu, nativeCycles, mode) * p.interpretCyclesPerInstruction;
}

/**
 * A software-TLB refill: the memory references of the walk (priced as the
 * CPU's native walk) plus the instructions that make it in software.
 */
export function softTlbMissCycles(cpu: CpuModel, p: InterpreterParams): number {
  return cpu.native.tlbMissCycles + p.guestWalkCycles;
}

/**
 * Interpreted cost of every operation kind with a fixed price (pure); memory
 * streams are priced by the actor (their misses depend on TLB state). Guest
 * instructions each cost one interpretation; events add their emulated
 * delivery; port I/O adds its device.
 */
export function interpreterCycles(cpu: CpuModel, p: InterpreterParams, op: Op, hostPort = false): number {
  const i = p.interpretCyclesPerInstruction;
  switch (op.kind) {
    case 'compute': return interpretedComputeCycles(cpu, p, op.cycles, op.mode);
    case 'syscall': return i + p.eventRoundTripCycles; // the int/sysenter, then delivery and the handler's return
    case 'exception': return i + p.eventRoundTripCycles; // the faulting instruction, then delivery and return
    case 'pgfault': return i + p.guestWalkCycles + p.eventRoundTripCycles; // the walk finds the PTE not present
    case 'interrupt': return p.eventRoundTripCycles; // taken between two instructions
    case 'io': return i + p.deviceCycles + (hostPort ? p.hostDeviceCycles : 0);
    case 'cr8write': return i; // a store to the virtual TPR
    case 'cr3write': return i; // a store to the virtual CR3; the software TLB is flushed (its refills are tlbMiss/memory)
    case 'callret': return 2 * i;
    case 'pteWrite': return i; // an ordinary store: nothing is traced, the software TLB follows the guest's invlpg
    case 'rdtsc': return i;
    case 'newKernelCode': return 0; // nothing is translated
    case 'tlbMiss': return softTlbMissCycles(cpu, p);
    case 'memory': return 0; // stateful: see the actor
  }
}

class InterpreterActor implements CostActor {
  private readonly mmu: Mmu;
  private readonly cursors = new Map<number, StreamCursor>();
  private readonly hostPorts: Uint8Array;
  private readonly repeats = new RepeatProbe();
  private instructions = 0;
  private instructionsPerCopy = 0;
  private readonly cInterpret: number;
  private readonly cEvent: number;
  private readonly cWalk: number;
  private readonly cSoftTlb: number;
  private readonly cDevice: number;
  private readonly cHostDevice: number;

  constructor(private readonly cpu: CpuModel, private readonly p: InterpreterParams, private readonly env: ActorEnv) {
    // The software TLB is assumed to have the hardware TLB's reach, so the native MMU model counts its misses.
    this.mmu = new Mmu(cpu.mmu, 'native');
    const monitor = monitorPortMap(p.monitorPorts);
    this.hostPorts = monitor.map((m) => 1 - m);
    const l = env.ledger;
    this.cInterpret = l.componentId('interpret');
    this.cEvent = l.componentId('eventEmulation');
    this.cWalk = l.componentId('guestWalk');
    this.cSoftTlb = l.componentId('softTlbWalk');
    this.cDevice = l.componentId('device');
    this.cHostDevice = l.componentId('hostDevice');
  }

  charge(op: Op, ledger: Ledger): number {
    const p = this.p;
    const i = p.interpretCyclesPerInstruction;
    switch (op.kind) {
      case 'compute': {
        const n = guestInstructions(this.cpu, op.cycles, op.mode);
        return this.interpret(ledger, CAT.compute, n, 0);
      }
      case 'syscall': return this.interpret(ledger, CAT.syscall, 1, this.event(ledger));
      case 'exception': return this.interpret(ledger, CAT.exception, 1, this.event(ledger));
      case 'interrupt': return this.interpret(ledger, CAT.interrupt, 0, this.event(ledger));
      case 'pgfault': {
        ledger.component(this.cWalk, p.guestWalkCycles);
        return this.interpret(ledger, CAT.pgfault, 1, p.guestWalkCycles + this.event(ledger));
      }
      case 'io': {
        const host = this.hostPorts[op.port] === 1;
        ledger.component(this.cDevice, p.deviceCycles);
        if (host) ledger.component(this.cHostDevice, p.hostDeviceCycles);
        return this.interpret(ledger, CAT.io, 1, interpreterCycles(this.cpu, p, op, host) - i);
      }
      case 'cr8write': return this.interpret(ledger, CAT.cr8, 1, 0);
      case 'cr3write':
        this.mmu.cr3Write(op.asid); // the software TLB is flushed with the virtual CR3 load
        return this.interpret(ledger, CAT.cr3, 1, 0);
      case 'callret': return this.interpret(ledger, CAT.callret, 2, 0);
      case 'pteWrite': return this.interpret(ledger, CAT.ptemod, 1, 0);
      case 'rdtsc': return this.interpret(ledger, CAT.rdtsc, 1, 0);
      case 'newKernelCode': ledger.charge(CAT.translate, 0); return 0;
      case 'tlbMiss': {
        const c = softTlbMissCycles(this.cpu, p);
        ledger.component(this.cSoftTlb, this.cpu.native.tlbMissCycles);
        ledger.component(this.cWalk, p.guestWalkCycles);
        ledger.charge(CAT.tlbmiss, c);
        return c;
      }
      case 'memory': return this.memory(op, ledger);
    }
  }

  /** Every kind but memory streams and CR3 loads (which flush the software TLB) costs the same each time. */
  repeatCost(op: Op, copies: number, ledger: Ledger): number | null {
    if (op.kind === 'memory' || op.kind === 'cr3write') return null;
    const before = this.instructions;
    const c = this.repeats.probe(ledger, copies, (one) => this.charge(op, one));
    this.instructionsPerCopy = this.instructions - before;
    this.instructions = before;
    return c;
  }

  chargeRepeats(_op: Op, n: number, ledger: Ledger): void {
    this.repeats.replay(ledger, n);
    this.instructions += n * this.instructionsPerCopy;
  }

  metrics(): Record<string, number> {
    const m = this.mmu.metrics();
    const out: Record<string, number> = { interpretedInstructions: this.instructions };
    if (m.accesses > 0) {
      out.memoryAccesses = m.accesses;
      out.tlbMisses = m.tlbMisses;
      out.walkCycles = m.walkCycles;
    }
    return out;
  }

  /** `n` interpreted guest instructions plus `extra` cycles already recorded by component, charged to `cat`. */
  private interpret(ledger: Ledger, cat: number, n: number, extra: number): number {
    const c = n * this.p.interpretCyclesPerInstruction;
    this.instructions += n;
    if (n > 0) ledger.component(this.cInterpret, c);
    ledger.charge(cat, c + extra);
    return c + extra;
  }

  /** The emulated delivery and return of an event. */
  private event(ledger: Ledger): number {
    ledger.component(this.cEvent, this.p.eventRoundTripCycles);
    return this.p.eventRoundTripCycles;
  }

  /**
   * A stretch of memory accesses: the MMU model (with the software TLB's
   * reach taken as the hardware's) counts the misses and prices the walks'
   * memory references; each miss adds the software walk's instructions.
   */
  private memory(op: MemoryOp, ledger: Ledger): number {
    let cursor = this.cursors.get(op.site);
    if (cursor === undefined) {
      cursor = new StreamCursor();
      this.cursors.set(op.site, cursor);
    }
    const misses = this.mmu.tlbMisses;
    const walk = this.mmu.run(op.stream, cursor, op.accesses, op.accessesPerInstruction, this.env.rng);
    const n = this.mmu.tlbMisses - misses;
    const soft = n * this.p.guestWalkCycles;
    ledger.component(this.cSoftTlb, walk);
    ledger.component(this.cWalk, soft, n);
    ledger.chargeMany(CAT.tlbmiss, n, walk + soft);
    return walk + soft;
  }
}

/** Registry entry of the interpreter mode. */
export const interpreterMode: ModeDefinition<InterpreterParams> = {
  id: 'interpreter',
  description: 'interpreter: every guest instruction (user and kernel) fetched, decoded and executed in software; software TLB, emulated events and devices',
  vmmModel: 'interpreter',
  paramsSchema: InterpreterParamsSchema,
  create: (cpu, params, env) => new InterpreterActor(cpu, scaleVmmCycles(params, cpu), env),
};
