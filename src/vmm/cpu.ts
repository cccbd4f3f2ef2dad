// The parameter schema of a microarchitecture (models/cpu/*.yaml): clock,
// native operation costs, hardware-virtualization latencies and the
// address-translation hardware (src/mmu/mmuSchema.ts). Every field
// names its unit; every field is required so a model file states its numbers.
import { z } from 'zod';
import { MmuModelSchema } from '../mmu/mmuSchema.js';

const cycles = (description: string) => z.number().finite().nonnegative().describe(description);

/** Native (bare-metal) cost of each primitive operation, in cycles. */
export const NativeCostsSchema = z
  .strictObject({
    syscallCycles: cycles('user→kernel→user system call round trip'),
    inCycles: cycles('one `in` instruction from a port (port 0x80 in Figure 4)'),
    outCycles: cycles('one `out` instruction to a port'),
    cr8WriteCycles: cycles('write to CR8 (task priority register)'),
    cr3WriteCycles: cycles('write to CR3: address-space switch including the TLB flush'),
    callretCycles: cycles('call/ret pair'),
    pageFaultCycles: cycles('true page fault: exception delivery, handler entry and iret (handler work is separate compute)'),
    exceptionCycles: z
      .strictObject({
        divzero: cycles('divide-by-zero exception round trip'),
        gp: cycles('general-protection fault round trip'),
        ud: cycles('invalid-opcode fault round trip'),
        bp: cycles('breakpoint (int3) round trip'),
      })
      .describe('synchronous exception round trips, by vector'),
    pteWriteCycles: cycles('one store to a page-table entry'),
    rdtscCycles: cycles('rdtsc instruction'),
    interruptCycles: cycles('external interrupt delivery, handler entry and iret (handler work is separate compute)'),
  })
  .describe('native cost of each primitive operation, cycles');

/** Hardware-virtualization (VT-x/SVM) latencies, in cycles. */
export const VmxCostsSchema = z
  .strictObject({
    vmEntryCycles: cycles('VM entry (vmresume/vmrun) latency'),
    vmExitCycles: cycles('VM exit latency (page-fault exit of Table 1)'),
    vmreadCycles: cycles('one VMCS/VMCB field read'),
    vmwriteCycles: cycles('one VMCS/VMCB field write'),
    guestEventDeliveryExtraCycles: cycles(
      'extra cost of delivering an exception, fault or interrupt inside the guest (VMX non-root) over native delivery, no exit',
    ),
    guestCr8WriteExtraCycles: cycles('extra cost of a CR8 write inside the guest (VMX non-root) that does not exit, over native'),
  })
  .describe('hardware-virtualization latencies, cycles');

/**
 * Cycles per instruction of plain guest code, by privilege level: how many
 * guest instructions a `compute` of so many native cycles stands for. Modes
 * that do not run guest code directly (the interpreter) price instructions.
 */
export const CpiSchema = z
  .strictObject({
    user: z.number().finite().positive().describe('cycles per instruction of guest user code'),
    kernel: z.number().finite().positive().describe('cycles per instruction of guest kernel code'),
  })
  .describe('cycles per instruction of plain guest code, by privilege level');

/** A microarchitecture model (models/cpu/NAME.yaml). */
export const CpuModelSchema = z
  .strictObject({
    name: z.string().min(1).describe('short name, as scenarios refer to it'),
    description: z.string().describe('what this CPU is and where its numbers come from'),
    // The costs in models/ are cycles of CPUs clocked at 1–4 GHz. A rate
    // outside 1 MHz–100 GHz is a unit mistake (MHz or Hz written as GHz), and
    // far outside it cycles × rate overflows: 1e300 made every timer tick and
    // calibrated computation infinite, and the results NaN.
    clockGHz: z.number().finite().min(0.001).max(100).describe('core clock rate, GHz (0.001 to 100)'),
    vmmCodeCyclesScale: z
      .number()
      .finite()
      .positive()
      .describe('cycles this CPU takes per Pentium 4 cycle of VMM software (models/vmm costs are in Pentium 4 cycles)'),
    cpi: CpiSchema,
    native: NativeCostsSchema,
    vmx: VmxCostsSchema,
    mmu: MmuModelSchema,
  })
  .describe('a microarchitecture: clock, native op costs, VM entry/exit latencies, address translation');

/** A validated microarchitecture model. */
export type CpuModel = z.infer<typeof CpuModelSchema>;
