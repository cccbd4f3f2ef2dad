// The mapping from measured facts onto the guest profile's operations: which
// composites (fork, exec, exit, faults, system calls, switches) a run's
// counts become, how many of each over the whole run, and why. Composites
// carry system calls, faults and kernel work of their own (exec brings ld.so's
// calls and faults), so those are taken out of the measured totals first and
// only the residual becomes plain system calls and faults.
import type { GuestModel } from '../config/guestSchema.js';
import { compositeTable } from '../config/load.js';
import { WorkloadCompiler } from '../workload/expand.js';
import { OpSpecSchema } from '../workload/spec.js';
import type { OpNode } from '../workload/stream.js';
import { formatValue, MAX_EVENTS } from './counterBounds.js';
import type { Fact, Facts } from './facts.js';
import { SEND_CALLS, SYSCALL_CLASSES, syscallClass, type SyscallClass } from './syscallClasses.js';

/** Address space of the profiled command (the parent) and of the processes it creates. */
export const PARENT_ASID = 1;
export const CHILD_ASID = 2;

/** Where an entry sits in one iteration (see {@link ORDER}). */
type Slot =
  | 'fork' | 'spawn' | 'switchPairs' | 'toChild' | 'childCow' | 'exec' | 'syscalls' | 'faults' | 'ptes' | 'exit' | 'toParent' | 'parentCow' | 'wait';

/** One iteration: the parent creates, switches to the child, the child works and exits, the parent reaps it. */
export const ORDER: readonly Slot[] = ['fork', 'spawn', 'switchPairs', 'toChild', 'childCow', 'exec', 'syscalls', 'faults', 'ptes', 'exit', 'toParent', 'parentCow', 'wait'];

/** A workload entry as written in YAML: `{ use: fork, asid: 2 }`, `{ op: pteWrite }`. */
export type EntrySpec = Readonly<Record<string, string | number>>;

/** One mapped entry: `total` uses of `spec` over the whole run. */
export interface PlannedEntry {
  slot: Slot;
  /** The entry without its count, as the scenario writes it. */
  spec: EntrySpec;
  total: number;
  /** The derivation, written beside the entry. */
  why: string;
}

/** Counts of primitive kinds and native kernel cycles that entries bring. */
export interface Tally {
  kinds: Record<string, number>;
  kernelCycles: number;
}

/** The whole mapping: entries over the run, plain computation, the iteration count and the notes. */
export interface MixPlan {
  entries: PlannedEntry[];
  /** Iterations: one per creation of the commonest kind, else 1. */
  repeat: number;
  userCycles: number | null;
  kernelCycles: number | null;
  kernelWhy: string;
  /** What the composites brought, and what the residual entries add, over the run. */
  tally: Tally;
  notes: string[];
}

/** Calls that the process composites (fork, vfork, exec, exit, waitpid) stand for. */
const STRUCTURAL = new Set(['clone', 'clone3', 'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid']);
/** File calls that walk a path or move data (syscallFile); other file calls are short. */
const FILE_WORK = new Set([
  'read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'preadv', 'pwritev', 'open', 'openat', 'openat2', 'creat', 'stat', 'lstat', 'fstat',
  'newfstatat', 'statx', 'getdents', 'getdents64', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2', 'mkdir', 'mkdirat', 'rmdir',
  'access', 'faccessat', 'faccessat2', 'readlink', 'readlinkat', 'copy_file_range', 'sendfile',
]);
/** Private writable pages of a SMALL process (models/guest/linux-2.6.yaml, its SMALL convention). */
const SMALL_WRITABLE_PAGES = 11;
/** ESTIMATE: PTEs one mprotect changes — ld.so's RELRO mprotect covers one to a few present pages; a fresh malloc arena's, none. */
const PTES_PER_MPROTECT = 2;

