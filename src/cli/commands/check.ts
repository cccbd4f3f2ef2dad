// `vmmsim check FILE`: validate a scenario, its models and every sweep point without simulating.
import { Command } from 'commander';
import { countOps } from '../../workload/stream.js';
import { addScenarioOptions, planOf, type ScenarioOptions } from './common.js';

/** The `check` command. */
export function checkCommand(): Command {
  const cmd = new Command('check')
    .description('validate a scenario file and the models it names; print a summary, simulate nothing')
    .argument('<file>', 'scenario YAML file');
  addScenarioOptions(cmd);
  return cmd.action((file: string, opts: ScenarioOptions) => {
    const plan = planOf(file, opts);
    plan.validateAll();
    const l = plan.base;
    const sweep = plan.taskCount > 1 ? `; sweep: ${plan.points.length} point${plan.points.length === 1 ? '' : 's'} × ${plan.replicates} replicate${plan.replicates === 1 ? '' : 's'}` : '';
    const ops = l.workloads.map((w) => {
      if (w.trace) return `${w.name} (trace ${w.trace.path}, read while it runs)`;
      if (w.system) {
        const tasks = w.system.guests.flatMap((g) => g.tasks);
        const n = tasks.reduce((s, t) => s + countOps(t.body, t.repeat), 0);
        const servers = w.system.guests.filter((g) => g.server).length;
        return `${w.name} (${w.system.guests.length} VM${w.system.guests.length > 1 ? 's' : ''}, ${tasks.length} processes, ${n.toLocaleString('en-US')} ops` +
          `${servers ? `, ${servers} server${servers > 1 ? 's' : ''} with clients` : ''})`;
      }
      return `${w.name} (${(countOps(w.setup ?? [], 1) + countOps(w.body, w.repeat)).toLocaleString('en-US')} ops)`;
    });
    process.stdout.write(
      `${file}: ok — scenario "${l.scenario.name}", cpu ${l.cpu.name}, guest ${l.guest?.name ?? 'none'}, ` +
        `modes ${l.scenario.vmms.join(', ')}; workloads: ${ops.join(', ')}${sweep}\n`,
    );
  });
}
