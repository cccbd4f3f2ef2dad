// Finds the measuring tools on this machine at run time and probes whether
// they are permitted: perf stat (software events, then tracepoints), strace
// (ptrace) and GNU time (the process tree's resource usage). A tool that is
// missing or refused is reported with the setting that would enable it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parsePerfStat } from './perfStat.js';
import { TRACED_SYSCALLS } from './syscallClasses.js';

/** perf's software events the profile asks for. */
export const SOFTWARE_EVENTS = ['page-faults', 'minor-faults', 'major-faults', 'context-switches', 'cpu-migrations', 'task-clock', 'duration_time'];
/** Tracepoints besides the per-call ones. */
export const TRACEPOINTS = ['raw_syscalls:sys_enter', 'sched:sched_process_fork', 'sched:sched_process_exec', 'sched:sched_process_exit', 'exceptions:page_fault_user', 'exceptions:page_fault_kernel', 'block:block_rq_issue'];

/** What was found: each tool's path (null when not usable) and the reasons. */
export interface ToolSet {
  perf: { path: string; version: string; events: string[]; tracepoints: boolean } | null;
  strace: { path: string; version: string } | null;
  time: { path: string } | null;
  /** One line per tool not found, not permitted or left out, with what would enable it. */
  missing: string[];
}

/** Which tools the user turned off. */
export interface ToolChoice {
  perf: boolean;
  strace: boolean;
}

/** The absolute path of `name` on PATH, or null. */
export function which(name: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

const sysctl = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

/** Directory of tracefs event definitions, if readable. */
export function tracefsEvents(): string | null {
  for (const d of ['/sys/kernel/tracing/events', '/sys/kernel/debug/tracing/events']) {
    try {
      accessSync(join(d, 'raw_syscalls'), constants.R_OK);
      return d;
    } catch {
      // try the next
    }
  }
  return null;
}

/** Detect and probe the tools (each probe runs `true` under the tool). */
export function detectTools(choice: ToolChoice): ToolSet {
  const missing: string[] = [];
  const time = probeTime(missing);
  const perf = choice.perf ? probePerf(missing) : (missing.push('perf: turned off (--no-perf)'), null);
  let strace: ToolSet['strace'] = null;
  if (!choice.strace) missing.push('strace: turned off (--no-strace)');
  else if (perf?.tracepoints) {
    // perf counts calls by name already; strace would only slow the command down.
  } else strace = probeStrace(missing);
  return { perf, strace, time, missing };
}

function probePerf(missing: string[]): ToolSet['perf'] {
  const path = which('perf');
  if (path === null) {
    missing.push('perf: not found on PATH (Debian: apt-get install linux-perf); no software-event counts');
    return null;
  }
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const paranoid = sysctl('/proc/sys/kernel/perf_event_paranoid');
  const sw = perfProbe(path, SOFTWARE_EVENTS);
  if (sw === null) {
    missing.push(`perf: not permitted or not working (kernel.perf_event_paranoid=${paranoid}; software events need ≤ 2, or CAP_PERFMON; in a container, the seccomp profile must allow perf_event_open)`);
    return null;
  }
  const events = sw.events;
  if (sw.userOnly) missing.push(`perf: counts user mode only (kernel.perf_event_paranoid=${paranoid}; ≤ 1, or CAP_PERFMON, counts kernel mode too): its faults leave out kernel-mode faults and its context switches are not used`);
  const dir = tracefsEvents();
  if (dir === null) {
    missing.push(`perf tracepoints: tracefs is not readable (mount it at /sys/kernel/tracing; a non-root user also needs kernel.perf_event_paranoid=-1, now ${paranoid}); no per-call counts from perf`);
    return { path, version, events, tracepoints: false };
  }
  if (perfProbe(path, ['raw_syscalls:sys_enter']) === null) {
    missing.push(`perf tracepoints: not permitted (kernel.perf_event_paranoid=${paranoid}; tracepoints need -1, or root / CAP_PERFMON with tracefs readable)`);
    return { path, version, events, tracepoints: false };
  }
  const exists = (tp: string) => existsSync(join(dir, ...tp.split(':')));
  const skipped = TRACEPOINTS.filter((t) => !exists(t));
  if (skipped.length) missing.push(`perf tracepoints this kernel does not have: ${skipped.join(', ')}`);
  const calls = TRACED_SYSCALLS.map((s) => `syscalls:sys_enter_${s}`).filter(exists);
  return { path, version, events: [...events, ...TRACEPOINTS.filter(exists), ...calls], tracepoints: true };
}

/** The events of `events` perf can count here (unsupported ones dropped), or null if perf refuses. */
function perfProbe(path: string, events: readonly string[]): { events: string[]; userOnly: boolean } | null {
  const dir = mkdtempSync(join(tmpdir(), 'vmmsim-probe-'));
  try {
    const out = join(dir, 'perf.txt');
    const r = spawnSync(path, ['stat', '-x,', '-o', out, '-e', events.join(','), '--', 'true'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, timeout: 30_000 });
    if (r.status !== 0 || !existsSync(out)) return null;
    const set = parsePerfStat(readFileSync(out, 'utf8'), out);
    // Without the right to count kernel mode, perf counts user mode only and names events NAME:u.
    const ok = events.filter((e) => set.counters.some((c) => (c.name === e || c.name === `${e}:u`) && c.status !== 'not supported'));
    return ok.length > 0 ? { events: ok, userOnly: set.counters.some((c) => c.name.endsWith(':u')) } : null;
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function probeStrace(missing: string[]): ToolSet['strace'] {
  const path = which('strace');
  if (path === null) {
    missing.push('strace: not found on PATH (Debian: apt-get install strace); no per-call counts');
    return null;
  }
  const r = spawnSync(path, ['-f', '-c', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    missing.push(`strace: not permitted (ptrace refused: kernel.yama.ptrace_scope=${sysctl('/proc/sys/kernel/yama/ptrace_scope')}; 0 or 1 lets a process trace its own children; in a container, CAP_SYS_PTRACE and a seccomp profile that allows ptrace)`);
    return null;
  }
  return { path, version: (r.stderr || spawnSync(path, ['-V'], { encoding: 'utf8' }).stdout || '').split('\n')[0].trim() };
}

function probeTime(missing: string[]): ToolSet['time'] {
  const path = which('time');
  if (path === null) {
    missing.push('GNU time: not found (Debian: apt-get install time); the process tree\'s times and faults come from /proc/self/stat instead (no context switches, and under perf or strace their own usage is included)');
    return null;
  }
  const r = spawnSync(path, ['-o', '/dev/null', '-f', '%e %U %S %R %F %w %c %x', '--', 'true'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) {
    missing.push(`GNU time: ${path} does not take -o/-f (not GNU time); the process tree's usage comes from /proc/self/stat instead`);
    return null;
  }
  return { path };
}
