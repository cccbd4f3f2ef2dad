// Parses what `perf stat` prints: the machine-readable `-x SEP` form (one
// counter per line: value, unit, event, …) and the human-readable form, whose
// counts carry the locale's thousands separators (14,765 or 14.765) and
// whose footer gives the elapsed, user and sys seconds. `<not supported>` and
// `<not counted>` rows become counters without a value. Any other line that
// is not a known notice is an error at its line.
import { InputError } from '../config/errors.js';
import { counterProblem, secondsProblem } from './counterBounds.js';
import type { CounterSet, CounterStatus, RawCounter } from './counters.js';
import { printable } from '../workload/inputFile.js';

const NOT = /^<not (supported|counted)>$/;
/** Separators `perf stat -x` is used with; ':' cannot be one (tracepoint names contain it). */
const CSV_SEPARATORS = [',', ';', '\t', '|'];
/** Lines perf writes among its counters that carry no counter. */
const NOTICE = /^(Events (enabled|disabled)|Some events weren't counted|Consider tweaking|\s*echo 0 > |\s*perf stat \S|\s*\(.*\)\s*$)/;

/** True when `text` looks like perf stat output (either form). */
export function isPerfStat(text: string): boolean {
  if (/Performance counter stats for/.test(text)) return true;
  const first = dataLines(text)[0];
  return first !== undefined && csvSeparator(first.text) !== null;
}

/** Parse perf stat output; `file` names the input in errors. */
export function parsePerfStat(text: string, file: string): CounterSet {
  return /Performance counter stats for/.test(text) ? parseHuman(text, file) : parseCsv(text, file);
}

interface Line {
  text: string;
  no: number;
}

function dataLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ text: t, no: i + 1 }))
    .filter((l) => l.text.trim() !== '' && !l.text.startsWith('#') && !NOTICE.test(l.text));
}

function csvSeparator(line: string): string | null {
  for (const sep of CSV_SEPARATORS) {
    const f = line.split(sep);
    if (f.length >= 3 && (NOT.test(f[0]) || /^-?\d+(\.\d+)?$/.test(f[0])) && f[2].trim() !== '') return sep;
  }
  return null;
}

function parseCsv(text: string, file: string): CounterSet {
  const lines = dataLines(text);
  if (lines.length === 0) throw new InputError('no perf stat counters found (expected lines such as "2000,,sched:sched_process_fork,…" from perf stat -x,)', { source: file, line: 1 });
  const sep = csvSeparator(lines[0].text);
  if (sep === null) throw unparseable(file, lines[0]);
  const counters: RawCounter[] = [];
  const seen = new Map<string, number>();
  for (const l of lines) {
    const f = l.text.split(sep);
    if (f.length < 3 || f[2].trim() === '') throw unparseable(file, l);
    const raw = f[0].trim();
    const not = NOT.exec(raw);
    if (!not && !/^-?\d+(\.\d+)?$/.test(raw)) throw unparseable(file, l);
    counters.push(checked(file, l, counter(f[2].trim(), not ? null : Number(raw), not ? (`not ${not[1]}` as CounterStatus) : 'ok', f[1].trim()), seen));
  }
  return { counters, elapsedSeconds: null, userSeconds: null, sysSeconds: null };
}

/** `   14,765      page-faults   # …` or `4.79 msec task-clock  # …`, optionally ending in a multiplexing `(50.00%)`. */
const HUMAN_ROW = /^\s*(<not (?:supported|counted)>|[\d.,'\u00a0\u202f ]*\d)\s+(?:(msec|ms|sec|seconds?|Joules|MiB)\s+)?(\S+)(?:\s+#.*|\s+\([\d.,]+%\))*\s*$/;
const FOOTER = /^\s*([\d.,'\u00a0\u202f ]*\d)\s+seconds\s+(time elapsed|user|sys)\s*$/;

function parseHuman(text: string, file: string): CounterSet {
  const set: CounterSet = { counters: [], elapsedSeconds: null, userSeconds: null, sysSeconds: null };
  let seenHeader = false;
  let header = 1;
  const seen = new Map<string, number>();
  for (const l of dataLines(text)) {
    if (/Performance counter stats for/.test(l.text)) {
      seenHeader = true;
      header = l.no;
      continue;
    }
    if (!seenHeader) throw unparseable(file, l);
    const foot = FOOTER.exec(l.text);
    if (foot) {
      const v = decimal(foot[1]);
      if (v === null) throw unparseable(file, l);
      const problem = secondsProblem(`seconds ${foot[2]}`, v);
      if (problem !== null) throw new InputError(problem, { source: file, line: l.no });
      if (foot[2] === 'time elapsed') set.elapsedSeconds = v;
      else if (foot[2] === 'user') set.userSeconds = v;
      else set.sysSeconds = v;
      continue;
    }
    const m = HUMAN_ROW.exec(l.text);
    if (!m) throw unparseable(file, l);
    const unit = m[2] ?? '';
    const not = NOT.exec(m[1]);
    // Counts are printed without decimals, so every separator in them groups thousands;
    // times (msec) end in a decimal part written with the locale's decimal mark.
    const value = not ? null : unit === '' ? Number(m[1].replace(/\D/g, '')) : decimal(m[1]);
    if (!not && value === null) throw unparseable(file, l);
    set.counters.push(checked(file, l, counter(m[3], value, not ? (`not ${not[1]}` as CounterStatus) : 'ok', unit), seen));
  }
  if (!seenHeader) throw new InputError('no "Performance counter stats for" header found', { source: file, line: 1 });
  if (set.counters.length === 0) throw new InputError('perf stat\'s table has no counter rows (such as "14,765  page-faults"); expected at least one counter', { source: file, line: header });
  return set;
}

/** A number whose last `.` or `,` followed by digits is the decimal mark; other separators group thousands. */
function decimal(text: string): number | null {
  const m = /^(.*?)(?:[.,](\d+))?$/.exec(text.trim());
  if (!m) return null;
  const whole = m[1].replace(/[.,'\u00a0\u202f ]/g, '');
  if (!/^\d*$/.test(whole)) return null;
  const v = Number(`${whole || '0'}.${m[2] ?? '0'}`);
  return Number.isFinite(v) ? v : null;
}

function counter(name: string, value: number | null, status: CounterStatus, unit: string): RawCounter {
  return { name, value, status, source: 'perf', unit };
}

/**
 * `c`, if it is a counter perf could have printed here — a name without
 * control characters (it is copied into the scenario's comments), not one
 * printed before (`seen`: name → line; a second value would be dropped), a
 * value a counter can have; else an error at its line naming it.
 */
function checked(file: string, l: Line, c: RawCounter, seen: Map<string, number>): RawCounter {
  const at = { source: file, line: l.no };
  if (/[\u0000-\u001f\u007f-\u009f]/.test(c.name)) throw new InputError(`the counter name "${printable(c.name)}" holds a control character; expected an event name such as page-faults`, at);
  const first = seen.get(c.name);
  if (first !== undefined) throw new InputError(`the counter ${c.name} appears twice (first on line ${first}); expected each counter once`, at);
  seen.set(c.name, l.no);
  const problem = c.value === null ? null : counterProblem(c.name, c.value, c.unit);
  if (problem !== null) throw new InputError(problem, at);
  return c;
}

function unparseable(file: string, l: Line): InputError {
  const shown = l.text.length > 80 ? `${l.text.slice(0, 77)}…` : l.text;
  return new InputError(`cannot read this line as perf stat output: "${shown.trim()}" (expected VALUE,UNIT,EVENT,… from perf stat -x, or a counter row of perf stat's table)`, { source: file, line: l.no });
}
