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
import { MemoryStreams } from './memoryStreams.js';
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

class InterpreterActor implements CostActor {
  /** Memory streams through the software TLB, recorded under softTlbWalk. */
  private readonly streams: MemoryStreams;
  private readonly monitorPorts: Uint8Array;
  /** Counter (Ledger.newCounter) of interpreted instructions. */
  private readonly nInstructions: number;
  private readonly ledger: Ledger;
  private readonly cInterpret: number;
  private readonly cEvent: number;
  private readonly cWalk: number;
  private readonly cSoftTlb: number;
  private readonly cDevice: number;
  private readonly cHostDevice: number;

  constructor(private readonly cpu: CpuModel, private readonly p: InterpreterParams, env: ActorEnv) {
    // The software TLB is assumed to have the hardware TLB's reach, so the native MMU model counts its misses.
    this.streams = new MemoryStreams(new Mmu(cpu.mmu, interpreterMode.translation), env.rng, env.ledger, 'softTlbWalk', env.missPrices);
    this.monitorPorts = monitorPortMap(p.monitorPorts);
    const l = env.ledger;
    this.ledger = l;
    this.nInstructions = l.newCounter();
    this.cInterpret = l.componentId('interpret');
    this.cEvent = l.componentId('eventEmulation');
    this.cWalk = l.componentId('guestWalk');
    this.cSoftTlb = l.componentId('softTlbWalk');
    this.cDevice = l.componentId('device');
    this.cHostDevice = l.componentId('hostDevice');
  }

  charge(op: Op, ledger: Ledger): number {
    const p = this.p;
    switch (op.kind) {
      case 'compute': {
        const n = guestInstructions(this.cpu, op.cycles, op.mode);
        return this.interpret(ledger, CAT.compute, n, 0);
      }
      // The int/sysenter or faulting instruction, then the emulated delivery and the handler's iret.
      case 'syscall': return this.interpret(ledger, CAT.syscall, 1, this.event(ledger));
      case 'exception': return this.interpret(ledger, CAT.exception, 1, this.event(ledger));
      case 'interrupt': return this.interpret(ledger, CAT.interrupt, 0, this.event(ledger)); // taken between instructions
      case 'pgfault': {
        ledger.component(this.cWalk, p.guestWalkCycles); // the walk finds the PTE not present
        return this.interpret(ledger, CAT.pgfault, 1, p.guestWalkCycles + this.event(ledger));
      }
      case 'io': {
        // An in-process device; one whose backend is on the host adds its host-side work (no world switch: a host process).
        ledger.component(this.cDevice, p.deviceCycles);
        if (this.monitorPorts[op.port] === 1) return this.interpret(ledger, CAT.io, 1, p.deviceCycles);
        ledger.component(this.cHostDevice, p.hostDeviceCycles);
        return this.interpret(ledger, CAT.io, 1, p.deviceCycles + p.hostDeviceCycles);
      }
      // Privileged instructions are ordinary interpreted ones: state in software, nothing traced or trapped.
      case 'cr8write': return this.interpret(ledger, CAT.cr8, 1, 0);
      case 'cr3write':
        this.streams.mmu.cr3Write(op.asid); // the software TLB is flushed with the virtual CR3 load
        return this.interpret(ledger, CAT.cr3, 1, 0);
      case 'callret': return this.interpret(ledger, CAT.callret, 2, 0);
      case 'pteWrite': return this.interpret(ledger, CAT.ptemod, 1, 0);
      case 'rdtsc': return this.interpret(ledger, CAT.rdtsc, 1, 0);
      case 'newKernelCode': ledger.charge(CAT.translate, 0); return 0; // nothing is translated
      case 'tlbMiss': {
        // A software-TLB refill: the walk's memory references (priced by the MMU model as a native walk) plus
        // the instructions that make the walk in software.
        const walk = this.streams.missCycles(op);
        const c = walk + p.guestWalkCycles;
        ledger.component(this.cSoftTlb, walk);
        ledger.component(this.cWalk, p.guestWalkCycles);
        ledger.charge(CAT.tlbmiss, c);
        return c;
      }
      case 'memory': return this.memory(op, ledger);
      // No shadows: the software walks the guest's own page tables, so a new or freed address space costs nothing extra.
      case 'mmCreate': case 'mmDestroy': ledger.charge(CAT.cr3, 0); return 0;
    }
  }

  /** Every kind but memory streams and CR3 loads (which flush the software TLB) costs the same each time and changes nothing else. */
  isStatic(op: Op): boolean {
    return op.kind !== 'memory' && op.kind !== 'cr3write';
  }

  metrics(): Record<string, number> {
    return { interpretedInstructions: this.ledger.counter(this.nInstructions), ...this.streams.metrics() };
  }

  /** `n` interpreted guest instructions plus `extra` cycles already recorded by component, charged to `cat`. */
  private interpret(ledger: Ledger, cat: number, n: number, extra: number): number {
    const c = n * this.p.interpretCyclesPerInstruction;
    ledger.count(this.nInstructions, n);
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
    const misses = this.streams.mmu.tlbMisses;
    const walk = this.streams.charge(op, ledger);
    const n = this.streams.mmu.tlbMisses - misses;
    const soft = n * this.p.guestWalkCycles;
    ledger.component(this.cWalk, soft, n);
    ledger.chargeCycles(CAT.tlbmiss, soft);
    return walk + soft;
  }
}

/** Registry entry of the interpreter mode. */
export const interpreterMode: ModeDefinition<InterpreterParams> = {
  id: 'interpreter',
  description: 'interpreter: every guest instruction (user and kernel) fetched, decoded and executed in software; software TLB, emulated events and devices',
  vmmModel: 'interpreter',
  paramsSchema: InterpreterParamsSchema,
  translation: 'native',
  create: (cpu, params, env) => new InterpreterActor(cpu, scaleVmmCycles(params, cpu), env),
};
