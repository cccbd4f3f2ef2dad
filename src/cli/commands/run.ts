// `vmmsim run FILE`: simulate a scenario and print (and optionally save) results.
import { Command, Option } from 'commander';
import { loadScenario } from '../../config/load.js';
import { toCsv } from '../../report/csv.js';
import { toJson } from '../../report/json.js';
import { toTable } from '../../report/table.js';
import { runScenario } from '../../run/runScenario.js';
import { writeResultFiles } from '../files.js';
import { addScenarioOptions, type ScenarioOptions } from './common.js';

interface RunOptions extends ScenarioOptions {
  format: 'table' | 'json' | 'csv';
  out?: string;
  components: boolean;
}

/** The `run` command. */
export function runCommand(): Command {
  const cmd = new Command('run')
    .description('simulate a scenario: every workload under every mode, and print the results')
    .argument('<file>', 'scenario YAML file')
    .addOption(new Option('-f, --format <format>', 'what to print').choices(['table', 'json', 'csv']).default('table'))
    .option('-o, --out <dir>', 'also write results.json, results.csv and table.txt into this directory')
    .option('-c, --components', 'show cycles by cost component (exit, vmread, decode, …) as well as by category', false);
  addScenarioOptions(cmd);
  return cmd.action((file: string, opts: RunOptions) => {
    const loaded = loadScenario(file, { set: opts.set, modelsDir: opts.models });
    const records = runScenario(loaded, { components: opts.components });
    const rendered = { table: () => toTable(records, opts), json: () => toJson(records), csv: () => toCsv(records) };
    if (opts.out) {
      writeResultFiles(opts.out, { 'results.json': toJson(records), 'results.csv': toCsv(records), 'table.txt': toTable(records, opts) });
    }
    process.stdout.write(rendered[opts.format]());
  });
}
