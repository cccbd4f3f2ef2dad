// Reads a saved `perf stat` (-x, or table) or `strace -c` output captured
// elsewhere, e.g. on a server where vmmsim is not installed. It is read
// through the one bounded reader every input goes through: a regular file
// (a device, FIFO or socket could be endless or never answer; a directory
// or an unreadable file is bad input), at most `maxBytes` bytes, checked
// before reading and again while reading — a file whose size stat does not
// tell (/proc/self/pagemap says 0 bytes) is cut off one byte past the
// limit. An unknown format is a located error.
import { InputError } from '../config/errors.js';
import { InputFileError, readTextFile } from '../workload/inputFile.js';
import type { CounterSet } from './counters.js';
import { isPerfStat, parsePerfStat } from './perfStat.js';
import { isStraceSummary, parseStraceSummary } from './straceSummary.js';

/** An imported file's counters and which tool wrote it. */
export interface Imported {
  set: CounterSet;
  format: 'perf stat' | 'strace -c';
}

/** Read and parse `file` (at most `maxBytes`, a fixed limit: `profile` takes no flag to raise it). */
export function importCounters(file: string, maxBytes: number): Imported {
  let text: string;
  try {
    text = readTextFile(file, { what: '--from', expected: 'saved perf stat or strace -c output (a text file)' }, { maxBytes, flag: '' });
  } catch (e) {
    if (e instanceof InputFileError) throw new InputError(e.detail, { source: file, ...e.at });
    throw e;
  }
  if (isStraceSummary(text)) return { set: parseStraceSummary(text, file), format: 'strace -c' };
  if (isPerfStat(text)) return { set: parsePerfStat(text, file), format: 'perf stat' };
  const first = text.split(/\r?\n/).findIndex((l) => l.trim() !== '');
  throw new InputError('neither perf stat output (-x, or its table) nor a strace -c summary', { source: file, line: first < 0 ? 1 : first + 1 });
}
