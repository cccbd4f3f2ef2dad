// Reading a results directory's records (DIR/results.json) for plot and
// report, with a size cap so a stray huge file is an error, not a hang.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../config/errors.js';
import type { ResultRecord } from '../../run/record.js';

/** Largest results.json read: a 10,000-point sweep with replicates stays well below it. */
export const MAX_RESULTS_BYTES = 512 * 1024 * 1024;

/** Read a text file of at most `maxBytes`, or fail naming the file, its size and the cap (exit 2). */
export function readBounded(path: string, maxBytes: number, what: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`${what} must be a file`, { source: path });
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { source: path });
  }
  if (size > maxBytes) throw new InputError(`${what} is ${size} bytes, more than the ${maxBytes} bytes vmmsim reads`, { source: path });
  return readFileSync(path, 'utf8');
}

/** The records of results directory `dir` (results.json from run --out, sweep or merge). */
export function readRecords(dir: string): ResultRecord[] {
  const path = join(dir, 'results.json');
  if (!existsSync(path)) throw new InputError('no results.json here; run `vmmsim run FILE --out DIR` or `vmmsim sweep FILE --out DIR` first', { source: dir });
  let records: unknown;
  try {
    records = JSON.parse(readBounded(path, MAX_RESULTS_BYTES, 'results.json'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`results.json is not valid JSON: ${(e as Error).message}`, { source: path });
  }
  if (!Array.isArray(records)) throw new InputError('results.json must hold an array of result records', { source: path });
  return records as ResultRecord[];
}
