// The closed vocabulary of guest operations that cost actors consume.
// Operations are plain data objects discriminated by `kind`; a workload is a
// lazily iterated sequence of them (see stream.ts).

import type { MemoryStreamSpec } from '../mmu/memoryStream.js';
import type { MissSite } from '../mmu/missPrice.js';

/** Privilege level a stretch of computation runs at. */
export type CpuMode = 'user' | 'kernel';

/** Exception vectors the model distinguishes (divzero is Figure 4's). */
export const EXCEPTION_VECTORS = ['divzero', 'gp', 'ud', 'bp'] as const;
export type ExceptionVector = (typeof EXCEPTION_VECTORS)[number];

/** Interrupt sources: the guest timer and device completions. */
export const INTERRUPT_SOURCES = ['timer', 'disk', 'net', 'ipi'] as const;
export type InterruptSource = (typeof INTERRUPT_SOURCES)[number];

/**
 * `site` identifies the static kernel instruction an operation executes (its
 * code address): adaptive binary translation keys on it. Every expansion of
 * the same operation spec (the same line of a composite definition) shares a
 * site, as repeated calls of the same kernel function do.
 */
interface Sited {
  site: number;
}

/** Plain computation that never leaves the guest: `cycles` of native work. */
export interface ComputeOp { kind: 'compute'; cycles: number; mode: CpuMode }
/**
 * A piece of a computation the CPU cut at an event (the part before it, or
 * the rest): made on the fly and charged once, so a runner need not remember
 * it (TapedActor keeps no tape for it).
 */
export class TransientCompute implements ComputeOp {
  readonly kind = 'compute' as const;
  constructor(
    readonly cycles: number,
    readonly mode: CpuMode,
  ) {}
}

/** A user→kernel→user system call round trip (the kernel work is separate compute). */
export interface SyscallOp extends Sited { kind: 'syscall' }
/** Port I/O: one `in` or `out` instruction to `port`. */
export interface IoOp extends Sited { kind: 'io'; dir: 'in' | 'out'; port: number }
/** A write to CR8, the task-priority register. */
export interface Cr8WriteOp extends Sited { kind: 'cr8write' }
/**
 * A CR3 write: switch to address space `asid` (a context switch between
 * processes). `pages` is the user working set the guest touches in that
 * address space before it next switches away, `kernelPages` the kernel pages
 * it touches meanwhile: under shadow paging, the entries a freshly built
 * shadow must be filled with (hidden faults or prevalidation). Kernel
 * mappings are the same in every address space, but each shadow maps them
 * anew, so a rebuilt shadow refills both.
 */
export interface Cr3WriteOp extends Sited { kind: 'cr3write'; asid: number; pages: number; kernelPages: number }
/**
 * The guest builds a new page table for address space `asid` (fork, exec,
 * process creation): whatever a VMM kept for an earlier address space with
 * that id is gone, and the new one has no shadow until it first runs.
 */
export interface MmCreateOp { kind: 'mmCreate'; asid: number }
/**
 * The guest frees the page tables of address space `asid` (CURRENT_ASID: the
 * running one; exit, exec): a shadow-paging VMM tears down its shadow and
 * stops tracing its page-table pages.
 */
export interface MmDestroyOp { kind: 'mmDestroy'; asid: number }
/** A call/ret pair in kernel code (indirect control flow under BT). */
export interface CallRetOp { kind: 'callret' }
/** A true guest page fault: the guest kernel sees and handles it. */
export interface PageFaultOp extends Sited { kind: 'pgfault' }
/** `PteWriteOp.asid` value meaning "the address space currently running". */
export const CURRENT_ASID = -1;

/**
 * A store to a page-table entry of address space `asid` (CURRENT_ASID: the
 * running one; another id: e.g. fork filling in the child's tables). Shadow
 * paging charges traces by whose table is written.
 */
export interface PteWriteOp extends Sited { kind: 'pteWrite'; asid: number }
/** A synchronous exception (#DE, #GP, …) delivered to the guest. */
export interface ExceptionOp extends Sited { kind: 'exception'; vector: ExceptionVector }
/** A read of the time-stamp counter. */
export interface RdtscOp extends Sited { kind: 'rdtsc' }
/** First execution of kernel code: `units` translation units of `instructions` instructions in all. */
export interface NewKernelCodeOp { kind: 'newKernelCode'; units: number; instructions: number }
/**
 * A memory access that misses the TLB and walks the page table: counted by
 * the workload, priced by the MMU model at its site (working set, page size,
 * right after a flush or not).
 */
export interface TlbMissOp extends MissSite { kind: 'tlbMiss' }
/**
 * A stretch of guest code's memory accesses: `accesses` accesses of a
 * stream (working set, pattern, page size). The MMU model decides which miss
 * the TLB and what their walks cost; the instructions themselves are the
 * surrounding compute. Stream position is kept per `site`.
 */
export interface MemoryOp extends Sited {
  kind: 'memory';
  accesses: number;
  accessesPerInstruction: number;
  stream: MemoryStreamSpec;
}
/** An external interrupt delivered to the guest. */
export interface InterruptOp { kind: 'interrupt'; source: InterruptSource }

/** One primitive guest operation. */
export type Op =
  | ComputeOp
  | SyscallOp
  | IoOp
  | Cr8WriteOp
  | Cr3WriteOp
  | MmCreateOp
  | MmDestroyOp
  | CallRetOp
  | PageFaultOp
  | PteWriteOp
  | ExceptionOp
  | RdtscOp
  | NewKernelCodeOp
  | TlbMissOp
  | MemoryOp
  | InterruptOp;

/** Every primitive operation kind. */
export type OpKind = Op['kind'];

/** The primitive kinds in a fixed order (used by schemas and help text). */
export const OP_KINDS: readonly OpKind[] = [
  'compute', 'syscall', 'io', 'cr8write', 'cr3write', 'callret', 'pgfault',
  'pteWrite', 'exception', 'rdtsc', 'newKernelCode', 'tlbMiss', 'memory', 'interrupt',
  'mmCreate', 'mmDestroy',
];
