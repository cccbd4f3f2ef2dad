// `vmmsim check FILE`: validate a scenario, its models and every sweep point without simulating.
import { Command } from 'commander';
import { formatSeconds } from '../../config/load.js';
import type { RunEstimate } from '../../config/runEstimate.js';
import { formatCount } from '../../config/limits.js';
import { estimateWallTime, type WallTimeEstimate } from '../../run/estimateWallTime.js';
import { formatOps } from '../runProgressWorker.js';
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
    .description('validate a scenario file and the models it names; print a summary and an estimate of the run time (from a short timed sample)')
    .argument('<file>', 'scenario YAML file')
    .option('--no-estimate', 'skip the run-time estimate: simulate nothing at all');
  addScenarioOptions(cmd);
  return cmd.action((file: string, opts: ScenarioOptions & { estimate: boolean }) => {
    const plan = planOf(file, opts);
    const loadStart = performance.now();
    plan.validateAll();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const l = plan.base;
    const sweep = plan.taskCount > 1 ? `; sweep: ${plan.points.length} point${plan.points.length === 1 ? '' : 's'} × ${plan.replicates} replicate${plan.replicates === 1 ? '' : 's'}` : '';
    const ops = l.workloads.map((w, i) => {
      const est = estimateText(l.estimates[i]);
      // Every line of a trace was parsed and checked while loading; its time is known only once it runs.
      if (w.trace) return `${w.name} (trace ${w.trace.path}, every line checked: ${est})`;
      if (w.system) {
        const tasks = w.system.guests.flatMap((g) => g.tasks);
        const servers = w.system.guests.filter((g) => g.server).length;
        return `${w.name} (${w.system.guests.length} VM${w.system.guests.length > 1 ? 's' : ''}, ${tasks.length} process${tasks.length === 1 ? '' : 'es'}` +
          `${servers ? `, ${servers} server${servers > 1 ? 's' : ''} with clients` : ''}; ${est})`;
      }
      return `${w.name} (${est})`;
    });
    process.stdout.write(
      `${file}: ok — scenario "${l.scenario.name}", cpu ${l.cpu.name}, guest ${l.guest?.name ?? 'none'}, ` +
        `modes ${l.scenario.vmms.join(', ')}; workloads: ${ops.join(', ')}${sweep}\n`,
    );
    if (opts.estimate) process.stdout.write(estimateLine(estimateWallTime(l), plan.taskCount, loadSeconds));
  });
}

/** The check's estimate line: wall time on one thread for every task (each point loaded once, as just now), and how it was found. */
export function estimateLine(e: WallTimeEstimate, tasks: number, loadSeconds: number): string {
  const skipped = e.skipped.length ? `; not included: ${e.skipped.join(', ')} (a trace, or no loop to shorten)` : '';
  if (e.operations === 0) return `estimated run time: not estimated${skipped}\n`;
  // run and sweep load every point twice: once to validate all before running, once to run it.
  const seconds = e.seconds * tasks + 2 * loadSeconds;
  const shown = seconds < 10 ? seconds.toPrecision(2) : Math.round(seconds).toLocaleString('en-US');
  const sweep = tasks > 1 ? `; the ${tasks} sweep tasks assumed alike` : '';
  return `estimated run time: about ${shown} s on one thread for ${formatOps(e.operations * tasks)} operations ` +
    `(ESTIMATE: each workload × mode timed just now on a short sample, scaled to its length${sweep}${skipped})\n`;
}
