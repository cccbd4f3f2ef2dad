// The raw counters one measurement (or one imported file) yields: every
// value as the tool printed it, with the tool's name and the reason a value
// is missing. Parsers produce these; the mapping (toScenario.ts) reads them.

/** Why a counter has no value: perf's `<not supported>` / `<not counted>`. */
export type CounterStatus = 'ok' | 'not supported' | 'not counted';

/** One counter as a tool reported it. */
export interface RawCounter {
  /** Event or column name as the tool writes it (page-faults, sched:sched_process_fork, strace:getppid, rusage:minorFaults). */
  name: string;
  /** The value (counts; msec for perf's task-clock; seconds for rusage times), or null when not available. */
  value: number | null;
  status: CounterStatus;
  /** Which tool produced it: perf, strace, rusage. */
  source: 'perf' | 'strace' | 'rusage';
  /** Unit the tool printed (msec, seconds), empty for plain counts. */
  unit: string;
}

/** The counters of one file or run, with the times a tool reported beside them. */
export interface CounterSet {
  counters: RawCounter[];
  /** Wall-clock seconds of the run, if the tool printed it. */
  elapsedSeconds: number | null;
  /** CPU seconds in user and kernel mode of the whole process tree, if known. */
  userSeconds: number | null;
  sysSeconds: number | null;
}

/** The value of counter `name` when it was counted, else null. */
export function counterValue(set: CounterSet, name: string): number | null {
  const c = set.counters.find((x) => x.name === name);
  return c && c.status === 'ok' ? c.value : null;
}

/** Join the counters of several sources (later sources do not replace earlier ones). */
export function mergeCounterSets(sets: readonly CounterSet[]): CounterSet {
  const counters: RawCounter[] = [];
  for (const s of sets) for (const c of s.counters) if (!counters.some((x) => x.name === c.name)) counters.push(c);
  const first = (f: (s: CounterSet) => number | null) => sets.map(f).find((v) => v !== null) ?? null;
  return { counters, elapsedSeconds: first((s) => s.elapsedSeconds), userSeconds: first((s) => s.userSeconds), sysSeconds: first((s) => s.sysSeconds) };
}
