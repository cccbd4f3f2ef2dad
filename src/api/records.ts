// The library's report functions over records a study may have built or
// edited by hand: each checks the records against the shape vmmsim writes
// (every number finite, counts not negative) before it prints a number, so a
// NaN or an infinity never reaches a table or a CSV.
import { z } from 'zod';
import { validate } from '../config/zodIssues.js';
import { toCsv as csvOf } from '../report/csv.js';
import { toJson as jsonOf } from '../report/json.js';
import { summarize as summaryOf, type SummaryRow } from '../report/summary.js';
import { toTable as tableOf } from '../report/table.js';
import { ResultRecordSchema, type ResultRecord } from '../run/record.js';

const Records = z.array(ResultRecordSchema);
const TableOptions = z.strictObject({ components: z.boolean().optional() });

/** Check `records` (an InputError naming the function, the record and the key); returns them. */
function checked(fn: string, records: unknown): readonly ResultRecord[] {
  return validate(Records, records, () => ({ source: `${fn}() records` }), 'records');
}

/** Mean, spread and overhead of each workload × mode over points and replicates (the rows of summary.csv). */
export function summarize(records: readonly ResultRecord[]): SummaryRow[] {
  return summaryOf(checked('summarize', records));
}

/** The records as the text table `vmmsim run` prints (`components`: cycles by cost component too). */
export function toTable(records: readonly ResultRecord[], options: { components?: boolean } = {}): string {
  // Options too: null was a TypeError, and { components: 'yes' } or a misspelt key were silently ignored.
  const opts = validate(TableOptions, options, () => ({ source: 'toTable() options' }), 'options of toTable()');
  return tableOf(checked('toTable', records), opts);
}

/** The records as results.csv: one row per record, a column per category, formula-like cells guarded. */
export function toCsv(records: readonly ResultRecord[]): string {
  return csvOf(checked('toCsv', records));
}

/** The records as results.json. */
export function toJson(records: readonly ResultRecord[]): string {
  return jsonOf(checked('toJson', records));
}
