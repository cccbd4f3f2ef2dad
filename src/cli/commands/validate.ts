// `vmmsim validate`: run the experiments behind every published number the
// project carries (Figure 4, Table 1, the 2D-walk ratio, forkwait on the
// Pentium 4, Figure 5) and print model beside published, cell by cell, with
// whether a parameter was fitted to it; write results/validation.md. Exit 1
// when a judged cell is outside its tolerance.
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_MODELS_DIR, loadScenario } from '../../config/load.js';
import { loadReference, REFERENCE_FILE } from '../../config/reference.js';
import { InputError } from '../../config/errors.js';
import { failures, predictionRows, validationCells, validationMarkdown, validationText } from '../../report/validation.js';
import { runScenario } from '../../run/runScenario.js';
import { walkRatios } from '../../run/walkRatio.js';
import { CommandFailed } from '../commandFailed.js';
import { writeResultFiles } from '../files.js';
import { addScenarioOptions, loadOptionsOf, type ScenarioOptions } from './common.js';

const SCENARIOS = resolve(DEFAULT_MODELS_DIR, '../scenarios');

interface ValidateOptions extends ScenarioOptions {
  out: string;
  force: boolean;
  write: boolean;
  tolerance?: string;
  reference: string;
}

/** The `validate` command. */
export function validateCommand(): Command {
  const cmd = new Command('validate')
    .description('the model beside every published number it carries (Figure 4, Table 1, 2D-walk ratio, forkwait, Figure 5): error per cell, fitted or predicted; writes validation.md; exit 1 if a judged cell is outside its tolerance')
    .option('-o, --out <dir>', 'directory to write validation.md into', 'results')
    .addOption(new Option('--no-write', 'print only; write no file'))
    .option('--tolerance <percent>', 'judge every judged cell by this bound instead of its own (models/reference/published.yaml)')
    .option('--reference <file>', 'the published data', REFERENCE_FILE);
  cmd.option('--force', 'write into --out even if vmmsim did not write that directory before', false);
  addScenarioOptions(cmd);
  return cmd.action((opts: ValidateOptions) => {
    let tolerance: number | undefined;
    if (opts.tolerance !== undefined) {
      tolerance = Number(opts.tolerance.replace(/%$/, ''));
      if (!Number.isFinite(tolerance) || tolerance <= 0 || tolerance > 1000) {
        throw new InputError(`--tolerance must be a percentage between 0 and 1000, got "${opts.tolerance}"`, { source: '--tolerance' });
      }
    }
    const ref = loadReference(opts.reference);
    const load = (rel: string, set: string[] = []) => loadScenario(join(SCENARIOS, rel), { ...loadOptionsOf(opts), set: [...opts.set, ...set] });
    const nano = load('paper/nanobench.yaml');
    const fork = load('paper/forkwait.yaml', [`cpu=${ref.forkwait.cpu}`]); // every mode: the others are predictions
    const boot = load('paper/xp-boot.yaml', [`cpu=${ref.figure5.cpu}`, 'vmms=[native,software,hardware]']);
    const walk = load('mmu/walk-ratio.yaml');
    const cpus: Record<string, Record<string, number>> = {};
    for (const cpu of Object.keys(ref.table1.cells)) {
      cpus[cpu] = { ...load('paper/nanobench.yaml', [`cpu=${cpu}`]).cpu.vmx };
    }
    const inputs = {
      nanobench: runScenario(nano), forkwait: runScenario(fork), xpBoot: runScenario(boot), cpus,
      walkRatios: walkRatios(walk).map((r) => r.ratio),
    };
    const cells = validationCells(ref, inputs, tolerance);
    const predictions = predictionRows(ref, inputs);
    if (opts.write) writeResultFiles(opts.out, { 'validation.md': validationMarkdown(cells, ref, predictions) }, { force: opts.force });
    process.stdout.write(validationText(cells, predictions));
    if (failures(cells).length > 0) throw new CommandFailed('validation: some judged cells are outside their tolerance (see the table)', 1);
  });
}
