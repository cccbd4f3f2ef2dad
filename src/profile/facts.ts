// What a measurement says about the workload, in the terms the mapping
// needs (faults, switches, system calls by name, process creations), each
// with the counter it came from. The best source wins: perf's counters, then
// strace's per-call counts, then the process tree's resource usage.
import { counterKind } from './counterBounds.js';
import { counterValue, type CounterSet } from './counters.js';
import { normalizeSyscallName } from './syscallClasses.js';

/** A measured (or derived) count and where it came from. */
export interface Fact {
  value: number;
  from: string;
}

/** The workload's counts over the whole run (the measuring wrapper's own process taken out). */
export interface Facts {
  elapsedSeconds: number | null;
  userSeconds: Fact | null;
  sysSeconds: Fact | null;
  minorFaults: Fact | null;
  majorFaults: Fact | null;
  contextSwitches: Fact | null;
  /** Every system call entered. */
  syscallTotal: Fact | null;
  /** Calls by name (strace's spelling), when a tool counted them one by one; `other` holds the rest of the total. */
  syscalls: Map<string, number> | null;
  /** Creations with a page-table copy (fork, clone without CLONE_VM as glibc's fork() issues it). */
  forks: Fact | null;
  /** Creations without one (vfork, and clone3: glibc's posix_spawn and pthread_create use it with CLONE_VM). */
  spawns: Fact | null;
  execs: Fact | null;
  exits: Fact | null;
  waits: Fact | null;
  /** Block-device requests the tree issued itself. */
  diskRequests: Fact | null;
}

/**
 * The structural calls a measuring wrapper (GNU time or sh between the tool
 * and the command) adds: its own exec, one child creation, one wait, one exit.
 */
export interface WrapperShape {
  name: string;
  creation: 'clone' | 'vfork';
}

const sum = (xs: ReadonlyArray<number | null>): number | null => (xs.every((x) => x === null) ? null : xs.reduce<number>((a, x) => a + (x ?? 0), 0));
const fact = (value: number | null, from: string): Fact | null => (value === null ? null : { value: Math.max(0, value), from });

