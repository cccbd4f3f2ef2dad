// Writing a results directory: the result and summary files and, when asked,
// the charts (SVG and PNG). Shared by run, sweep, merge and plot so they write
// the same bytes for the same records.
import { join } from 'node:path';
import { resultFiles } from '../../report/resultFiles.js';
import type { ResultRecord } from '../../run/record.js';
import { writeFileAtomic, writeResultFiles } from '../files.js';

/** Write results.csv/json and summary.csv/json into `dir` (plus `extra` files), and charts if asked. */
export async function writeSweepOutputs(dir: string, records: readonly ResultRecord[], options: { charts: boolean; extra?: Record<string, string> }): Promise<string[]> {
  const written = writeResultFiles(dir, { ...resultFiles(records), ...(options.extra ?? {}) });
  if (options.charts) written.push(...(await writeCharts(join(dir, 'charts'), records)));
  return written;
}

/** Render every chart for `records` into `dir` as NAME.svg and NAME.png; returns the paths. */
export async function writeCharts(dir: string, records: readonly ResultRecord[]): Promise<string[]> {
  // Loaded on demand: vega, vega-lite and resvg take longer to import than most sweeps take to run.
  const { buildCharts } = await import('../../report/charts.js');
  const { renderChart } = await import('../../report/renderChart.js');
  const paths: string[] = [];
  for (const chart of buildCharts(records)) {
    const { svg, png } = await renderChart(chart.spec);
    for (const [ext, body] of [['svg', svg], ['png', png]] as const) {
      const path = join(dir, `${chart.name}.${ext}`);
      writeFileAtomic(path, body);
      paths.push(path);
    }
  }
  return paths;
}
