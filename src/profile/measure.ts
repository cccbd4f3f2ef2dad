// Runs a command natively under the best tools available and collects their
// counters: perf stat (or strace -f -c) outside, GNU time inside, so the
// resource usage is the command tree's own. The command runs in a process
// group of its own; on --timeout the whole group is killed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../config/errors.js';
import type { CounterSet, RawCounter } from './counters.js';
import { mergeCounterSets } from './counters.js';
import type { WrapperShape } from './facts.js';
import { parsePerfStat } from './perfStat.js';
import { parseStraceSummary } from './straceSummary.js';
import type { ToolSet } from './tools.js';

/** How a measured run ended. */
export type RunEnd = { kind: 'exited'; status: number } | { kind: 'signaled'; signal: string } | { kind: 'timeout'; seconds: number };

/** The counters of one run, the tools' descriptions and how the command ended. */
export interface Measured {
  set: CounterSet;
  end: RunEnd;
  /** The wrapper whose own process is in the counts (null: none). */
  wrapper: WrapperShape | null;
  tools: string[];
}

/** GNU time's format: elapsed, user, sys, minor, major, voluntary, involuntary switches, exit status. */
const TIME_FORMAT = '%e %U %S %R %F %w %c %x';
const RUSAGE_FIELDS = ['elapsedSeconds', 'userSeconds', 'sysSeconds', 'minorFaults', 'majorFaults', 'voluntarySwitches', 'involuntarySwitches', 'exitStatus'] as const;

/** Run `command` under `tools`; `stdoutFd` receives the command's standard output. */
export async function measure(command: readonly string[], tools: ToolSet, opts: { timeoutSeconds: number | null; stdoutFd: number }): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'vmmsim-profile-'));
  try {
    const files = { perf: join(dir, 'perf.txt'), strace: join(dir, 'strace.txt'), time: join(dir, 'time.txt') };
    let argv = [...command];
    const toolLines: string[] = [];
    let wrapper: WrapperShape | null = null;
    if (tools.time) {
      argv = [tools.time.path, '-o', files.time, '-f', TIME_FORMAT, '--', ...argv];
      wrapper = { name: 'GNU time', creation: 'clone' };
      toolLines.push(`GNU time (${tools.time.path}): resource usage of the process tree (user and system time, minor and major faults, voluntary and involuntary switches); its own process is taken out of the structural counts`);
    } else {
      toolLines.push('/proc/self/stat of vmmsim: resource usage of the waited-for process tree (user and system time, minor and major faults)');
    }
    let used: 'perf' | 'strace' | null = null;
    if (tools.perf && (tools.perf.tracepoints || !tools.strace)) {
      argv = [tools.perf.path, 'stat', '-x,', '-o', files.perf, '-e', tools.perf.events.join(','), '--', ...argv];
      used = 'perf';
      toolLines.push(`${tools.perf.version} stat -x,: ${tools.perf.tracepoints ? 'software events and tracepoints (raw_syscalls, syscalls:sys_enter_*, sched:sched_process_*, exceptions:page_fault_*)' : 'software events only'}`);
    } else if (tools.strace) {
      argv = [tools.strace.path, '-f', '-c', '-o', files.strace, '--', ...argv];
      used = 'strace';
      toolLines.push(`${tools.strace.version} -f -c: calls by name${tools.perf ? ' (perf left out: it would count strace\'s own events)' : ''}`);
    }
    const before = procSelfStat();
    const end = await runGroup(argv, opts.timeoutSeconds, opts.stdoutFd);
    const after = procSelfStat();
    const sets: CounterSet[] = [];
    let killedBy: string | null = null;
    if (end.kind !== 'timeout') {
      if (used === 'perf') sets.push(parsePerfStat(readBounded(files.perf), files.perf));
      if (used === 'strace') sets.push(parseStraceSummary(readBounded(files.strace), files.strace));
      if (tools.time) {
        const t = readTime(files.time);
        sets.push(t.set);
        killedBy = t.killedBy;
      } else sets.push(procDelta(before, after));
    }
    const set = mergeCounterSets(sets);
    const status = set.counters.find((c) => c.name === 'rusage:exitStatus')?.value;
    // GNU time's %x is 0 for a command a signal ended; the line before its format line says which signal.
    const realEnd: RunEnd = killedBy !== null && end.kind === 'exited' ? { kind: 'signaled', signal: killedBy }
      : end.kind === 'exited' && typeof status === 'number' ? { kind: 'exited', status } : end;
    return { set, end: realEnd, wrapper, tools: toolLines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Most bytes read from a tool's output file (a summary is a few kilobytes). */
const MAX_TOOL_OUTPUT_BYTES = 4 * 1024 * 1024;

/** A tool's output file, refused if it is larger than any summary could be. */
function readBounded(file: string): string {
  const size = statSync(file).size;
  if (size > MAX_TOOL_OUTPUT_BYTES) throw new Error(`${file} is ${size} bytes, more than a tool's summary can be (${MAX_TOOL_OUTPUT_BYTES})`);
  return readFileSync(file, 'utf8');
}

/** Spawn `argv` as the leader of a new process group; kill the whole group on timeout. */
function runGroup(argv: readonly string[], timeoutSeconds: number | null, stdoutFd: number): Promise<RunEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['inherit', stdoutFd, 'inherit'], detached: true, env: { ...process.env, LC_ALL: 'C' } });
    let timedOut = false;
    const timer = timeoutSeconds === null ? null : setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    }, timeoutSeconds * 1000);
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(e.code === 'ENOENT' || e.code === 'EACCES' ? new InputError(`cannot run the command: ${e.code === 'ENOENT' ? 'not found' : 'permission denied'}`, { source: argv[0] }) : e);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) {
        // Stragglers that outlived the group leader are in the same group.
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // none left
        }
        resolve({ kind: 'timeout', seconds: timeoutSeconds! });
      } else resolve(signal ? { kind: 'signaled', signal } : { kind: 'exited', status: code ?? 0 });
    });
  });
}

