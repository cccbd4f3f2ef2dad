// The schema of a guest OS profile (models/guest/*.yaml): its timer rate and
// the composite operations (fork, exec, context switch, …) it builds from
// primitives, each with the derivation of its counts beside it.
import { z } from 'zod';
import { OpListSchema } from '../workload/spec.js';

/** One composite operation of a guest. */
export const CompositeSchema = z
  .strictObject({
    description: z.string().describe('what the operation is and how its counts were derived'),
    ops: OpListSchema.describe('the primitives (and other composites) it is made of'),
  })
  .describe('a composite guest operation');

/** A guest OS profile. */
export const GuestModelSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string(),
    timerHz: z.number().finite().positive().describe('guest timer interrupt rate, Hz'),
    quantumMs: z.number().finite().positive().default(100).describe('scheduler time slice of a CPU-bound process, ms (preemption is checked at timer ticks)'),
    pageTableLevels: z.int().min(2).max(5).optional()
      .describe("levels of the guest's page tables (2: 32-bit non-PAE, 3: PAE, 4: x86-64); sets the CPU model's mmu.guestLevels for this guest. Default: the CPU model's"),
    kernelCallretsPerKCycles: z.number().finite().nonnegative().max(100).default(0)
      .describe('kernel call/ret pairs (indirect control flow under BT) per 1000 native cycles of kernel computation; `calibrate` adds them to the kernel computation it sizes'),
    composites: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/), CompositeSchema).default({}),
  })
  .describe('a guest OS profile');

/** A validated guest profile. */
export type GuestModel = z.infer<typeof GuestModelSchema>;
