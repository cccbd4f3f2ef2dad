// `vmmsim run FILE`: simulate a scenario in this process (every sweep point
// and replicate, if it has them) and print (and optionally save) results,
// with a progress line on a terminal when it takes more than a second.
import { InputError } from '../../config/errors.js';
import { Command, Option } from 'commander';
import { toCsv } from '../../report/csv.js';
import { toFigure5 } from '../../report/figure5.js';
import { toJson } from '../../report/json.js';
import { toTable } from '../../report/table.js';
import { runTaskList } from '../../api/sweep.js';
import { CommandFailed } from '../commandFailed.js';
import { injectFault } from '../faults.js';
import { OutputDir, scenarioIdentity } from '../files.js';
import { addScenarioOptions, planOf, type ScenarioOptions } from './common.js';
import { checkChartable } from '../../report/chartLimit.js';
import { renderCharts } from './outputs.js';
import { startRunProgress } from '../runProgress.js';

interface RunOptions extends ScenarioOptions {
  format: 'table' | 'json' | 'csv' | 'figure5';
  out?: string;
  force: boolean;
  components: boolean;
  charts: boolean;
}

/** What `run --out` writes at the top of its directory (besides charts/ and the manifest). */
const RUN_FILES: readonly string[] = ['results.json', 'results.csv', 'table.txt'];

/** The `run` command. */
export function runCommand(): Command {
  const cmd = new Command('run')
    .description('simulate a scenario: every workload under every mode (and every sweep point and replicate), and print the results')
    .argument('<file>', 'scenario YAML file')
    .addOption(new Option('-f, --format <format>', 'what to print (figure5: overhead versus native by category, in seconds)').choices(['table', 'json', 'csv', 'figure5']).default('table'))
    .option('-o, --out <dir>', 'also write results.json, results.csv and table.txt (and the manifest .vmmsim.json) into this directory')
    .option('--force', 'write into --out even if it holds results of a different scenario or files vmmsim did not write', false)
    .option('-c, --components', 'show cycles by cost component (exit, vmread, decode, …) as well as by category', false)
    .option('--charts', 'with --out: also render charts (SVG and PNG) into DIR/charts', false);
  addScenarioOptions(cmd);
  return cmd.action(async (file: string, opts: RunOptions) => {
    if (opts.charts && opts.out === undefined) throw new InputError('needs --out DIR: the charts are files written into DIR/charts', { source: '--charts' });
    const plan = planOf(file, opts);
    plan.validateAll();
    if (opts.charts && opts.out !== undefined) checkChartable(plan.base.workloads.length, '--charts'); // before simulating
    // Claim --out before simulating, so a refused directory costs no run time.
    const out = opts.out === undefined ? null : OutputDir.claim(opts.out, scenarioIdentity(plan.base.scenario.name, plan.base.scenario, opts.set), { force: opts.force, subdirs: opts.charts ? ['charts'] : [], files: RUN_FILES });
    const progress = startRunProgress(plan);
    let records;
    try {
      records = await runTaskList(plan, Array.from({ length: plan.taskCount }, (_, t) => t), { jobs: 1, components: opts.components, observer: progress?.observer });
    } finally {
      await progress?.stop();
    }
    injectFault('run');
    const rendered = { table: () => toTable(records, opts), json: () => toJson(records), csv: () => toCsv(records), figure5: () => toFigure5(records) };
    if (out) {
      const charts = opts.charts ? await renderCharts(records, 'charts') : {};
      out.write({ 'results.json': toJson(records), 'results.csv': toCsv(records), 'table.txt': toTable(records, opts), ...charts });
    }
    process.stdout.write(rendered[opts.format]());
    const failed = records.filter((r) => r.error !== undefined);
    if (failed.length > 0) throw new CommandFailed(`${failed.length} of ${records.length} runs failed (first: ${failed[0].workload} under ${failed[0].vmm}: ${failed[0].error})`, 1);
  });
}
