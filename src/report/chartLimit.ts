// How many workloads charts are drawn for. Charts lay workloads side by side
// (bars) and one above another (the breakdown's rows); measured on the 2-core
// machine, 100 workloads under two modes take 12 s and 1.0 GB to render,
// 500 take 66 s and 4.5 GB, and at 1,000 vega's sort expression overflows
// the stack. A chart of more than 100 workloads is unreadable anyway, so the
// request is refused up front — before a run, so no simulation is lost.
import { InputError } from '../config/errors.js';

/** Most workloads a results directory may have for charts to be drawn. */
export const MAX_CHART_WORKLOADS = 100;

/** Throws an InputError at `source` (the flag or file that asked for charts) when `workloads` is over {@link MAX_CHART_WORKLOADS}. */
export function checkChartable(workloads: number, source: string): void {
  if (workloads > MAX_CHART_WORKLOADS) {
    throw new InputError(`charts are drawn for up to ${MAX_CHART_WORKLOADS} workloads, and these results have ${workloads}; expected fewer workloads (split the scenario), or leave charts out and plot the CSV`, { source });
  }
}

/** Distinct workloads of a list of records. */
export function workloadCount(records: ReadonlyArray<{ workload: string }>): number {
  return new Set(records.map((r) => r.workload)).size;
}
