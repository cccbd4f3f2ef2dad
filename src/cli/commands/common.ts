// Options shared by commands that load a scenario.
import { Option, type Command } from 'commander';

/** Options every scenario-loading command accepts. */
export interface ScenarioOptions {
  set: string[];
  models?: string;
}

/** Add --set (repeatable) and --models to a command. */
export function addScenarioOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-s, --set <key=value>', 'override a parameter by dotted key (repeatable), e.g. cpu=core2, cpu.vmx.vmExitCycles=1186, workloads.0.repeat=10')
        .argParser((v: string, prev: string[] = []) => [...prev, v])
        .default([], 'none'),
    )
    .option('--models <dir>', 'directory of model files (cpu/, vmm/, guest/)', undefined);
}
