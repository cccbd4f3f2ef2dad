// `vmmsim plot DIR`: render the charts of a results directory (results.json
// from run --out, sweep or merge) as SVG and PNG into DIR/charts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { InputError } from '../../config/errors.js';
import { DEFAULT_LIMITS } from '../../config/limits.js';
import type { ResultRecord } from '../../run/record.js';
import { InputFileError } from '../../workload/inputFile.js';
import { readJsonFile } from '../sweepStore.js';
import { resultsBytesOption } from './common.js';
import { writeCharts } from './outputs.js';

interface PlotOptions {
  out?: string;
  maxResultsBytes?: number;
}

const num = z.number();
/** The fields of a result record the charts read; anything else is not a vmmsim results file. */
const RecordShape = z.looseObject({
  scenario: z.string(),
  point: z.int().nonnegative(),
  params: z.record(z.string(), z.union([z.string(), num, z.boolean()])),
  replicate: z.int().nonnegative(),
  workload: z.string(),
  vmm: z.string(),
  cpu: z.string(),
  seconds: num,
  cycles: num,
  breakdown: z.record(z.string(), z.looseObject({ count: num, cycles: num, overheadCycles: num })),
  metrics: z.record(z.string(), num),
  error: z.string().optional(),
});

/** The `plot` command. */
export function plotCommand(): Command {
  return new Command('plot')
    .description('render charts (SVG and PNG): cycles per iteration (log bars), overhead per category, lines over swept parameters')
    .argument('<dir>', 'results directory holding results.json')
    .option('-o, --out <dir>', 'where to write the charts', undefined)
    .addOption(resultsBytesOption())
    .action(async (dir: string, opts: PlotOptions) => {
      const path = join(dir, 'results.json');
      if (!existsSync(path)) throw new InputError('no results.json here; run `vmmsim run FILE --out DIR` or `vmmsim sweep FILE --out DIR` first', { source: dir });
      let data: unknown;
      try {
        data = readJsonFile(path, 'results.json', opts.maxResultsBytes ?? DEFAULT_LIMITS.maxResultBytes);
      } catch (e) {
        if (e instanceof InputFileError) throw new InputError(e.detail, { source: path });
        throw new InputError(`results.json is not valid JSON: ${(e as Error).message}`, { source: path });
      }
      if (!Array.isArray(data)) throw new InputError('results.json must hold an array of result records', { source: path });
      data.forEach((r, i) => {
        const ok = RecordShape.safeParse(r);
        if (!ok.success) {
          const issue = ok.error.issues[0];
          throw new InputError(`[${i}]${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}; ` +
            'expected result records as vmmsim run --out or sweep writes them', { source: path });
        }
      });
      if (opts.out !== undefined && opts.out.trim() === '') throw new InputError('expected a directory name, got an empty string', { source: '--out' });
      const written = await writeCharts(opts.out ?? join(dir, 'charts'), data as ResultRecord[]);
      process.stdout.write(written.map((p) => `${p}\n`).join(''));
    });
}