/** Derive the facts from raw counters; `wrapper` (null for an imported file) is subtracted. */
export function factsOf(set: CounterSet, wrapper: WrapperShape | null): Facts {
  const v = (name: string) => {
    // Every counter read here must be bounded where it is parsed (counterBounds.ts), or a huge value reaches the scenario.
    if (counterKind(name).kind === 'other') throw new Error(`bug: the mapping reads counter ${name}, which counterBounds.ts does not bound`);
    return counterValue(set, name);
  };
  const w = wrapper ? 1 : 0;
  const less = wrapper ? ` − 1 (${wrapper.name}, the measuring wrapper)` : '';

  const syscalls = syscallMap(set, wrapper);
  const named = (...names: string[]) => (syscalls ? names.reduce((a, n) => a + (syscalls.get(n) ?? 0), 0) : null);
  const fromStrace = set.counters.some((c) => c.source === 'strace');

  const rawTotal = v('raw_syscalls:sys_enter');
  // perf enables its counters as the wrapper's exec completes, so that execve is not counted.
  const syscallTotal = rawTotal !== null
    ? fact(rawTotal - 3 * w, `perf raw_syscalls:sys_enter${wrapper ? ` − 3 (${wrapper.name}'s ${wrapper.creation}, wait4, exit_group)` : ''}`)
    : syscalls ? fact([...syscalls.values()].reduce((a, b) => a + b, 0), fromStrace ? 'strace -c total (exit_group estimated: strace -c does not count calls that never return)' : 'sum of the named calls') : null;

  const schedFork = v('sched:sched_process_fork');
  const forks = syscalls ? fact(named('fork', 'clone'), 'clone + fork calls (glibc fork() issues clone without CLONE_VM)') : fact(schedFork === null ? null : schedFork - w, `perf sched:sched_process_fork${less} (ESTIMATE: every creation counted as a fork with a page-table copy; no per-call counts)`);
  const spawns = syscalls ? fact(named('vfork', 'clone3'), 'vfork + clone3 calls (CLONE_VM: vfork, posix_spawn, pthread_create)') : null;
  const schedExec = v('sched:sched_process_exec');
  // The tracepoint counts execs that succeeded (the command's own included); execve calls also count
  // the failed tries of an execvp along PATH.
  const execs = schedExec !== null
    ? fact(schedExec - w, `perf sched:sched_process_exec${less} (successful execs, the command's own included)`)
    : syscalls ? fact(named('execve', 'execveat'), 'execve + execveat calls') : null;
  const schedExit = v('sched:sched_process_exit');
  const creations = sum([forks?.value ?? null, spawns?.value ?? null]);
  const exits = syscalls && syscalls.has('exit_group') && !fromStrace
    ? fact(named('exit_group'), 'exit_group calls')
    : schedExit !== null ? fact(schedExit - w, `perf sched:sched_process_exit${less} (threads included)`)
      : creations !== null ? fact(creations + 1, 'ESTIMATE: every process created exits, and so does the command itself') : null;
  const waits = syscalls ? fact(named('wait4', 'waitid'), 'wait4 + waitid calls') : null;

  // NAME:u: perf could count user mode only (faults taken in kernel mode are left out).
  const perfMinor = v('minor-faults') ?? v('minor-faults:u');
  const perfAll = v('page-faults') ?? v('faults') ?? v('page-faults:u');
  const perfMajor = v('major-faults') ?? v('major-faults:u');
  // A user-mode-only perf leaves out faults taken in kernel mode: the resource usage counts them all.
  const userOnly = v('minor-faults') === null && (v('minor-faults:u') !== null || v('page-faults:u') !== null);
  const rusageMinor = v('rusage:minorFaults');
  const minorFaults = userOnly && rusageMinor !== null ? fact(rusageMinor, 'rusage: minor faults of the process tree (perf could count user mode only)')
    : perfMinor !== null ? fact(perfMinor, userOnly ? 'perf minor-faults:u (user mode only)' : 'perf minor-faults')
      : perfAll !== null ? fact(perfAll - (perfMajor ?? 0), 'perf page-faults − major-faults')
        : fact(rusageMinor, 'rusage: minor faults of the process tree');
  const majorFaults = perfMajor !== null ? fact(perfMajor, 'perf major-faults') : fact(v('rusage:majorFaults'), 'rusage: major faults of the process tree');

  const perfCs = v('context-switches') ?? v('cs');
  const invol = v('rusage:involuntarySwitches');
  const vol = v('rusage:voluntarySwitches');
  const contextSwitches = perfCs !== null ? fact(perfCs, 'perf context-switches')
    : fromStrace && invol !== null && creations !== null
      ? fact(invol + 2 * creations, 'rusage involuntary switches + 2 per process created (ESTIMATE: to the child and back; the voluntary switches measured under strace count every ptrace stop and are not used)')
      : invol !== null && vol !== null ? fact(invol + vol, 'rusage voluntary + involuntary switches of the process tree') : null;

  const { user, sys, timeFrom } = cpuTimes(set);
  return {
    elapsedSeconds: v('rusage:elapsedSeconds') ?? set.elapsedSeconds ?? (v('duration_time') !== null ? v('duration_time')! / 1e9 : null),
    userSeconds: fact(user, timeFrom),
    sysSeconds: fact(sys, timeFrom),
    minorFaults,
    majorFaults,
    contextSwitches,
    syscallTotal,
    syscalls: syscalls && syscallTotal ? withOther(syscalls, syscallTotal.value) : syscalls,
    forks,
    spawns,
    execs,
    exits,
    waits,
    diskRequests: fact(v('block:block_rq_issue'), 'perf block:block_rq_issue'),
  };
}

/**
 * User and system seconds of the tree. GNU time and /proc give them in 10 ms
 * ticks; where perf's task-clock (nanosecond resolution) is there too, it
 * is split in their ratio, so a short run is not rounded to zero.
 */
function cpuTimes(set: CounterSet): { user: number | null; sys: number | null; timeFrom: string } {
  const u = counterValue(set, 'rusage:userSeconds') ?? set.userSeconds;
  const s = counterValue(set, 'rusage:sysSeconds') ?? set.sysSeconds;
  const from = counterValue(set, 'rusage:userSeconds') !== null ? 'rusage of the process tree' : 'perf stat footer (rusage of the command)';
  const taskMs = counterValue(set, 'task-clock');
  if (u === null || s === null || taskMs === null || u + s === 0) return { user: u, sys: s, timeFrom: from };
  const total = taskMs / 1000;
  return { user: (total * u) / (u + s), sys: (total * s) / (u + s), timeFrom: `perf task-clock ${taskMs} ms split in the ratio of user ${u} s : system ${s} s (${from})` };
}

/** Per-name counts from perf's syscalls:sys_enter_* or strace's rows, less the wrapper's own calls. */
function syscallMap(set: CounterSet, wrapper: WrapperShape | null): Map<string, number> | null {
  const m = new Map<string, number>();
  let any = false;
  for (const c of set.counters) {
    if (c.status !== 'ok' || c.value === null) continue;
    const perf = /^syscalls:sys_enter_(\w+)$/.exec(c.name);
    const strace = /^strace:(\w+)$/.exec(c.name);
    const name = perf ? normalizeSyscallName(perf[1]) : strace && strace[1] !== 'total' ? strace[1] : null;
    if (name === null) continue;
    any = true;
    m.set(name, (m.get(name) ?? 0) + c.value);
  }
  if (!any) return null;
  const fromStrace = set.counters.some((c) => c.source === 'strace');
  if (fromStrace && !m.has('exit_group')) {
    // strace -c leaves out calls that never return; every process ends in one exit_group.
    m.set('exit_group', (m.get('fork') ?? 0) + (m.get('clone') ?? 0) + (m.get('vfork') ?? 0) + (m.get('clone3') ?? 0) + 1);
  }
  // The wrapper's own calls; perf does not see its execve (counting starts as that exec completes).
  const own = fromStrace ? ['execve', 'wait4', 'exit_group'] : ['wait4', 'exit_group'];
  if (wrapper) for (const n of [...own, wrapper.creation]) if (m.has(n)) m.set(n, Math.max(0, m.get(n)! - 1));
  return m;
}

/** Add `other`: calls the total has that no named counter covers. */
function withOther(m: Map<string, number>, total: number): Map<string, number> {
  const named = [...m.values()].reduce((a, b) => a + b, 0);
  const out = new Map(m);
  if (total > named) out.set('other', (out.get('other') ?? 0) + total - named);
  return out;
}
