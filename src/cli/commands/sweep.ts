// `vmmsim sweep FILE --out DIR`: run every point × replicate of a scenario's
// sweep on worker threads, store each finished task in DIR/points (so a rerun
// resumes), then assemble results and summary files. `--shard i/n` runs
// every n-th task only, for spreading one sweep over machines (see merge).
import { checkChartable } from '../../report/chartLimit.js';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { InputError } from '../../config/errors.js';
import { replicateSeed } from '../../config/sweep.js';
import type { ResultRecord } from '../../run/record.js';
import type { SweepPlan } from '../../config/sweepPlan.js';
import { runTaskList, warmWorkersFor } from '../../api/sweep.js';
import { workerCount, type WarmWorkers } from '../../run/workerPool.js';
import { createProgress } from '../progress.js';
import { expectedRecords, readTask, writeManifest, writeTask, type SweepManifest, type TaskFile } from '../sweepStore.js';
import { OutputDir, OutputError, scenarioIdentity } from '../files.js';
import { InputFileError } from '../../workload/inputFile.js';
import { addScenarioOptions, loadOptionsOf, planOf, resultsBytesOption, type ScenarioOptions } from './common.js';
import { SWEEP_FILES, writeSweepOutputs } from './outputs.js';
import { CommandFailed } from '../commandFailed.js';
import { FAULT_ENV } from '../faults.js';
import { VERSION } from '../version.js';

/** The options of the `sweep` command. */
export interface SweepOptions extends ScenarioOptions {
  out: string;
  jobs?: number;
  shard?: { index: number; count: number };
  quiet: boolean;
  charts: boolean;
  components: boolean;
  force: boolean;
}

/** Parse `--jobs N` (a positive integer). */
export function parseJobs(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN; // digits only: Number() also reads 0x2 and 0b10
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`expected a positive whole number of worker threads, got "${text}"`, { source: `--jobs ${text}` });
  return n;
}

/** Parse `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError(`expected i/n with 1 ≤ i ≤ n, such as 2/8, got "${text}"`, { source: `--shard ${text}` });
  }
  // Past 2^53 a number is no longer exact: the shard recorded in sweep.json would not be the one asked for.
  if (!Number.isSafeInteger(count)) throw new InputError(`expected i/n with n at most ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}, got "${text}"`, { source: `--shard ${text}` });
  return { index, count };
}

/** The `sweep` command. */
export function sweepCommand(): Command {
  const cmd = new Command('sweep')
    .description('run every point × replicate of the scenario\'s sweep: on worker threads, resumable, shardable; ' +
      'writes results.csv/json, summary.csv/json and points/ into --out')
    .argument('<file>', 'scenario YAML file (with a sweep: block and/or replicates:)')
    .requiredOption('-o, --out <dir>', 'results directory; rerunning with the same directory skips finished tasks')
    .addOption(new Option('-j, --jobs <n>', 'worker threads (at most the number of cores)').argParser(parseJobs).default(undefined, 'all cores'))
    .addOption(new Option('--shard <i/n>', 'run only shard i of n (tasks i-1, i-1+n, …); combine with `vmmsim merge`').argParser(parseShard))
    .option('-q, --quiet', 'no progress output', false)
    .option('--charts', 'also render charts (SVG and PNG) into DIR/charts', false)
    .option('-c, --components', 'record cycles by cost component too', false)
    .option('--force', 'write into --out even if it holds results of a different scenario or files vmmsim did not write', false);
  addScenarioOptions(cmd).addOption(resultsBytesOption());
  return cmd.action((file: string, opts: SweepOptions) => sweepPlanned(file, planOf(file, opts), opts));
}

/**
 * The `sweep` command on a plan already read from `file`: validate every
 * point, claim --out, run the tasks not already in it, assemble the outputs.
 * (A test may load and validate the plan first, then change an input before
 * the run, as a user could while it waits: points of a small sweep stay
 * loaded, so they are not checked again.)
 */
export async function sweepPlanned(file: string, plan: SweepPlan, opts: SweepOptions): Promise<void> {
  const jobs = workerCount(opts.jobs, availableParallelism());
  const warm = warmWorkersFor(plan, jobs); // the workers boot while the points are validated
  try {
    const perPoint = plan.validateAll();
    if (opts.charts) checkChartable(plan.base.workloads.length, '--charts'); // before anything runs
    // Claim --out before anything runs; its manifest goes in first, since a
    // sweep directory fills task by task and is resumed only by this scenario.
    const out = OutputDir.claim(opts.out, scenarioIdentity(plan.base.scenario.name, plan.base.scenario, opts.set), { force: opts.force, subdirs: opts.charts ? ['points', 'charts'] : ['points'], files: SWEEP_FILES });
    out.lock(); // held to the end: a second sweep on this directory is refused meanwhile
    const stopOnSignal = releaseOnSignal(out);
    const tally = { stored: 0, kept: 0 };
    let failure: { error: unknown } | null = null;
    try {
      out.write({}, SWEEP_FILES);
      await sweepInto(out, file, plan, perPoint, { ...opts, jobs }, warm, tally);
    } catch (e) {
      failure = { error: e };
    } finally {
      stopOnSignal();
      out.release();
    }
    if (failure !== null) throw afterFailure(failure.error, out, tally);
  } finally {
    warm?.close();
  }
}

