// Writing a results directory: the result and summary files and, when asked,
// the charts (SVG and PNG). Shared by run, sweep, merge and plot so they write
// the same bytes for the same records.
import { basename, dirname, join, resolve } from 'node:path';
import { checkChartable, workloadCount } from '../../report/chartLimit.js';
import { resultFiles } from '../../report/resultFiles.js';
import type { ResultRecord } from '../../run/record.js';
import { isSharedMarker, writeInside, type OutputDir } from '../files.js';

/** What a sweep or merge writes into its directory besides the manifest, declared when it claims the directory (OutputDir.write). */
export const SWEEP_FILES: readonly string[] = ['sweep.json', 'points/', 'results.csv', 'results.json', 'summary.csv', 'summary.json', 'charts/'];

/** Write results.csv/json and summary.csv/json into `out` (plus `extra` files), and charts into charts/ if asked. */
export async function writeSweepOutputs(out: OutputDir, records: readonly ResultRecord[], options: { charts: boolean; extra?: Record<string, string> }): Promise<string[]> {
  const charts = options.charts ? await renderCharts(records, 'charts') : {};
  return out.writeFiles({ ...resultFiles(records), ...(options.extra ?? {}), ...charts });
}

/** Every chart for `records` as `PREFIX/NAME.svg` and `PREFIX/NAME.png`, rendered in memory. */
export async function renderCharts(records: readonly ResultRecord[], prefix: string, source = '--charts'): Promise<Record<string, string | Uint8Array>> {
  checkChartable(workloadCount(records), source);
  // Loaded on demand: vega, vega-lite and resvg take longer to import than most sweeps take to run.
  const { buildCharts } = await import('../../report/charts.js');
  const { renderChart } = await import('../../report/renderChart.js');
  const files: Record<string, string | Uint8Array> = {};
  for (const chart of buildCharts(records)) {
    const { svg, png } = await renderChart(chart.spec);
    files[`${prefix}/${chart.name}.svg`] = svg;
    files[`${prefix}/${chart.name}.png`] = png;
  }
  if (Object.keys(files).length === 0) process.stderr.write(`vmmsim: ${source}: no chart drawn: every run failed, or none took a cycle\n`);
  return files;
}

/**
 * Render every chart for `records` into `dir` as NAME.svg and NAME.png
 * (and `extra` files, such as a shared directory's marker); returns the
 * chart paths. Written all at once through the safe writer, so `dir`
 * itself is never a symbolic link followed out of its parent.
 */
export async function writeCharts(dir: string, records: readonly ResultRecord[], source: string, extra: Readonly<Record<string, string>> = {}): Promise<string[]> {
  const abs = resolve(dir); // `--out .` has no name of its own to write under
  const files = await renderCharts(records, basename(abs), source);
  for (const [name, text] of Object.entries(extra)) files[`${basename(abs)}/${name}`] = text;
  const written = writeInside(dirname(abs), files);
  return written.filter((p) => !isSharedMarker(p)).map((p) => join(dir, p.slice(abs.length + 1)));
}
