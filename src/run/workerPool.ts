// Runs sweep tasks on worker threads (dist/run/sweepWorker.js). Each worker
// loads the scenario once and then receives task indices; two tasks stay in
// flight per worker so none idles while the main thread stores a result.
// With `inline`, the main thread — already warm, with the scenario loaded —
// takes tasks from the same queue between messages, and one worker fewer is
// started: a worker costs a fresh module load, which short tasks never repay.
import { InputError } from '../config/errors.js';
import { Worker } from 'node:worker_threads';
import type { ResultRecord } from './record.js';
import type { SweepWorkerData, SweepWorkerReply } from './sweepWorker.js';

/** Tasks each worker holds at once: one queued behind the running one, so a worker never waits for a main thread busy with an inline task. */
const IN_FLIGHT_PER_WORKER = 2;

/** Options of {@link runOnWorkers}; `R` is what a task yields (records, for the sweep worker). */
export interface PoolOptions<R = ResultRecord[]> {
  jobs: number;
  /** What each worker is started with (a SweepWorkerData for the default worker). */
  data: SweepWorkerData | object;
  /** Called on the main thread as each task finishes, in completion order. */
  onResult(task: number, records: R): void;
  /** The worker script; defaults to the compiled sweepWorker.js beside this file. */
  workerUrl?: URL;
  /** Run a task on the main thread; when given, it counts as one of the `jobs`. */
  inline?(task: number): R;
  /** What is posted to a worker for `task` (default: the task number). */
  message?(task: number): unknown;
}

/** Run `tasks` on `jobs` threads; resolves when all are done, rejects if a worker dies or `onResult` throws. */
export function runOnWorkers<R = ResultRecord[]>(tasks: readonly number[], options: PoolOptions<R>): Promise<void> {
  const queue = [...tasks];
  const url = options.workerUrl ?? new URL('./sweepWorker.js', import.meta.url);
  const inline = options.inline;
  const threads = Math.max(1, Math.min(options.jobs, queue.length));
  const n = inline ? threads - 1 : threads;
  if (queue.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let live = threads;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    if (inline) {
      // One task per turn of the event loop, so worker messages are handled in between.
      const step = () => {
        if (failed) return;
        const t = queue.shift();
        if (t === undefined) {
          if (--live === 0) resolve();
          return;
        }
        try {
          options.onResult(t, inline(t));
        } catch (e) {
          return fail(e instanceof Error ? e : new Error(String(e)));
        }
        setImmediate(step);
      };
      setImmediate(step);
    }
    for (let i = 0; i < n; i++) {
      const w = new Worker(url, { workerData: options.data });
      workers.push(w);
      let inFlight = 0;
      const feed = () => {
        while (inFlight < IN_FLIGHT_PER_WORKER && queue.length > 0) {
          const task = queue.shift()!;
          w.postMessage(options.message ? options.message(task) : task);
          inFlight++;
        }
        if (inFlight === 0) {
          void w.terminate();
          if (--live === 0 && !failed) resolve();
        }
      };
      w.on('message', (m: SweepWorkerReply<R>) => {
        if (failed) return;
        inFlight--;
        if ('fatal' in m) return fail(m.input ? new InputError(m.input.detail, m.input.origin, m.input.path) : new Error(`task ${m.task}: ${m.fatal}`));
        try {
          options.onResult(m.task, m.records);
        } catch (e) {
          return fail(e instanceof Error ? e : new Error(String(e)));
        }
        feed();
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (inFlight > 0) fail(new Error(`a sweep worker exited (status ${code}) with ${inFlight} task(s) unfinished`));
      });
      feed();
    }
  });
}
