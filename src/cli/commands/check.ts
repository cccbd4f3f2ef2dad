// `vmmsim check FILE`: validate a scenario and its models without simulating.
import { Command } from 'commander';
import { loadScenario } from '../../config/load.js';
import { countOps } from '../../workload/stream.js';
import { addScenarioOptions, type ScenarioOptions } from './common.js';

/** The `check` command. */
export function checkCommand(): Command {
  const cmd = new Command('check')
    .description('validate a scenario file and the models it names; print a summary, simulate nothing')
    .argument('<file>', 'scenario YAML file');
  addScenarioOptions(cmd);
  return cmd.action((file: string, opts: ScenarioOptions) => {
    const l = loadScenario(file, { set: opts.set, modelsDir: opts.models });
    const ops = l.workloads.map((w) => `${w.name} (${countOps(w.body, w.repeat).toLocaleString('en-US')} ops)`);
    process.stdout.write(
      `${file}: ok — scenario "${l.scenario.name}", cpu ${l.cpu.name}, guest ${l.guest?.name ?? 'none'}, ` +
        `modes ${l.scenario.vmms.join(', ')}; workloads: ${ops.join(', ')}\n`,
    );
  });
}
