// Every point × replicate of a scenario's sweep, in this thread or on worker
// threads, with the same records whatever the number of threads or shards.
// `vmmsim run` and `vmmsim sweep` both run their tasks through runTasks.
import { availableParallelism } from 'node:os';
import type { SweepPlan } from '../config/sweepPlan.js';
import type { ResultRecord } from '../run/record.js';
import type { RunObserver } from '../run/simulate.js';
import { TaskRunner } from '../run/taskRunner.js';
import { runOnWorkers } from '../run/workerPool.js';
import { postable } from '../run/runScenario.js';
import type { SweepWorkerMessage } from '../run/sweepWorker.js';
import { planScenario, type ScenarioOptions } from './loadScenario.js';

/** Options of {@link runTasks}. */
export interface RunTasksOptions {
  /** Threads to use, this one included (default: every core); 1 runs every task in this thread. */
  jobs?: number;
  /** Record cycles by cost component too. */
  components?: boolean;
  /** Called as each task finishes, in completion order (which varies with threads; the records do not). */
  onTask?(task: number, records: ResultRecord[]): void;
  /** A point whose simulation throws on purpose (tests of failure handling), or null. */
  faultPoint?: number | null;
  /** Told of each simulation this thread starts (worker threads' are not observed). */
  observer?: RunObserver;
}

/**
 * Run the tasks numbered `tasks` of `plan` (task t is point ⌊t / replicates⌋,
 * replicate t mod replicates) and return their records in the order of
 * `tasks`. A task whose simulation fails yields records carrying `error`; bad
 * input throws an InputError.
 */
export async function runTasks(plan: SweepPlan, tasks: readonly number[], options: RunTasksOptions = {}): Promise<ResultRecord[]> {
  const byTask = new Map<number, ResultRecord[]>();
  const done = (t: number, records: ResultRecord[]) => {
    byTask.set(t, records);
    options.onTask?.(t, records);
  };
  const runner = new TaskRunner(plan, options.components ?? false, options.faultPoint ?? null, options.observer);
  const jobs = options.jobs ?? availableParallelism();
  if (jobs === 1 || tasks.length <= 1) {
    for (const t of tasks) {
      done(t, runner.run(t));
      await new Promise((resolve) => setImmediate(resolve)); // between tasks, let signal handlers and progress run
    }
  } else {
    const { set, modelsDir, limits } = plan.options;
    await runOnWorkers(tasks, {
      jobs,
      data: { file: plan.source.file, set: [...(set ?? [])], modelsDir, limits, components: options.components ?? false, faultPoint: options.faultPoint ?? null },
      onResult: done,
      inline: (t) => runner.run(t),
      message: (t) => postedTask(runner, t),
    });
  }
  return tasks.flatMap((t) => byTask.get(t)!);
}

/** Task `t` as posted to a sweep worker: resolved here, so the worker loads nothing; by number for a point that replays a trace. */
function postedTask(runner: TaskRunner, t: number): SweepWorkerMessage {
  const { loaded, spec, fault } = runner.prepare(t);
  if (loaded.workloads.some((w) => w.trace)) return t;
  return { task: t, prepared: { loaded: postable(loaded), spec, fault } };
}

/** Options of {@link sweep}. */
export interface SweepOptions extends ScenarioOptions, Omit<RunTasksOptions, 'faultPoint' | 'observer'> {
  /** Run only shard `index` of `count` (tasks index−1, index−1+count, …), as `--shard i/n` does. */
  shard?: { index: number; count: number };
}

/**
 * Run every point × replicate of a scenario's `sweep:` block and
 * `replicates:` (a scenario without them is one task) and resolve to the
 * records in task order: point by point, replicate by replicate, workload by
 * workload, mode by mode. Every point is validated before any runs. The
 * records are identical for any `jobs` and, concatenated over shards in task
 * order, to an unsharded sweep.
 *
 * @example
 * const records = await sweep('scenarios/paper/microarch-sweep.yaml', { jobs: 2, set: { 'workloads.0.repeat': 1000 } });
 */
export async function sweep(file: string | SweepPlan, options: SweepOptions = {}): Promise<ResultRecord[]> {
  const plan = typeof file === 'string' ? planScenario(file, options) : file;
  plan.validateAll();
  const shard = options.shard ?? { index: 1, count: 1 };
  const tasks = Array.from({ length: plan.taskCount }, (_, t) => t).filter((t) => t % shard.count === shard.index - 1);
  return runTasks(plan, tasks, options);
}
