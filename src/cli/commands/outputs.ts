// Writing a results directory: the result and summary files and, when asked,
// the charts (SVG and PNG). Shared by run, sweep, merge and plot so they write
// the same bytes for the same records.
import { basename, dirname, join, resolve } from 'node:path';
import { resultFiles } from '../../report/resultFiles.js';
import type { ResultRecord } from '../../run/record.js';
import { writeResultFiles } from '../files.js';

/** Write results.csv/json and summary.csv/json into `dir` (plus `extra` files), and charts if asked. */
export async function writeSweepOutputs(dir: string, records: readonly ResultRecord[], options: { charts: boolean; extra?: Record<string, string> }): Promise<string[]> {
  const written = writeResultFiles(dir, { ...resultFiles(records), ...(options.extra ?? {}) });
  if (options.charts) written.push(...(await writeCharts(join(dir, 'charts'), records)));
  return written;
}

/**
 * Render every chart for `records` into `dir` as NAME.svg and NAME.png;
 * returns the paths. Written all at once through the safe writer, so `dir`
 * itself is never a symbolic link followed out of its parent.
 */
export async function writeCharts(dir: string, records: readonly ResultRecord[]): Promise<string[]> {
  // Loaded on demand: vega, vega-lite and resvg take longer to import than most sweeps take to run.
  const { buildCharts } = await import('../../report/charts.js');
  const { renderChart } = await import('../../report/renderChart.js');
  const abs = resolve(dir); // `--out .` has no name of its own to write under
  const files: Record<string, string | Uint8Array> = {};
  for (const chart of buildCharts(records)) {
    const { svg, png } = await renderChart(chart.spec);
    files[`${basename(abs)}/${chart.name}.svg`] = svg;
    files[`${basename(abs)}/${chart.name}.png`] = png;
  }
  const written = writeResultFiles(dirname(abs), files);
  return written.map((p) => join(dir, p.slice(abs.length + 1)));
}
