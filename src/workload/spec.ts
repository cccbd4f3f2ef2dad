// The YAML vocabulary of workloads: how scenario files and guest profiles
// write operations. An entry is a primitive (`{op: syscall}` or just
// `syscall`), a composite from the guest profile (`{use: fork}` or `fork`),
// or an inline loop (`{loop: [...], count: 8}`). `count` repeats an entry.
import { z } from 'zod';
import { DEVICES } from './control.js';
import { PAGE_SIZES } from '../mmu/mmuSchema.js';
import { PATTERNS, REGION_BYTES } from '../mmu/memoryStream.js';
import { DEFAULT_MISS_WORKING_SET_BYTES } from '../mmu/missPrice.js';
import { EXCEPTION_VECTORS, INTERRUPT_SOURCES } from './ops.js';

const count = z.int().positive().max(1e12).default(1).describe('how many times this entry repeats in a row');
const site = z
  .int()
  .nonnegative()
  .optional()
  .describe('static kernel instruction id (adaptive BT keys on it); default: one id per entry');

const prim = <K extends string, S extends z.ZodRawShape>(op: K, shape: S, description: string) =>
  z.strictObject({ op: z.literal(op), count, site, ...shape }).describe(description);

/** A primitive operation entry, discriminated by `op`. */
export const PrimitiveSpecSchema = z.discriminatedUnion('op', [
  prim('compute', {
    cycles: z.number().finite().nonnegative().describe('native cycles of plain computation'),
    mode: z.enum(['user', 'kernel']).default('user').describe('privilege level the code runs at'),
  }, 'plain computation that never leaves the guest'),
  prim('syscall', {}, 'a system call round trip'),
  prim('io', {
    dir: z.enum(['in', 'out']).default('in').describe('direction'),
    port: z.int().min(0).max(0xffff).default(0x80).describe('I/O port (0x80: the BIOS POST port)'),
  }, 'one port I/O instruction'),
  prim('cr8write', {}, 'write to CR8 (task priority)'),
  prim('cr3write', {
    asid: z.int().nonnegative().max(2 ** 31 - 1).default(0).describe('address space switched to'),
    pages: z.int().nonnegative().max(1e9).default(0)
      .describe('user working-set pages the guest touches in that address space before its next switch (shadow refills); 0 = none'),
    kernelPages: z.int().nonnegative().max(1e9).default(0)
      .describe('kernel pages touched meanwhile, which a rebuilt shadow maps again (shadow refills); 0 = none'),
  }, 'CR3 write: switch address space'),
  prim('mmCreate', {
    asid: z.int().nonnegative().max(2 ** 31 - 1).default(0).describe('the address space whose new page tables the guest builds'),
  }, 'the guest creates an address space (fork, exec): a VMM drops what it kept for that id'),
  prim('mmDestroy', {
    asid: z.int().nonnegative().max(2 ** 31 - 1).optional().describe('the address space whose page tables are freed; default: the running one'),
  }, 'the guest frees an address space (exit, exec): a shadow-paging VMM tears its shadow down'),
  prim('callret', {}, 'a call/ret pair in kernel code'),
  prim('pgfault', {}, 'a true guest page fault'),
  prim('pteWrite', {
    asid: z.int().nonnegative().max(2 ** 31 - 1).optional()
      .describe('address space whose page table is written; default: the running one'),
  }, 'a store to a page-table entry'),
  prim('exception', {
    vector: z.enum(EXCEPTION_VECTORS).default('divzero').describe('exception vector'),
  }, 'a synchronous exception delivered to the guest'),
  prim('rdtsc', {}, 'read the time-stamp counter'),
  prim('newKernelCode', {
    units: z.int().positive().describe('translation units (about one basic block each) run for the first time'),
    instructions: z.int().positive().describe('guest instructions in those units'),
  }, 'first execution of kernel code'),
  prim('tlbMiss', {
    workingSetBytes: z.int().min(4096).max(REGION_BYTES).default(DEFAULT_MISS_WORKING_SET_BYTES)
      .describe(`bytes of the working set the misses fall in; the MMU model prices each walk there (default ${DEFAULT_MISS_WORKING_SET_BYTES / 2 ** 20} MiB — ESTIMATE: a process's resident working set on a 1 GB machine of 2006)`),
    pageSize: z.enum(PAGE_SIZES).default('4K').describe('page size the guest maps the working set with'),
    afterFlush: z.int().nonnegative().max(4096).default(0)
      .describe('0: misses of the steady state; N: the misses refill N translations right after a TLB flush (a CR3 write or VM exit on a CPU without tags), so the page-walk cache starts empty'),
  }, 'a memory access that misses the TLB: its count is the workload\'s, its walk is priced by the MMU model (guest depth, walk caches, nested TLB)'),
  prim('memory', {
    accesses: z.int().positive().max(1e12).describe('memory accesses (loads and stores) in this stretch of code'),
    accessesPerInstruction: z
      .number().finite().positive().max(4)
      .default(0.4)
      .describe('accesses per instruction, to report misses per instruction (default 0.4 — ESTIMATE: loads and stores are about 40% of x86 instructions in the SPEC and server mixes)'),
    workingSetBytes: z.int().min(4096).max(REGION_BYTES).describe('bytes the stream touches, from the start of its region'),
    pattern: z.enum(PATTERNS).default('uniform').describe('uniform, sequential (strided sweep that wraps) or hotset (a hot prefix gets hotFraction of the accesses)'),
    strideBytes: z.int().positive().default(64).describe('sequential pattern: bytes between consecutive accesses'),
    hotSetBytes: z.int().positive().default(1048576).describe('hotset pattern: bytes of the hot prefix of the working set'),
    hotFraction: z.number().min(0).max(1).default(0.99).describe('hotset pattern: fraction of accesses to the hot set; the rest are uniform over the working set'),
    pageSize: z.enum(PAGE_SIZES).default('4K').describe('page size the guest maps the working set with'),
    region: z.int().min(0).max(63).default(0).describe('which mapping of the address space (heap, stack, …) the working set lies in'),
  }, 'memory accesses of a stream; TLB misses and walks come out of the MMU model').superRefine((m, ctx) => {
    if (m.pattern === 'hotset' && m.hotSetBytes > m.workingSetBytes) {
      ctx.addIssue({ code: 'custom', path: ['hotSetBytes'], message: `the hot set (${m.hotSetBytes} bytes) is larger than the working set (${m.workingSetBytes} bytes)` });
    }
  }),
  prim('interrupt', {
    source: z.enum(INTERRUPT_SOURCES).default('timer').describe('interrupt source'),
  }, 'an external interrupt'),
  prim('block', {
    device: z.enum(DEVICES).describe('device the task waits for; it completes after the device latency with an interrupt'),
  }, 'scheduler instruction: the task blocks on a device request (needs `devices:` in the workload)'),
]);

