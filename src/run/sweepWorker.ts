// Entry point of a sweep worker thread (dist/run/sweepWorker.js). It answers
// messages: a task resolved by the main thread (or, for points that replay a
// trace, a task index: it then reads the scenario once) in, that task's
// records out.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError, type Origin } from '../config/errors.js';
import type { Limits } from '../config/limits.js';
import type { KeyPath } from '../workload/expand.js';
import { runPrepared, TaskRunner, type PreparedTask } from './taskRunner.js';
import { MissPriceCache } from '../mmu/missPrice.js';
import { TraceCache } from '../workload/traceCursor.js';
import { adoptSpills, type SpillsData } from '../workload/traceSpill.js';
import type { ResultRecord } from './record.js';

/** What the main thread tells a worker when it starts it. */
export interface SweepWorkerData extends SpillsData {
  file: string;
  set: string[];
  modelsDir?: string;
  /** The command's limits, so a worker accepts exactly what the main thread accepted. */
  limits?: Partial<Limits>;
  components: boolean;
  /** Point whose simulation fails on purpose (see TaskRunner), or null. */
  faultPoint: number | null;
}

/** A worker's answer: a task's records, or why it could not run it at all. */
export type SweepWorkerReply<R = ResultRecord[]> =
  | { task: number; records: R }
  | { task: number; fatal: string; input?: { detail: string; origin: Origin; path: KeyPath } };

/**
 * A task as the main thread posts it: resolved there (the point's scenario
 * as plain data), so the worker reads no file; or, for a point that replays
 * a trace (whose lines compile through the scenario's own compiler), only
 * its number, and the worker loads the point itself.
 */
export type SweepWorkerMessage = number | { task: number; prepared: PreparedTask };

function serve(data: SweepWorkerData): void {
  const port = parentPort!;
  adoptSpills(data.spills ?? []);
  let runner: Promise<TaskRunner> | null = null;
  const traces = new TraceCache();
  const missPrices = new MissPriceCache();
  // The scenario loader (YAML, schemas) is imported only by a worker that must load a point itself: start-up stays small.
  const planRunner = async () => {
    const { SweepPlan } = await import('../config/sweepPlan.js');
    return new TaskRunner(SweepPlan.read(data.file, { set: data.set, modelsDir: data.modelsDir, limits: data.limits }), data.components, data.faultPoint);
  };
  port.on('message', async (m: SweepWorkerMessage) => {
    const task = typeof m === 'number' ? m : m.task;
    try {
      const records = typeof m === 'number' ? (await (runner ??= planRunner())).run(task) : runPrepared(m.prepared, traces, undefined, missPrices);
      port.postMessage({ task, records } satisfies SweepWorkerReply);
    } catch (e) {
      // Bad input found while running (a trace line, a limit passed) keeps its location: exit 2 in the main thread.
      const input = e instanceof InputError ? { detail: e.detail, origin: e.origin, path: e.path } : undefined;
      port.postMessage({ task, fatal: e instanceof Error ? e.message : String(e), input } satisfies SweepWorkerReply);
    }
  });
}

if (parentPort) serve(workerData as SweepWorkerData);
