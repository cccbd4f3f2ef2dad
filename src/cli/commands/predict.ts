// `vmmsim predict`: run every paper scenario (scenarios/paper/) and print the
// prediction table — percent of native per mode, and forkwait's seconds on
// both CPUs — then write it to results/ (each file atomically).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { InputError } from '../../config/errors.js';
import { loadBasePoint } from '../../config/load.js';
import { toJson } from '../../report/json.js';
import { toPrediction } from '../../report/prediction.js';
import type { ResultRecord } from '../../run/record.js';
import { runScenarios } from '../../run/runScenarios.js';
import { checkSharedDir, writeResultFiles } from '../files.js';
import { addScenarioOptions, loadOptionsOf, type ScenarioOptions } from './common.js';
import { parseJobs } from './sweep.js';
import { workerCount } from '../../run/workerPool.js';

/** The paper scenarios, in the order of the table. */
export const PAPER_SCENARIOS = [
  'forkwait', 'xp-boot', 'compile-lin', 'compile-win', 'apache-lin', 'apache-win', 'largeram', '2dgraphics', 'specint', 'specjbb',
] as const;

/** CPUs forkwait's seconds are predicted on (the paper's two hosts). */
export const FORKWAIT_CPUS = ['pentium4', 'core2'] as const;

const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../scenarios/paper');

interface PredictOptions extends ScenarioOptions {
  out: string;
  write: boolean;
  force: boolean;
  scenarios?: string;
  jobs?: number;
}

/** The `predict` command. */
export function predictCommand(): Command {
  const cmd = new Command('predict')
    .description('run every paper scenario (scenarios/paper/) and print percent of native per mode, plus forkwait seconds on both CPUs; write the table to results/')
    .option('-o, --out <dir>', 'directory for prediction.txt and prediction.json', 'results')
    .option('--no-write', 'print only; write nothing')
    .option('--scenarios <names>', `comma-separated subset of ${PAPER_SCENARIOS.join(', ')}`)
    .addOption(new Option('-j, --jobs <n>', 'threads, this one included, each running one simulation (scenario workload × mode) at a time; 1 runs all in this thread').argParser(parseJobs).default(undefined, 'all cores'));
  cmd.option('--force', 'write into --out even if vmmsim did not write that directory before', false);
  addScenarioOptions(cmd);
  return cmd.action(async (opts: PredictOptions) => {
    if (opts.write) checkSharedDir(opts.out, { force: opts.force }); // before simulating: a refused directory costs no run time
    const names = opts.scenarios !== undefined ? opts.scenarios.split(',').map((s) => s.trim()) : [...PAPER_SCENARIOS];
    const where = { source: `--scenarios ${opts.scenarios ?? ''}` };
    if (names.some((n) => n === '')) throw new InputError(`expected comma-separated scenario names (some of ${PAPER_SCENARIOS.join(', ')}), got an empty name`, where);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new InputError(`names "${twice}" twice; expected each scenario once`, where);
    // A name of the list, not any file name: `../x` would reach a scenario outside scenarios/paper/.
    const unknown = names.find((n) => !(PAPER_SCENARIOS as readonly string[]).includes(n));
    if (unknown !== undefined) throw new InputError(`unknown paper scenario "${unknown}"; expected some of ${PAPER_SCENARIOS.join(', ')}`, where);
    const file = (name: string) => {
      const f = join(SCENARIO_DIR, `${name}.yaml`);
      if (!existsSync(f)) throw new InputError(`paper scenario "${name}" has no file ${f} (an incomplete installation?)`, where);
      return f;
    };
    const load = (name: string, set: string[]) => {
      const options = { ...loadOptionsOf(opts), set };
      // The table has one row per scenario: a sweep or replicates given by --set would be dropped without a word.
      return { loaded: loadBasePoint(file(name), options, 'predict'), source: { file: file(name), set, modelsDir: options.modelsDir, limits: options.limits } };
    };
    const loaded = names.map((name) => load(name, opts.set)); // every scenario checked before any runs
    // forkwait on each CPU it is not already run on by the main table.
    const mainForkwait = loaded.find((l) => l.loaded.scenario.name === 'forkwait');
    const extra = names.includes('forkwait') ? FORKWAIT_CPUS.filter((cpu) => mainForkwait?.loaded.cpu.name !== cpu).map((cpu) => load('forkwait', [...opts.set, `cpu=${cpu}`])) : [];
    const jobs = workerCount(opts.jobs, availableParallelism());
    const records = await runScenarios([...loaded, ...extra], { jobs });
    const main = records.slice(0, loaded.length).flat();
    const extraRecords = records.slice(loaded.length).flat();
    const forkwait: ResultRecord[] = [];
    if (names.includes('forkwait')) {
      for (const cpu of FORKWAIT_CPUS) {
        const recs = main.filter((r) => r.scenario === 'forkwait' && r.cpu === cpu);
        forkwait.push(...(recs.length ? recs : extraRecords.filter((r) => r.cpu === cpu)));
      }
    }
    const text = toPrediction(main, forkwait);
    if (opts.write) writeResultFiles(opts.out, { 'prediction.txt': text, 'prediction.json': toJson([...main, ...forkwait.filter((r) => !main.includes(r))]) }, { force: opts.force });
    process.stdout.write(text);
  });
}
