// `vmmsim plot DIR`: render the charts of a results directory (results.json
// from run --out, sweep or merge) as SVG and PNG into DIR/charts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { InputError } from '../../config/errors.js';
import type { ResultRecord } from '../../run/record.js';
import { writeCharts } from './outputs.js';

interface PlotOptions {
  out?: string;
}

/** The `plot` command. */
export function plotCommand(): Command {
  return new Command('plot')
    .description('render charts (SVG and PNG): cycles per iteration (log bars), overhead per category, lines over swept parameters')
    .argument('<dir>', 'results directory holding results.json')
    .option('-o, --out <dir>', 'where to write the charts', undefined)
    .action(async (dir: string, opts: PlotOptions) => {
      const path = join(dir, 'results.json');
      if (!existsSync(path)) throw new InputError('no results.json here; run `vmmsim run FILE --out DIR` or `vmmsim sweep FILE --out DIR` first', { source: dir });
      let records: ResultRecord[];
      try {
        records = JSON.parse(readFileSync(path, 'utf8')) as ResultRecord[];
      } catch (e) {
        throw new InputError(`results.json is not valid JSON: ${(e as Error).message}`, { source: path });
      }
      if (!Array.isArray(records)) throw new InputError('results.json must hold an array of result records', { source: path });
      const written = await writeCharts(opts.out ?? join(dir, 'charts'), records);
      process.stdout.write(written.map((p) => `${p}\n`).join(''));
    });
}
