// Reading a results directory's records (DIR/results.json) for plot and
// report: a regular file within --max-results-bytes (so a stray huge file, a
// device or a FIFO is an error, not a hang), holding records of the shape
// vmmsim writes (anything else is bad input, not an internal error).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../config/errors.js';
import { DEFAULT_LIMITS } from '../../config/limits.js';
import { RecordAmount, RecordNumber, type ResultRecord } from '../../run/record.js';
import { InputFileError, readTextFile } from '../../workload/inputFile.js';
import { readJsonFile } from '../sweepStore.js';

/**
 * Read a text file of at most `maxBytes` (a regular file of UTF-8 text), or
 * fail naming the file, its size and the cap, or the line and column of a
 * byte that is not UTF-8 (exit 2); `flag` is the option that raises the cap, if any.
 */
export function readBounded(path: string, maxBytes: number, what: string, flag = ''): string {
  try {
    const role = { what: what.replace(/^the /, '').replace(/ file$/, ''), expected: 'a text file' };
    return readTextFile(path, role, { maxBytes, flag });
  } catch (e) {
    if (e instanceof InputFileError) throw new InputError(`cannot read ${what}: ${e.detail}`, { source: path, ...e.at });
    throw e;
  }
}

/** The fields of a result record the charts and the report read, their numbers bounded as a stored record's. */
const RecordShape = z.looseObject({
  scenario: z.string(),
  point: z.int().nonnegative(),
  params: z.record(z.string(), z.union([z.string(), RecordNumber, z.boolean()])),
  replicate: z.int().nonnegative(),
  workload: z.string(),
  vmm: z.string(),
  cpu: z.string(),
  seconds: RecordAmount,
  cycles: RecordAmount,
  breakdown: z.record(z.string(), z.looseObject({ count: RecordAmount, cycles: RecordAmount, overheadCycles: RecordNumber })),
  metrics: z.record(z.string(), RecordAmount),
  error: z.string().optional(),
});

/** The records of results directory `dir` (results.json from run --out, sweep or merge). */
export function readRecords(dir: string, maxBytes: number = DEFAULT_LIMITS.maxResultBytes): ResultRecord[] {
  const path = join(dir, 'results.json');
  if (!existsSync(path)) throw new InputError('no results.json here; run `vmmsim run FILE --out DIR` or `vmmsim sweep FILE --out DIR` first', { source: dir });
  const data = readJsonFile(path, 'results.json', maxBytes);
  if (!Array.isArray(data)) throw new InputError('results.json must hold an array of result records', { source: path });
  data.forEach((r, i) => {
    const ok = RecordShape.safeParse(r);
    if (!ok.success) {
      const issue = ok.error.issues[0];
      throw new InputError(`[${i}]${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}; ` +
        'expected result records as vmmsim run --out or sweep writes them', { source: path });
    }
  });
  return data as ResultRecord[];
}
