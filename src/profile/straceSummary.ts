// Parses the summary table of `strace -c` (or `strace -f -c`): one row per
// system call with its call count, a `total` row, and — for a program that
// ran in several personalities — one table per personality ("System call
// usage summary for 32 bit mode:"). Only strace's default columns
// (% time, seconds, usecs/call, calls, errors, syscall) are understood; a row
// or a column layout it cannot read is an error at its line.
import { InputError } from '../config/errors.js';
import { counterProblem } from './counterBounds.js';
import type { CounterSet, RawCounter } from './counters.js';

const HEADER = /^%\s*time\s+seconds\s+usecs\/call\s+calls\s+errors\s+syscall\s*$/;
const RULE = /^-{3,}(\s+-{3,})+\s*$/;
const PERSONALITY = /^System call usage summary for .*:\s*$/;
/** % time, seconds, usecs/call, calls, optional errors, name. */
const ROW = /^\s*\d+(?:\.\d+)?\s+\d+(?:\.\d+)?\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?([A-Za-z_][\w:]*)\s*$/;

/** True when `text` looks like a strace -c summary. */
export function isStraceSummary(text: string): boolean {
  return text.split(/\r?\n/, 40).some((l) => HEADER.test(l.trim()) || /^%\s*time\s+seconds/.test(l.trim()));
}

/**
 * Parse a strace -c summary into counters named `strace:NAME` (calls per
 * system call, summed over personalities) and `strace:total`.
 */
export function parseStraceSummary(text: string, file: string): CounterSet {
  const calls = new Map<string, number>();
  let total = 0;
  let inTable = false;
  let tables = 0;
  let header = 1;
  let rows = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trimEnd();
    const at = { source: file, line: i + 1 };
    if (line.trim() === '' || PERSONALITY.test(line) || RULE.test(line)) return;
    if (/^%\s*time/.test(line.trim())) {
      if (!HEADER.test(line.trim())) {
        throw new InputError('strace -c summary with other columns than the default ones (% time, seconds, usecs/call, calls, errors, syscall); capture it without -U', at);
      }
      inTable = true;
      tables++;
      header = i + 1;
      return;
    }
    const m = ROW.exec(line);
    if (!inTable || !m) {
      const shown = line.length > 80 ? `${line.slice(0, 77)}…` : line;
      throw new InputError(`cannot read this line as a strace -c summary row: "${shown.trim()}" (expected % time, seconds, usecs/call, calls, errors, syscall)`, at);
    }
    // Summed over the personalities' tables, and checked as summed.
    const sum = (m[3] === 'total' ? total : calls.get(m[3]) ?? 0) + Number(m[1]);
    const problem = counterProblem(`strace:${m[3]}`, sum, '');
    if (problem !== null) throw new InputError(tables > 1 ? `${problem} (summed over the tables of ${tables} personalities)` : problem, at);
    if (m[3] === 'total') total = sum;
    else {
      calls.set(m[3], sum);
      rows++;
    }
  });
  if (tables === 0) throw new InputError('no strace -c summary header ("% time     seconds  usecs/call     calls    errors syscall") found', { source: file, line: 1 });
  if (rows === 0) throw new InputError('the strace -c summary counts no system call (no rows under its header); expected a row such as "10.73  0.013325  44  301  vfork"', { source: file, line: header });
  const counters: RawCounter[] = [...calls].map(([name, value]) => ({ name: `strace:${name}`, value, status: 'ok', source: 'strace', unit: '' }));
  counters.push({ name: 'strace:total', value: total || [...calls.values()].reduce((a, b) => a + b, 0), status: 'ok', source: 'strace', unit: '' });
  return { counters, elapsedSeconds: null, userSeconds: null, sysSeconds: null };
}
