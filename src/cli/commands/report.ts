// `vmmsim report DIR [--out FILE.html]`: one self-contained HTML page for a
// results directory — scenario, tables, the Figure 5 chart, every other chart
// (interactive: vega, vega-lite and vega-embed from npm are inlined, so the
// page needs no network) and the validation table when DIR holds
// validation.md or --validation names one.
import { resultsBytesOption } from './common.js';
import { checkChartable, workloadCount } from '../../report/chartLimit.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'yaml';
import { InputError } from '../../config/errors.js';
import { DEFAULT_LIMITS } from '../../config/limits.js';
import { READ_SCHEMA } from '../../config/yamlTags.js';
import { checkOutFile, writeOutFile } from '../files.js';
import { VERSION } from '../version.js';
import { readBounded, readRecords } from './readRecords.js';

interface ReportOptions {
  out?: string;
  maxResultsBytes?: number;
  scenario?: string;
  validation?: string;
}

/** The browser builds inlined into the page: package → file under its build/ directory. */
const BROWSER_BUILDS = { vega: ['vega', 'vega.min.js'], vegaLite: ['vega-lite', 'vega-lite.min.js'], vegaEmbed: ['vega-embed', 'vega-embed.min.js'] } as const;

/** Largest browser build read (they are 60–530 kB). */
const MAX_SCRIPT_BYTES = 8 * 1024 * 1024;

/** Find node_modules/PKG/build/FILE from this module's directory upwards (a dependency may be hoisted above vmmsim). */
function browserBuild(pkg: string, file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const path = join(dir, 'node_modules', pkg, 'build', file);
    if (existsSync(path)) return readBounded(path, MAX_SCRIPT_BYTES, `${pkg}'s browser build`);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find ${pkg}/build/${file} in any node_modules above ${dirname(fileURLToPath(import.meta.url))}; reinstall vmmsim (npm ci)`);
    dir = up;
  }
}

/** The `report` command. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write one self-contained HTML page for a results directory: scenario, tables, the Figure 5 chart, interactive charts, and the validation table (DIR/validation.md or --validation)')
    .argument('<dir>', 'results directory holding results.json (from run --out, sweep or merge)')
    .option('-o, --out <file>', 'the HTML file to write (default: DIR/report.html)')
    .option('--scenario <file>', 'the scenario YAML the results came from, shown on the page with its description')
    .option('--validation <file>', 'a validation report in Markdown (as `vmmsim validate` writes it); default: DIR/validation.md when present')
    .addOption(resultsBytesOption()) // readRecords' message for an oversized results.json names this flag
    .action(async (dir: string, opts: ReportOptions) => {
      const records = readRecords(dir, opts.maxResultsBytes);
      const limit = DEFAULT_LIMITS.maxInputBytes;
      let scenario = null;
      if (opts.scenario !== undefined) {
        const text = readBounded(opts.scenario, limit, 'the scenario file');
        let description: string | null = null;
        try {
          const doc = parse(text, READ_SCHEMA) as { description?: unknown } | null; // as scenario files are read
          if (typeof doc?.description === 'string') description = doc.description;
        } catch (e) {
          throw new InputError(`not valid YAML: ${(e as Error).message.split('\n')[0]}`, { source: opts.scenario });
        }
        scenario = { path: opts.scenario, text, description };
      }
      const validationPath = opts.validation ?? (existsSync(join(dir, 'validation.md')) ? join(dir, 'validation.md') : null);
      const validation = validationPath === null ? null : { path: validationPath, text: readBounded(validationPath, limit, 'the validation report') };
      const out = resolve(opts.out ?? join(dir, 'report.html'));
      if (!out.endsWith('.html')) throw new InputError('the report is an HTML file: give --out a name ending in .html', { source: `--out ${opts.out}` });
      checkOutFile(out); // before the charts are built: a FIFO or a device named by --out is refused, not replaced
      // Loaded on demand, as for plot: vega and vega-lite take a while to import.
      const { buildCharts } = await import('../../report/charts.js');
      const { htmlReport } = await import('../../report/htmlReport.js');
      const scripts = { vega: browserBuild(...BROWSER_BUILDS.vega), vegaLite: browserBuild(...BROWSER_BUILDS.vegaLite), vegaEmbed: browserBuild(...BROWSER_BUILDS.vegaEmbed) };
      checkChartable(workloadCount(records), join(dir, 'results.json'));
      const html = htmlReport({ records, charts: buildCharts(records), scenario, validation, scripts, version: VERSION });
      writeOutFile(out, html); // the file the user named (or DIR/report.html), staged and locked like every write
      process.stdout.write(`${opts.out ?? join(dir, 'report.html')}\n`);
    });
}