/** Map `facts` onto the composites of `guest`; cycles are native cycles at `clockGHz`. */
export function planMix(facts: Facts, guest: GuestModel, clockGHz: number): MixPlan {
  const compiler = new WorkloadCompiler(compositeTable(guest));
  const unit = (spec: EntrySpec): Tally => tallyOf(compiler.compile([OpSpecSchema.parse(spec)], ['profile']));
  const notes: string[] = [];
  const entries: PlannedEntry[] = [];
  const add = (slot: Slot, spec: EntrySpec, total: number, why: string) => {
    if (total > 0) entries.push({ slot, spec, total: Math.round(total), why });
  };
  const n = (f: Fact | null, what: string): number => {
    if (f === null) notes.push(`${what}: not measured by the tools available; taken as 0`);
    return f?.value ?? 0;
  };

  const F = n(facts.forks, 'process creations (fork)');
  const V = facts.spawns?.value ?? 0;
  const E = n(facts.execs, 'execs');
  const X = n(facts.exits, 'exits');
  const W = facts.waits?.value ?? 0;
  // The first exec is the command's own (its shell started it); then vfork/spawn children exec, then fork children.
  const Eself = Math.min(E, 1);
  const Ev = Math.min(E - Eself, V);
  const Ef = Math.min(E - Eself - Ev, F);
  const Eo = E - Ev - Ef;
  const Fn = F - Ef;
  const threads = V - Ev;
  // Address spaces besides the command's: fork children, and spawned children that exec.
  const spaces = F + Ev > 0;

  add('fork', { use: 'fork', asid: CHILD_ASID }, F, `${F} forks = ${facts.forks?.from}; each copies a SMALL process's page tables into the child's address space`);
  add('spawn', { use: 'vfork' }, V, `${V} creations without a page-table copy = ${facts.spawns?.from}${threads > 0 ? `; ${threads} of them exec nothing (threads)` : ''}`);
  add('childCow', { use: 'cowFault' }, 3 * Fn + 2 * Ef, `fork children: ${Fn} that exec nothing × 3 COW copies every fork child takes (its stack, its TCB, a libc data page; the rest comes from the measured faults below) + ${Ef} that exec × 2 (stack and TCB before exec, as forkExec)`);
  add('parentCow', { use: 'cowReuse' }, 3 * Fn, `${Fn} fork children that exec nothing × 3: the parent re-writes the same pages after the child is gone (reuse, no copy)`);
  add('exec', { use: 'exec', asid: CHILD_ASID }, Ef + Eo, `${E} execs = ${facts.execs?.from}: ${Ef} by fork children and ${Eo} by a process that did not just fork (the command's own, started by its shell) tear down an inherited image and build a new one (exec)`);
  add('exec', { use: 'execImage', asid: CHILD_ASID }, Ev, `${Ev} execs by vfork/posix_spawn children: a new image only (execImage)`);
  add('exit', { use: 'exit' }, X, `${X} exits = ${facts.exits?.from}; each zaps a SMALL process's page tables`);
  add('wait', { use: 'waitpid' }, W, `${W} waits = ${facts.waits?.from ?? 'not measured'}`);

  // Context switches: a uniprocessor guest must switch to every child it creates and back.
  const measuredCs = n(facts.contextSwitches, 'context switches');
  const floor = 2 * (F + Ev);
  const cs = Math.max(measuredCs, floor);
  if (cs > measuredCs) notes.push(`context switches raised from the measured ${measuredCs} to ${cs}: on a uniprocessor guest each of the ${F + Ev} processes created is switched to and back (2 each); the host has more CPUs, where a child runs beside its parent`);
  if (spaces) {
    const pairs = Math.ceil(cs / 2);
    add('toChild', { use: 'contextSwitch', asid: CHILD_ASID }, pairs, `${cs} context switches (${facts.contextSwitches?.from ?? 'the floor'}${cs > measuredCs ? ', raised to 2 per creation' : ''}) between the parent's address space and its children's, in pairs`);
    add('toParent', { use: 'contextSwitch', asid: PARENT_ASID }, pairs, 'the other half of each pair: back to the parent');
  } else {
    add('switchPairs', { use: 'threadSwitch' }, cs, `${cs} context switches (${facts.contextSwitches?.from}); one address space: a switch to the idle task or a kernel thread keeps the mm (lazy TLB), so no CR3 write`);
  }

  const structural = tallyEntries(entries, unit);
  syscallEntries(facts, structural, add, notes);
  const withCalls = tallyEntries(entries, unit);

  // Faults: the composites' own (exec's ld.so and text pages, COW) come out of the measured count.
  const minor = n(facts.minorFaults, 'minor faults');
  const major = facts.majorFaults?.value ?? 0;
  const inComposites = withCalls.kinds.pgfault ?? 0;
  const residual = Math.max(0, minor - inComposites);
  if (minor < inComposites) notes.push(`the composites hold ${inComposites} page faults, more than the ${minor} measured minor faults; no plain faults added`);
  // A fork child that execs nothing shares all of SMALL's writable pages with its parent: the faults
  // beyond the composites' COW faults are more COW faults (child copies, parent reuses), up to every
  // writable page on both sides. Only the rest are first touches of new pages.
  const cowRoom = Math.max(0, Fn * 2 * SMALL_WRITABLE_PAGES - 6 * Fn);
  const extraCow = Math.min(residual, cowRoom);
  const residualFaults = residual - extraCow;
  if (extraCow > 0) {
    const child = entries.find((e) => e.slot === 'childCow')!;
    const parent = entries.find((e) => e.slot === 'parentCow')!;
    child.total += Math.ceil(extraCow / 2);
    parent.total += Math.floor(extraCow / 2);
    const more = `; + ${extraCow} of the measured faults beyond the composites' (${minor} − ${inComposites}) are more COW faults of the ${Fn} fork children and their parent (at most ${2 * SMALL_WRITABLE_PAGES} per fork: SMALL's ${SMALL_WRITABLE_PAGES} writable pages on each side), half copies in the child`;
    child.why += `${more} (${Math.ceil(extraCow / 2)})`;
    parent.why += `; + ${Math.floor(extraCow / 2)}, the other half of those: reuse in the parent`;
  }
  add('faults', { use: 'zeroFault' }, residualFaults, `${minor} minor faults (${facts.minorFaults?.from}) − ${inComposites} in the composites above${extraCow > 0 ? ` − ${extraCow} more COW faults` : ''} = ${residualFaults} first touches, taken as demand-zero (ESTIMATE: program text is in exec's fileFaults; heap, stack and buffers are anonymous)`);
  add('faults', { use: 'fileFault' }, major, `${major} major faults (${facts.majorFaults?.from ?? 'not measured'}): pages read from a file`);
  const disk = facts.diskRequests?.value ?? 0;
  add('faults', { op: 'io', dir: 'out', port: 0x1000 }, 2 * disk, `${disk} block requests (${facts.diskRequests?.from}) × 2 HBA register writes (as diskRead)`);
  add('faults', { use: 'diskInterrupt' }, disk, `${disk} block requests: one completion interrupt each`);

  // PTE writes beyond the composites': every PTE a residual fault installed is cleared once (munmap or exit).
  const mprotect = facts.syscalls?.get('mprotect') ?? 0;
  add('ptes', { op: 'pteWrite' }, residualFaults + major + PTES_PER_MPROTECT * mprotect,
    `${residualFaults + major} PTEs installed by the plain faults are each cleared once (munmap or exit; the composites' exit covers only SMALL's pages) + ${mprotect} mprotect × ${PTES_PER_MPROTECT} (ESTIMATE: ld.so's RELRO mprotect covers a few present pages)`);

  const tally = tallyEntries(entries, unit);
  const userCycles = facts.userSeconds ? facts.userSeconds.value * clockGHz * 1e9 : null;
  let kernelCycles: number | null = null;
  let kernelWhy = 'kernel time not measured: no kernel computation beyond the composites';
  if (facts.sysSeconds) {
    const measured = facts.sysSeconds.value * clockGHz * 1e9;
    kernelCycles = Math.max(0, measured - tally.kernelCycles);
    kernelWhy = `${Number(facts.sysSeconds.value.toPrecision(4))} s system time (${facts.sysSeconds.from}) × ${clockGHz} GHz = ${Math.round(measured)} cycles − ${Math.round(tally.kernelCycles)} kernel cycles the composites above already charge`;
    if (measured < tally.kernelCycles) notes.push(`the composites charge ${Math.round(tally.kernelCycles)} kernel cycles, more than the measured ${Math.round(measured)}; no plain kernel computation added`);
  }
  return { entries, repeat: Math.max(1, F, V), userCycles, kernelCycles, kernelWhy, tally, notes };
}

