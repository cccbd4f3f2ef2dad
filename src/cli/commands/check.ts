// `vmmsim check FILE`: validate a scenario, its models and every sweep point without simulating.
import { Command } from 'commander';
import { formatSeconds } from '../../config/load.js';
import type { RunEstimate } from '../../config/runEstimate.js';
import { formatCount } from '../../config/limits.js';
import { addScenarioOptions, planOf, type ScenarioOptions } from './common.js';

/** "N ops, M memory accesses, ~S simulated s, ~E events" (the estimate the limits were checked against). */
function estimateText(e: RunEstimate): string {
  const parts = [`${formatCount(e.operations ?? 0)} ops`];
  if ((e.memoryAccesses ?? 0) > 0) parts.push(`${formatCount(e.memoryAccesses!)} memory accesses`);
  if (e.simSeconds !== null) parts.push(`~${formatSeconds(e.simSeconds)} simulated s natively`);
  if (e.events !== null) parts.push(`~${formatCount(Math.ceil(e.events))} events`);
  return parts.join(', ');
}

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
    const ops = l.workloads.map((w, i) => {
      if (w.trace) return `${w.name} (trace ${w.trace.path}, readable; counted while it runs)`;
      const est = estimateText(l.estimates[i]);
      if (w.system) {
        const tasks = w.system.guests.flatMap((g) => g.tasks);
        const servers = w.system.guests.filter((g) => g.server).length;
        return `${w.name} (${w.system.guests.length} VM${w.system.guests.length > 1 ? 's' : ''}, ${tasks.length} processes` +
          `${servers ? `, ${servers} server${servers > 1 ? 's' : ''} with clients` : ''}; ${est})`;
      }
      return `${w.name} (${est})`;
    });
    process.stdout.write(
      `${file}: ok — scenario "${l.scenario.name}", cpu ${l.cpu.name}, guest ${l.guest?.name ?? 'none'}, ` +
        `modes ${l.scenario.vmms.join(', ')}; workloads: ${ops.join(', ')}${sweep}\n`,
    );
  });
}