/** GNU time's output: the resource counters, and the signal that ended the command (null: it exited). */
function readTime(file: string): { set: CounterSet; killedBy: string | null } {
  // GNU time writes "Command exited with non-zero status N" (or "Command terminated by signal N") before the format line.
  const lines = readBounded(file).split('\n').filter((l) => l.trim() !== '');
  const signal = lines.map((l) => /^Command terminated by signal (\d+)/.exec(l.trim())).find((m) => m !== null);
  const killedBy = signal ? signalName(Number(signal[1])) : null;
  const fields = (lines.at(-1) ?? '').trim().split(/\s+/).map(Number);
  const counters: RawCounter[] = RUSAGE_FIELDS.map((name, i) => ({
    name: `rusage:${name}`,
    value: Number.isFinite(fields[i]) ? fields[i] : null,
    status: Number.isFinite(fields[i]) ? 'ok' : 'not counted',
    source: 'rusage',
    unit: name.endsWith('Seconds') ? 'seconds' : '',
  }));
  return { set: { counters, elapsedSeconds: null, userSeconds: null, sysSeconds: null }, killedBy };
}

/** SIGKILL for 9, and so on; `signal N` for a number this platform does not name. */
function signalName(n: number): string {
  const name = Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0];
  return name ?? `signal ${n}`;
}

interface ProcStat {
  cminflt: number;
  cmajflt: number;
  cutime: number;
  cstime: number;
  at: number;
}

/** This process's children totals from /proc/self/stat (fields 11, 13, 16, 17; times in clock ticks of 1/100 s). */
function procSelfStat(): ProcStat | null {
  try {
    const text = readFileSync('/proc/self/stat', 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state), so field N is f[N - 3].
    return { cminflt: Number(f[8]), cmajflt: Number(f[10]), cutime: Number(f[13]), cstime: Number(f[14]), at: performance.now() };
  } catch {
    return null;
  }
}

function procDelta(a: ProcStat | null, b: ProcStat | null): CounterSet {
  const row = (name: string, v: number | null, unit = ''): RawCounter => ({ name: `rusage:${name}`, value: v, status: v === null ? 'not counted' : 'ok', source: 'rusage', unit });
  const d = (k: keyof ProcStat, scale = 1) => (a && b ? (b[k] - a[k]) * scale : null);
  return {
    counters: [row('elapsedSeconds', d('at', 1e-3), 'seconds'), row('userSeconds', d('cutime', 0.01), 'seconds'), row('sysSeconds', d('cstime', 0.01), 'seconds'), row('minorFaults', d('cminflt')), row('majorFaults', d('cmajflt'))],
    elapsedSeconds: null,
    userSeconds: null,
    sysSeconds: null,
  };
}
