// The files of a results directory, as text: the long CSV and JSON of every
// record and the summary over replicates. One function so `run`, `sweep`
// and `merge` write exactly the same bytes for the same records.
import type { ResultRecord } from '../run/record.js';
import { toCsv } from './csv.js';
import { toJson } from './json.js';
import { summarize, summaryCsv, summaryJson } from './summary.js';

/** File name → contents of results.csv, results.json, summary.csv and summary.json. */
export function resultFiles(records: readonly ResultRecord[]): Record<string, string> {
  const summary = summarize(records);
  return {
    'results.csv': toCsv(records),
    'results.json': toJson(records),
    'summary.csv': summaryCsv(summary),
    'summary.json': summaryJson(summary),
  };
}