/**
 * Why `plan` cannot be written as a scenario, or null. Each counter is
 * bounded where it is read (counterBounds.ts), but the mapping adds counters
 * up (the calls of every name, a fork's COW faults, two PTE writes per
 * mprotect), so a total can still pass what one scenario entry repeats.
 */
export function replayProblem(plan: MixPlan): string | null {
  for (const e of plan.entries) {
    if (!(e.total <= MAX_EVENTS)) {
      const what = String(e.spec.use ?? e.spec.op);
      return `the counts add up to ${formatValue(e.total)} × ${what} over the run, more than the 10^12 a scenario can replay (${e.why.length > 160 ? `${e.why.slice(0, 157)}…` : e.why}); expected the counts of one run`;
    }
  }
  for (const [what, cycles] of [['user', plan.userCycles], ['kernel', plan.kernelCycles]] as const) {
    if (cycles !== null && !Number.isFinite(cycles)) return `the ${what} time comes to a number of cycles that is not finite; expected the times of one run`;
  }
  return null;
}

/** Residual system calls, by class, after the composites' own. */
function syscallEntries(facts: Facts, structural: Tally, add: (slot: Slot, spec: EntrySpec, total: number, why: string) => void, notes: string[]): void {
  if (facts.syscallTotal === null) {
    notes.push('system calls: not measured (no perf tracepoints and no strace); only those inside the composites are modeled');
    return;
  }
  const total = facts.syscallTotal.value;
  const inComposites = structural.kinds.syscall ?? 0;
  const residual = Math.max(0, total - inComposites);
  if (total < inComposites) notes.push(`the composites hold ${inComposites} system calls, more than the ${total} measured; no plain calls added`);
  const head = `${total} system calls (${facts.syscallTotal.from}) − ${inComposites} inside the composites = ${residual}`;
  if (facts.syscalls === null) {
    add('syscalls', { use: 'syscallShort' }, residual, `${head}; not counted by name, so all short (syscallShort)`);
    return;
  }
  // Share the residual out in proportion to the measured non-structural calls of each kind.
  const groups: Record<'file' | 'short' | 'send', number> = { file: 0, short: 0, send: 0 };
  const byClass = Object.fromEntries(SYSCALL_CLASSES.map((c) => [c, 0])) as Record<SyscallClass, number>;
  for (const [name, count] of facts.syscalls) {
    if (STRUCTURAL.has(name)) continue;
    byClass[syscallClass(name)] += count;
    groups[FILE_WORK.has(name) ? 'file' : SEND_CALLS.includes(name) ? 'send' : 'short'] += count;
  }
  const all = groups.file + groups.short + groups.send;
  if (all === 0) return;
  const classes = SYSCALL_CLASSES.map((c) => `${c} ${byClass[c]}`).join(', ');
  const file = Math.round((residual * groups.file) / all);
  const send = Math.round((residual * groups.send) / all);
  const short = residual - file - send;
  add('syscalls', { use: 'syscallFile' }, file, `${head}, shared as the measured non-process calls are (${classes}): ${groups.file} path/data file calls → syscallFile`);
  add('syscalls', { use: 'syscallShort' }, short, `the rest of the ${residual}: short calls (close, lseek, memory, signals, time, other) → syscallShort`);
  if (send > 0) {
    add('syscalls', { use: 'syscallShort' }, send, `${groups.send} measured sends (sendto/sendmsg): the call`);
    add('syscalls', { use: 'netSend' }, send, 'and one frame each through the guest NIC (netSend: I/O through the device model)');
  }
}

function tallyEntries(entries: readonly PlannedEntry[], unit: (spec: EntrySpec) => Tally): Tally {
  const t: Tally = { kinds: {}, kernelCycles: 0 };
  for (const e of entries) {
    const u = unit(e.spec);
    for (const [k, c] of Object.entries(u.kinds)) t.kinds[k] = (t.kinds[k] ?? 0) + c * e.total;
    t.kernelCycles += u.kernelCycles * e.total;
  }
  return t;
}

/** Primitive kinds and kernel cycles of a compiled op tree, run once. */
export function tallyOf(nodes: readonly OpNode[], mult = 1, t: Tally = { kinds: {}, kernelCycles: 0 }): Tally {
  for (const node of nodes) {
    if ('body' in node) {
      tallyOf(node.body, mult * node.count, t);
      continue;
    }
    const item = node.op;
    const times = mult * node.count;
    t.kinds[item.kind] = (t.kinds[item.kind] ?? 0) + times;
    if (item.kind === 'compute' && item.mode === 'kernel') t.kernelCycles += item.cycles * times;
  }
  return t;
}
