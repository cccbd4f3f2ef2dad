// `vmmsim plot DIR`: render the charts of a results directory (results.json
// from run --out, sweep or merge) as SVG and PNG into DIR/charts.
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { writeCharts } from './outputs.js';
import { readRecords } from './readRecords.js';
import { resultsBytesOption } from './common.js';
import { InputError } from '../../config/errors.js';
import { checkOutDir, checkSharedDir, checkSubdirs, sharedMarker } from '../files.js';

interface PlotOptions {
  out?: string;
  force: boolean;
  maxResultsBytes?: number;
}

/** The `plot` command. */
export function plotCommand(): Command {
  return new Command('plot')
    .description('render charts (SVG and PNG): cycles per iteration (log bars), overhead per category, the Figure 5 form and where the time goes, lines over swept parameters')
    .argument('<dir>', 'results directory holding results.json')
    .option('-o, --out <dir>', 'where to write the charts (default: DIR/charts)', undefined)
    .option('--force', 'write into --out even if it is not empty and vmmsim did not write it', false)
    .addOption(resultsBytesOption())
    .action(async (dir: string, opts: PlotOptions) => {
      const records = readRecords(dir, opts.maxResultsBytes);
      if (opts.out !== undefined && opts.out.trim() === '') throw new InputError('expected a directory name, got an empty string', { source: '--out' });
      const out = opts.out ?? join(dir, 'charts');
      checkOutDir(out); // before rendering: a file in the way or a read-only directory is bad input, found at once
      // The charts are written below out's parent, never through a link (writeCharts): a link there is refused now, not after rendering.
      checkSubdirs(dirname(resolve(out)), [basename(resolve(out))], opts.out === undefined ? dir : `--out ${opts.out}`);
      // A directory of the user's choosing is one vmmsim shares with others (as reproduce's results/): refused when it
      // holds files vmmsim did not write, unless --force; marked as vmmsim's when written.
      if (opts.out !== undefined) checkSharedDir(out, { force: opts.force });
      const written = await writeCharts(out, records, join(dir, 'results.json'), opts.out !== undefined ? sharedMarker(out) : {});
      process.stdout.write(written.map((p) => `${p}\n`).join(''));
    });
}
