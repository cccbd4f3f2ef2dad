// Reads a saved `perf stat` (-x, or table) or `strace -c` output captured
// elsewhere, e.g. on a server where vmmsim is not installed. The size is
// checked before reading; an unknown format is a located error.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../config/errors.js';
import { formatCount, LIMIT_FLAGS } from '../config/limits.js';
import type { CounterSet } from './counters.js';
import { isPerfStat, parsePerfStat } from './perfStat.js';
import { isStraceSummary, parseStraceSummary } from './straceSummary.js';

/** An imported file's counters and which tool wrote it. */
export interface Imported {
  set: CounterSet;
  format: 'perf stat' | 'strace -c';
}

/** Read and parse `file` (at most `maxBytes`). */
export function importCounters(file: string, maxBytes: number): Imported {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputError('not a regular file; expected saved perf stat or strace -c output', { source: file });
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { source: file });
  }
  if (size > maxBytes) throw new InputError(`the file is ${formatCount(size)} bytes; the limit is ${formatCount(maxBytes)} bytes (raise it with ${LIMIT_FLAGS.maxInputBytes})`, { source: file });
  const bytes = readFileSync(file);
  if (bytes.length > maxBytes) throw new InputError(`the file grew past ${formatCount(maxBytes)} bytes while it was read`, { source: file });
  const text = bytes.toString('utf8');
  if (isStraceSummary(text)) return { set: parseStraceSummary(text, file), format: 'strace -c' };
  if (isPerfStat(text)) return { set: parsePerfStat(text, file), format: 'perf stat' };
  const first = text.split(/\r?\n/).findIndex((l) => l.trim() !== '');
  throw new InputError('neither perf stat output (-x, or its table) nor a strace -c summary', { source: file, line: first < 0 ? 1 : first + 1 });
}