/** Run the plan's tasks (those of this shard not already in `out`), store each, then write the assembled outputs. */
async function sweepInto(
  out: OutputDir, file: string, plan: SweepPlan, perPoint: ReturnType<SweepPlan['validateAll']>, opts: SweepOptions & { jobs: number }, warm: WarmWorkers | undefined,
  tally: { stored: number; kept: number },
): Promise<void> {
  const loadOptions = loadOptionsOf(opts);
  const fingerprints = Array.from({ length: plan.taskCount }, (_, t) => {
    const { point, replicate } = plan.task(t);
    return hash([VERSION, perPoint[point].fingerprint, replicateSeed(perPoint[point].seed, replicate), opts.components]);
  });
  const shard = opts.shard ?? { index: 1, count: 1 };
  const mine = fingerprints.map((_, t) => t).filter((t) => t % shard.count === shard.index - 1);
  const manifest: SweepManifest = {
    vmmsim: VERSION, scenario: plan.base.scenario.name, file, sweep: hash(fingerprints),
    points: plan.points.length, replicates: plan.replicates, tasks: plan.taskCount, fingerprints,
    shard: opts.shard ? `${shard.index}/${shard.count}` : null,
  };

  // A stored task is reused only if it holds exactly what it would compute now; one of
  // other inputs (a stale fingerprint), a failed one and one that is damaged are rerun.
  const done = new Map<number, TaskFile>();
  const untrusted: string[] = [];
  for (const t of mine) {
    const task = plan.task(t);
    const expect = { records: expectedRecords({ ...perPoint[task.point], params: plan.points[task.point].params }, task), components: opts.components };
    let stored: TaskFile | null;
    try {
      stored = readTask(opts.out, task, fingerprints[t], expect, loadOptions.limits?.maxResultBytes);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      untrusted.push(e.message);
      continue;
    }
    if (stored && !stored.records.some((r) => r.error !== undefined)) done.set(t, stored);
  }
  const todo = mine.filter((t) => !done.has(t));
  tally.kept = done.size;
  writeManifest(out, manifest);
  if (!opts.quiet && untrusted.length > 0) {
    process.stderr.write(`vmmsim: rerunning ${untrusted.length === 1 ? 'a stored task' : `${untrusted.length} stored tasks`} whose file cannot be trusted` +
      ` (${untrusted.length === 1 ? '' : 'first: '}${untrusted[0]})\n`);
  }
  if (!opts.quiet && done.size > 0) process.stderr.write(`vmmsim: resuming: ${done.size} of ${mine.length} tasks already finished in ${opts.out}\n`);
  const progress = createProgress(mine.length, 'tasks', { quiet: opts.quiet, initial: done.size });
  const store = (t: number, records: ResultRecord[]) => {
    const { point, replicate } = plan.task(t);
    const tf: TaskFile = { task: t, point, replicate, fingerprint: fingerprints[t], records };
    writeTask(out, tf);
    tally.stored++;
    done.set(t, tf);
    progress.update(done.size);
  };
  try {
    await runTaskList(plan, todo, { jobs: opts.jobs, components: opts.components, faultPoint: sweepFaultPoint(), onTask: store, warm });
  } finally {
    progress.stop();
  }
  const records = mine.flatMap((t) => done.get(t)!.records);
  await writeSweepOutputs(out, records, { charts: opts.charts });
  const failed = mine.filter((t) => done.get(t)!.records.some((r) => r.error !== undefined));
  if (failed.length > 0) {
    const first = done.get(failed[0])!.records.find((r) => r.error !== undefined)!;
    throw new CommandFailed(`${failed.length} of ${mine.length} tasks failed; their errors are in the results (first: point ${first.point}, ` +
      `replicate ${first.replicate}: ${first.error}). The other tasks finished; rerun to retry the failed ones`, 1);
  }
}

/**
 * What a sweep that failed part-way (bad input found only while running: a
 * trace changed since it was checked, --max-events passed; a write that
 * failed; a bug) leaves behind. When no task finished in this invocation,
 * what it wrote is removed (the manifests, and --out itself if it created
 * it): nothing is left, as for bad input found before running. Otherwise
 * the finished tasks stay in points/ for the resume, and the error says so.
 * Returns the error to throw.
 */
function afterFailure(error: unknown, out: OutputDir, tally: { stored: number; kept: number }): unknown {
  if (tally.stored === 0) out.discard();
  const total = tally.stored + tally.kept;
  if (total === 0) return error;
  const note = `${total === 1 ? '1 task that finished is' : `${total} tasks that finished are`} kept in ${out.dir}/points ` +
    `(${tally.stored} in this run); a rerun on this directory resumes from them`;
  if (error instanceof InputError) return new InputError(`${error.detail} — ${note}`, error.origin, error.path);
  if (error instanceof InputFileError) return new InputFileError(`${error.detail} — ${note}`, error.source, error.line, error.col);
  if (error instanceof OutputError) return new OutputError(`${error.message} — ${note}`);
  if (error instanceof CommandFailed) return error; // it says what was kept itself
  process.stderr.write(`vmmsim: ${note}\n`);
  return error;
}

/**
 * On SIGINT or SIGTERM during a sweep (whose main thread waits on workers, so
 * the handler runs at once): give the directory's lock up and exit with
 * 128 + the signal number. Finished tasks stay in points/ for the resume;
 * staging is synchronous, so no temporary file is half-written at this point.
 * Returns the function that removes the handlers.
 */
function releaseOnSignal(out: OutputDir): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const h = () => {
      out.release();
      process.stderr.write(`vmmsim: interrupted (${sig}); finished tasks are kept in ${out.dir}/points, rerun the same command to resume\n`);
      process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    };
    process.once(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
}

/**
 * `VMMSIM_INJECT_FAULT=sweep-point:N` makes point N's simulation throw, so
 * tests can check that a failed point is recorded and the others finish.
 */
function sweepFaultPoint(): number | null {
  const m = /^sweep-point:(\d+)$/.exec(process.env[FAULT_ENV] ?? '');
  return m ? Number(m[1]) : null;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
