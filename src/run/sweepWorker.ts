// Entry point of a sweep worker thread (dist/run/sweepWorker.js). It reads
// the scenario once, then answers small messages: a task index in, that
// task's records out.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError, type Origin } from '../config/errors.js';
import type { Limits } from '../config/limits.js';
import type { KeyPath } from '../workload/expand.js';
import { SweepPlan } from '../config/sweepPlan.js';
import { TaskRunner } from './taskRunner.js';
import type { ResultRecord } from './record.js';

/** What the main thread tells a worker when it starts it. */
export interface SweepWorkerData {
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

function serve(data: SweepWorkerData): void {
  const port = parentPort!;
  let runner: TaskRunner | null = null;
  port.on('message', (task: number) => {
    try {
      runner ??= new TaskRunner(SweepPlan.read(data.file, { set: data.set, modelsDir: data.modelsDir, limits: data.limits }), data.components, data.faultPoint);
      port.postMessage({ task, records: runner.run(task) } satisfies SweepWorkerReply);
    } catch (e) {
      // Bad input found while running (a trace line, a limit passed) keeps its location: exit 2 in the main thread.
      const input = e instanceof InputError ? { detail: e.detail, origin: e.origin, path: e.path } : undefined;
      port.postMessage({ task, fatal: e instanceof Error ? e.message : String(e), input } satisfies SweepWorkerReply);
    }
  });
}

if (parentPort) serve(workerData as SweepWorkerData);
