// `vmmsim walk-ratio [FILE]`: the mean 2D-walk latency as a multiple of a
// native walk for memory streams matching the 2D-walk paper's suites; prints
// the table and writes it to results/ atomically.
import { Command } from 'commander';
import { loadBasePoint } from '../../config/load.js';
import { walkRatioTable } from '../../report/walkRatioTable.js';
import { walkRatios } from '../../run/walkRatio.js';
import { basename, dirname, join } from 'node:path';
import { SCENARIOS_DIR } from '../../api/loadScenario.js';
import { checkOutFile, checkSharedDir, writeResultFiles } from '../files.js';
import { addScenarioOptions, loadOptionsOf, type ScenarioOptions } from './common.js';

interface WalkRatioOptions extends ScenarioOptions {
  out: string;
  write: boolean;
  force: boolean;
}

/** The `walk-ratio` command. */
export function walkRatioCommand(): Command {
  const cmd = new Command('walk-ratio')
    .description('mean 2D page-walk latency (nested paging) as a multiple of a native walk, per workload of a scenario')
    .argument('[file]', "scenario whose workloads are memory streams (default: vmmsim's own scenarios/mmu/walk-ratio.yaml, wherever it runs from)")
    .option('-o, --out <file>', 'where to write the table', 'results/mmu/walk-ratio.txt')
    .option('--no-write', 'print only; write no file')
    .option('--force', "write into the file's directory even if vmmsim did not write it before", false);
  addScenarioOptions(cmd);
  return cmd.action((file: string | undefined, opts: WalkRatioOptions) => {
    if (opts.write) {
      // Before simulating: a refused file or directory costs no run time.
      checkOutFile(opts.out);
      checkSharedDir(dirname(opts.out), { force: opts.force });
    }
    // The shipped scenario, found beside the installed package as predict finds its own, not under the working directory.
    const loaded = loadBasePoint(file ?? join(SCENARIOS_DIR, 'mmu', 'walk-ratio.yaml'), loadOptionsOf(opts), 'walk-ratio');
    const mmu = loaded.cpu.mmu;
    const text = walkRatioTable(walkRatios(loaded), {
      scenario: loaded.scenario.name, cpu: loaded.cpu.name, pwcDesign: mmu.pwc.design, guestLevels: mmu.guestLevels,
      nestedLevels: mmu.nestedLevels, hostPageSize: mmu.hostPageSize, seed: loaded.scenario.seed,
    });
    if (opts.write) writeResultFiles(dirname(opts.out), { [basename(opts.out)]: text }, { force: opts.force });
    process.stdout.write(text);
  });
}
