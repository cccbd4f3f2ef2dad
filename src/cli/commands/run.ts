// `vmmsim run FILE`: simulate a scenario in this process (every sweep point
// and replicate, if it has them) and print (and optionally save) results.
import { Command, Option } from 'commander';
import { ScenarioSource } from '../../config/load.js';
import { SweepPlan } from '../../config/sweepPlan.js';
import { toCsv } from '../../report/csv.js';
import { toJson } from '../../report/json.js';
import { toTable } from '../../report/table.js';
import { TaskRunner } from '../../run/taskRunner.js';
import { CommandFailed } from '../commandFailed.js';
import { writeResultFiles } from '../files.js';
import { addScenarioOptions, type ScenarioOptions } from './common.js';
import { writeCharts } from './outputs.js';

interface RunOptions extends ScenarioOptions {
  format: 'table' | 'json' | 'csv';
  out?: string;
  components: boolean;
  charts: boolean;
}

/** The `run` command. */
export function runCommand(): Command {
  const cmd = new Command('run')
    .description('simulate a scenario: every workload under every mode (and every sweep point and replicate), and print the results')
    .argument('<file>', 'scenario YAML file')
    .addOption(new Option('-f, --format <format>', 'what to print').choices(['table', 'json', 'csv']).default('table'))
    .option('-o, --out <dir>', 'also write results.json, results.csv and table.txt into this directory')
    .option('-c, --components', 'show cycles by cost component (exit, vmread, decode, …) as well as by category', false)
    .option('--charts', 'with --out: also render charts (SVG and PNG) into DIR/charts', false);
  addScenarioOptions(cmd);
  return cmd.action(async (file: string, opts: RunOptions) => {
    const plan = SweepPlan.create(ScenarioSource.read(file), { set: opts.set, modelsDir: opts.models });
    plan.validateAll();
    const runner = new TaskRunner(plan, opts.components);
    const records = Array.from({ length: plan.taskCount }, (_, t) => runner.run(t)).flat();
    const rendered = { table: () => toTable(records, opts), json: () => toJson(records), csv: () => toCsv(records) };
    if (opts.out) {
      writeResultFiles(opts.out, { 'results.json': toJson(records), 'results.csv': toCsv(records), 'table.txt': toTable(records, opts) });
      if (opts.charts) await writeCharts(`${opts.out}/charts`, records);
    }
    process.stdout.write(rendered[opts.format]());
    const failed = records.filter((r) => r.error !== undefined);
    if (failed.length > 0) throw new CommandFailed(`${failed.length} of ${records.length} runs failed (first: ${failed[0].workload} under ${failed[0].vmm}: ${failed[0].error})`, 1);
  });
}
