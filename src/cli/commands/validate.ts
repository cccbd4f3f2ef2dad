// `vmmsim validate`: run the experiments behind every published number the
// project carries (Figure 4, Table 1, the 2D-walk ratio, forkwait on the
// Pentium 4, Figure 5) and print model beside published, cell by cell, with
// whether a parameter was fitted to it; write results/validation.md. Exit 1
// when a judged cell is outside its tolerance.
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_MODELS_DIR, loadBasePoint, modelNames } from '../../config/load.js';
import { ReferenceFile, REFERENCE_FILE } from '../../config/reference.js';
import { InputError } from '../../config/errors.js';
import { failures, FIGURE5_BARS, predictionRows, validationCells, validationMarkdown, validationText } from '../../report/validation.js';
import { runScenario } from '../../run/runScenario.js';
import { walkRatios } from '../../run/walkRatio.js';
import { CommandFailed } from '../commandFailed.js';
import { checkSharedDir, writeResultFiles } from '../files.js';
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
    .option('--tolerance <percent>', 'judge every judged cell by this bound (a decimal percentage from 0.000001 to 1000) instead of its own (models/reference/published.yaml)')
    .option('--reference <file>', 'the published data', REFERENCE_FILE);
  cmd.option('--force', 'write into --out even if vmmsim did not write that directory before', false);
  addScenarioOptions(cmd);
  return cmd.action((opts: ValidateOptions) => {
    let tolerance: number | undefined;
    if (opts.tolerance !== undefined) {
      // A plain decimal (no hex, no exponent) from 10^-6 %: validation.md prints the bound as given (±0.000001%), and a smaller one would print in exponent form.
      const text = opts.tolerance.trim().replace(/%$/, '');
      tolerance = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(tolerance) || tolerance < 1e-6 || tolerance > 1000) {
        throw new InputError(`--tolerance must be a percentage from 0.000001 to 1000, written as a decimal number such as 5 or 2.5%, got "${opts.tolerance}"`, { source: '--tolerance' });
      }
    }
    if (opts.write) checkSharedDir(opts.out, { force: opts.force }); // before simulating: a refused directory costs no run time
    const refFile = ReferenceFile.read(opts.reference);
    const ref = refFile.data;
    // Every name the reference uses is checked before anything runs: one that
    // matches nothing would drop its cell without a word (or, as a CPU model,
    // be blamed on a --set the user never gave).
    const cpuModels = modelNames(opts.models ?? DEFAULT_MODELS_DIR, 'cpu');
    for (const at of [['figure4', 'cpu'], ['table1', 'cells'], ['forkwait', 'cpu'], ['figure5', 'cpu']]) refFile.requireNames(at, cpuModels, 'cpu model', `the models in ${join(opts.models ?? DEFAULT_MODELS_DIR, 'cpu')}`);
    refFile.requireNames(['figure5', 'bars'], FIGURE5_BARS, 'Figure 5 bar');
    const load = (rel: string, set: string[] = []) => loadBasePoint(join(SCENARIOS, rel), { ...loadOptionsOf(opts), set: [...opts.set, ...set] }, 'validate');
    const nano = load('paper/nanobench.yaml', [`cpu=${ref.figure4.cpu}`]);
    const fork = load('paper/forkwait.yaml', [`cpu=${ref.forkwait.cpu}`]); // every mode: the others are predictions
    const boot = load('paper/xp-boot.yaml', [`cpu=${ref.figure5.cpu}`, 'vmms=[native,software,hardware]']);
    const walk = load('mmu/walk-ratio.yaml');
    const cpus: Record<string, Record<string, number>> = {};
    for (const cpu of Object.keys(ref.table1.cells)) {
      cpus[cpu] = { ...load('paper/nanobench.yaml', [`cpu=${cpu}`]).cpu.vmx };
      refFile.requireNames(['table1', 'cells', cpu], Object.keys(cpus[cpu]), 'Table 1 field', `the keys of the vmx section of the cpu model "${cpu}"`);
    }
    refFile.requireNames(['figure4', 'cells'], nano.workloads.map((w) => w.name), 'Figure 4 benchmark', 'the workloads of scenarios/paper/nanobench.yaml');
    for (const bench of Object.keys(ref.figure4.cells)) refFile.requireNames(['figure4', 'cells', bench], nano.scenario.vmms, 'mode', 'the modes of scenarios/paper/nanobench.yaml');
    refFile.requireNames(['forkwait', 'cells'], fork.scenario.vmms, 'mode', 'the modes of scenarios/paper/forkwait.yaml');
    for (const b of Object.keys(ref.figure5.bars)) refFile.requireNames(['figure5', 'bars', b], boot.scenario.vmms, 'mode', 'the modes Figure 5 compares');
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
