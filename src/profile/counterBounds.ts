// What value a counter may have. Every count a tool prints is a whole
// number of events or a time, never negative, and the mapping turns the
// counters it reads into operation counts and cycles of a scenario — so a
// value out of range (a negative count, 1e29 page faults, a number too long
// to be finite) is refused where it is read, at its file and line, instead of
// reaching the scenario as a negative or infinite count.

/**
 * Most events of one kind the mapping replays: a scenario repeats an entry
 * (`count`, `repeat`) at most 10^12 times, so a larger count could not be
 * replayed. It is also far past any run worth profiling: 10^12 system calls
 * are more than a day of one CPU doing nothing else (~100 ns each), 10^12
 * page faults touch 4 PB.
 */
export const MAX_EVENTS = 1e12;

/**
 * Most seconds of wall or CPU time: 10^9 s is 31 years, beyond any run
 * (a day on 1,000 CPUs is 8.6 × 10^7 CPU seconds), and keeps the cycles a
 * time becomes (seconds × clock) finite.
 */
export const MAX_SECONDS = 1e9;

/**
 * Largest value of a counter the mapping does not read (cycles,
 * instructions, …; shown in the provenance only): perf and strace count in
 * unsigned 64-bit integers, so nothing larger comes from them.
 */
export const MAX_OTHER = 2 ** 64;

/** Counters the mapping replays as events (each becomes a number of operations). */
const EVENTS = new Set([
  'raw_syscalls:sys_enter', 'sched:sched_process_fork', 'sched:sched_process_exec', 'sched:sched_process_exit',
  'page-faults', 'faults', 'page-faults:u', 'minor-faults', 'minor-faults:u', 'major-faults', 'major-faults:u',
  'context-switches', 'cs', 'block:block_rq_issue',
  'rusage:minorFaults', 'rusage:majorFaults', 'rusage:voluntarySwitches', 'rusage:involuntarySwitches',
]);

/** Counters the mapping reads as times, with what turns their value into seconds (task-clock is in msec, duration_time in ns). */
const TIMES: Readonly<Record<string, number>> = {
  'task-clock': 1e-3,
  duration_time: 1e-9,
  'rusage:elapsedSeconds': 1,
  'rusage:userSeconds': 1,
  'rusage:sysSeconds': 1,
};

/** Units a time counter may be printed in (the one its TIMES factor assumes, or none). */
const TIME_UNITS: Readonly<Record<string, readonly string[]>> = {
  'task-clock': ['', 'msec', 'ms'],
  duration_time: ['', 'ns'],
};

/** How the mapping reads counter `name`: as a count of events, as a time, or not at all. */
export function counterKind(name: string): { kind: 'events' } | { kind: 'time'; toSeconds: number } | { kind: 'other' } {
  if (EVENTS.has(name) || /^syscalls:sys_enter_\w+$/.test(name) || /^strace:\w+$/.test(name)) return { kind: 'events' };
  // Own keys only: a counter named `constructor` or `__proto__` (any name a file prints) is not a time.
  const toSeconds = Object.hasOwn(TIMES, name) ? TIMES[name] : undefined;
  return toSeconds === undefined ? { kind: 'other' } : { kind: 'time', toSeconds };
}

/** Why `value` cannot be counter `name`'s (`unit` as the tool printed it), or null when it can. */
export function counterProblem(name: string, value: number, unit: string): string | null {
  const shown = `${name} ${formatValue(value)}${unit ? ` ${unit}` : ''}`;
  if (!Number.isFinite(value)) return `${name}: the value is too large to be a number; expected a count a tool printed`;
  if (value < 0) return `${shown} is negative; expected a count or a time, 0 or more`;
  const kind = counterKind(name);
  const units = Object.hasOwn(TIME_UNITS, name) ? TIME_UNITS[name] : undefined;
  if (units !== undefined && !units.includes(unit)) return `${shown}: the mapping reads ${name} in ${units.filter((u) => u !== '').join(' or ')}; expected that unit (or none), as perf stat prints it`;
  if (kind.kind === 'events' && !Number.isInteger(value)) return `${shown} is not a whole number; expected a count of events`;
  if (kind.kind === 'events' && value > MAX_EVENTS) {
    return `${shown} is more than ${formatValue(MAX_EVENTS)} events, more than a scenario can replay (count and repeat are at most 10^12) or any run makes; expected the counts of one run`;
  }
  if (kind.kind === 'time' && value * kind.toSeconds > MAX_SECONDS) {
    return `${shown} is ${formatValue(value * kind.toSeconds)} seconds, more than the ${formatValue(MAX_SECONDS)} (31 years) a run can take; expected the times of one run`;
  }
  if (value > MAX_OTHER) return `${shown} is larger than any 64-bit counter (${formatValue(MAX_OTHER)}); expected a count a tool printed`;
  return null;
}

/** Why `seconds` cannot be the run's `what` (elapsed, user or sys seconds), or null. */
export function secondsProblem(what: string, seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds > MAX_SECONDS) return `${what}: ${formatValue(seconds)} seconds is more than the ${formatValue(MAX_SECONDS)} (31 years) a run can take; expected the times of one run`;
  if (seconds < 0) return `${what}: ${formatValue(seconds)} seconds is negative; expected 0 or more`;
  return null;
}

/** A counter's value for a message: 14801 as it is, 1e+29 as 1×10^29. */
export function formatValue(v: number): string {
  if (Math.abs(v) < 1e9 || !Number.isFinite(v)) return String(v);
  return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', '×10^');
}
