// Every point × replicate of a scenario's sweep, in this thread or on worker
// threads, with the same records whatever the number of threads or shards.
// `vmmsim run` and `vmmsim sweep` both run their tasks through runTasks.
import { availableParallelism } from 'node:os';
import type { ResultRecord } from '../run/record.js';
import type { RunObserver } from '../run/simulate.js';
import { runPrepared, TaskRunner, type PreparedTask } from '../run/taskRunner.js';
import { errorRecords } from '../run/runTask.js';
import { failureError, runScenarioUnits, warmUnitWorkers } from '../run/runScenarios.js';
import { KEPT_POINTS, type SweepPlan } from '../config/sweepPlan.js';
import { checkOptions, checkPlan, checkTasks } from './checkArguments.js';
import { runOnWorkers, workerCount, type WarmWorkers } from '../run/workerPool.js';
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
  /** Unit workers started while the plan was validated ({@link warmWorkersFor}); closed when the run does not use them. */
  warm?: WarmWorkers;
}

/**
 * Start the workers a run of `plan` on `jobs` threads will use, when it runs
 * one simulation per task (see byUnits): each boots while this thread
 * validates the points. Undefined when it will not.
 */
export function warmWorkersFor(plan: SweepPlan, jobs: number): WarmWorkers | undefined {
  const traces = plan.base.workloads.some((w) => w.trace);
  return jobs > 1 && plan.taskCount > 1 && plan.points.length <= KEPT_POINTS && !traces ? warmUnitWorkers(jobs - 1) : undefined;
}

/**
 * Run the tasks numbered `tasks` of `plan` (task t is point ⌊t / replicates⌋,
 * replicate t mod replicates) and return their records in the order of
 * `tasks`. A task whose simulation fails yields records carrying `error`; bad
 * input throws an InputError.
 */
export async function runTasks(plan: SweepPlan, tasks: readonly number[], options: RunTasksOptions = {}): Promise<ResultRecord[]> {
  checkPlan('runTasks', plan);
  checkTasks(tasks, plan.taskCount);
  checkOptions('runTasks', options);
  return runTaskList(plan, tasks, options);
}

/** {@link runTasks} on arguments already checked (the CLI's, and {@link sweep}'s). */
export async function runTaskList(plan: SweepPlan, tasks: readonly number[], options: RunTasksOptions = {}): Promise<ResultRecord[]> {
  const byTask = new Map<number, ResultRecord[]>();
  const done = (t: number, records: ResultRecord[]) => {
    byTask.set(t, records);
    options.onTask?.(t, records);
  };
  const runner = new TaskRunner(plan, options.components ?? false, options.faultPoint ?? null, options.observer);
  const jobs = threads(options.jobs);
  if (jobs === 1 || tasks.length <= 1) {
    options.warm?.close();
    for (const t of tasks) {
      done(t, runner.run(t));
      await new Promise((resolve) => setImmediate(resolve)); // between tasks, let signal handlers and progress run
    }
  } else if (!(await byUnits(plan, runner, tasks, jobs, options, done))) {
    options.warm?.close();
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

/**
 * A sweep of few points (they are kept loaded) without traces runs one
 * simulation (workload × mode) per thread task, as `predict` does: finer
 * tasks than points keep both threads busy to the end. False when the sweep
 * does not qualify (it then runs point by point).
 */
async function byUnits(plan: SweepPlan, runner: TaskRunner, tasks: readonly number[], jobs: number, options: RunTasksOptions, done: (t: number, records: ResultRecord[]) => void): Promise<boolean> {
  if (plan.points.length > KEPT_POINTS) return false;
  const prepared = tasks.map((t) => runner.prepare(t));
  if (prepared.some((p) => p.loaded.workloads.some((w) => w.trace))) return false;
  const liveAt = tasks.map((_, i) => i).filter((i) => !prepared[i].fault);
  tasks.forEach((t, i) => {
    if (prepared[i].fault) done(t, runPrepared(prepared[i])); // the injected failure: error records, nothing to simulate
  });
  const live = liveAt.map((i) => tasks[i]);
  const scenarios = liveAt.map((i) => prepared[i]);
  const inputErrors: Array<{ index: number; error: Error }> = [];
  const stamp = (p: PreparedTask) => ({ point: p.spec.point.index, params: p.spec.point.params, replicate: p.spec.replicate, seed: p.spec.seed });
  await runScenarioUnits(scenarios.map((p) => ({ loaded: p.loaded, options: stamp(p) })), {
    jobs,
    warm: options.warm,
    components: options.components,
    observer: options.observer,
    onScenario: (k, o) => {
      if ('records' in o) return done(live[k], o.records);
      // A failed simulation fails its point (error records); bad input fails the sweep, reported below in task order.
      if (o.failure.input) inputErrors.push({ index: k, error: failureError(o.failure) });
      else done(live[k], errorRecords(scenarios[k].loaded, stamp(scenarios[k]), o.failure.error));
    },
  });
  if (inputErrors.length) throw inputErrors.sort((a, b) => a.index - b.index)[0].error;
  return true;
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
  if (typeof file !== 'string') checkPlan('sweep', file);
  checkOptions('sweep', options);
  const plan = typeof file === 'string' ? planScenario(file, { set: options.set, modelsDir: options.modelsDir, limits: options.limits }) : file;
  const warm = warmWorkersFor(plan, threads(options.jobs));
  try {
    plan.validateAll();
    const shard = options.shard ?? { index: 1, count: 1 };
    const tasks = Array.from({ length: plan.taskCount }, (_, t) => t).filter((t) => t % shard.count === shard.index - 1);
    const { jobs, components, onTask } = options;
    return await runTaskList(plan, tasks, { jobs, components, onTask, warm });
  } finally {
    warm?.close();
  }
}

/** Threads for `jobs` (default: every core), capped at the cores as `--jobs` is. */
function threads(jobs: number | undefined): number {
  return workerCount(jobs, availableParallelism());
}