/** Use of a composite operation defined by the guest profile. */
export const UseSpecSchema = z
  .strictObject({
    use: z.string().min(1).describe('composite operation name from the guest profile'),
    count,
    asid: z.int().nonnegative().optional().describe("the address space the composite acts on: its cr3writes and targeted pteWrites to placeholder 0 go here (e.g. contextSwitch to process 2)"),
    from: z.int().nonnegative().optional().describe('the calling address space: placeholder 1 in the composite goes here (needs asid)'),
  })
  .describe('a composite operation of the guest profile');

/** An entry: primitive, composite use, inline loop or bare name. */
export type OpSpec =
  | string
  | z.infer<typeof PrimitiveSpecSchema>
  | z.infer<typeof UseSpecSchema>
  | { loop: OpSpec[]; count: number };

/** An inline loop of entries. */
export const LoopSpecSchema: z.ZodType<{ loop: OpSpec[]; count: number }, any> = z.lazy(() =>
  z
    .strictObject({ loop: z.array(OpSpecSchema).min(1).describe('entries of the loop body'), count })
    .describe('an inline loop'),
);

/**
 * One workload entry. Objects are told apart by their first key (op, use or
 * loop) so a mistake is reported against the branch the author meant.
 */
export const OpSpecSchema: z.ZodType<OpSpec, any> = z.lazy(() =>
  z.union([
    z.string().min(1).describe('a primitive kind with its defaults, or a composite name'),
    PrimitiveSpecSchema,
    UseSpecSchema,
    LoopSpecSchema,
  ]),
);

/** A list of entries. */
export const OpListSchema = z.array(OpSpecSchema).min(1);
