// Records → JSON: an array of result records, stable key order, two-space indent.
import type { ResultRecord } from '../run/record.js';

/** Pretty JSON of the records, ending with a newline. */
export function toJson(records: readonly ResultRecord[]): string {
  return JSON.stringify(records, null, 2) + '\n';
}
