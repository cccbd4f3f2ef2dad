// `vmmsim reproduce nanobench`: run the paper's Figure 4 scenario and print
// model versus published cycles with the error of each cell; write the same
// table to results/nanobench.md and results/nanobench.csv.
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_MODELS_DIR, loadBasePoint } from '../../config/load.js';
import { figure4Cells, figure4Csv, figure4Markdown, figure4Text } from '../../report/figure4.js';
import { runScenario } from '../../run/runScenario.js';
import { checkSharedDir, writeResultFiles } from '../files.js';
import { addScenarioOptions, loadOptionsOf, type ScenarioOptions } from './common.js';

/** The paper scenarios shipped with vmmsim. */
const PAPER_DIR = resolve(DEFAULT_MODELS_DIR, '../scenarios/paper');

interface ReproduceOptions extends ScenarioOptions {
  out: string;
  write: boolean;
  force: boolean;
}

/** The `reproduce` command. */
export function reproduceCommand(): Command {
  const cmd = new Command('reproduce')
    .description('reproduce a published experiment: print model vs published with the error of each cell, and write it to results/')
    .addArgument(new Command().createArgument('<experiment>', 'which experiment').choices(['nanobench']))
    .option('-o, --out <dir>', 'directory to write nanobench.md and nanobench.csv into', 'results')
    .addOption(new Option('--no-write', 'print only; write no files'));
  cmd.option('--force', 'write into --out even if vmmsim did not write that directory before', false);
  addScenarioOptions(cmd);
  return cmd.action((experiment: string, opts: ReproduceOptions) => {
    if (opts.write) checkSharedDir(opts.out, { force: opts.force }); // before simulating: a refused directory costs no run time
    const loaded = loadBasePoint(join(PAPER_DIR, `${experiment}.yaml`), loadOptionsOf(opts), 'reproduce');
    const cells = figure4Cells(runScenario(loaded));
    const cpu = loaded.cpu.name;
    if (opts.write) {
      writeResultFiles(opts.out, { [`${experiment}.md`]: figure4Markdown(cells, cpu), [`${experiment}.csv`]: figure4Csv(cells, cpu) }, { force: opts.force });
    }
    process.stdout.write(figure4Text(cells, cpu));
  });
}
