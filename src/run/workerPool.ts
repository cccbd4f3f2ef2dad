// Runs tasks on worker threads. By default a worker (dist/run/sweepWorker.js)
// receives each task from the main thread, two in flight so none idles while
// the main thread stores a result. With `shared`, every thread takes its
// tasks itself from a queue on shared memory (taskQueue.ts): a worker that
// holds every task's inputs from the start needs no message to begin the
// next one; the last worker takes from the back of the list, the other
// threads from its front. With `inline`, the main thread — already warm, with
// the scenario loaded — runs tasks too, between messages, and one worker fewer
// is started: a worker costs a fresh module load, which short tasks never
// repay; and WarmWorkers lets that load happen while the main thread is still
// busy.
import { InputError } from '../config/errors.js';
import { Worker } from 'node:worker_threads';
import type { ResultRecord } from './record.js';
import type { SweepWorkerData, SweepWorkerReply } from './sweepWorker.js';
import { closeQueue, fromTheBack, sharedQueue, takeTask, type QueuedWorkerData } from './taskQueue.js';
import { spillHandoffs } from '../workload/traceSpill.js';

/**
 * Tasks each worker holds at once when the main thread hands them out: one
 * queued behind the running one, so a worker never waits for a main thread
 * busy with an inline task. The second only while at least as many tasks are
 * left as threads run them: a few tasks go one to each thread (two tasks on
 * two threads, both to the worker, left the main thread idle).
 */
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
  /** What is posted to a worker for `task` (default: the task number). Not with `shared`. */
  message?(task: number): unknown;
  /**
   * Workers take their tasks from a shared queue: each is started with a
   * QueuedWorkerData (`data` and the queue) and runs serveQueue; nothing is
   * posted to it.
   */
  shared?: boolean;
  /** Workers already started for this script (with `shared` only): adopted before any new one is started. */
  warm?: WarmWorkers;
}

/**
 * Workers started ahead of their tasks, so that each boots (a fresh module
 * load) while the main thread is still busy, validating the points they will
 * run: a run on a shared queue adopts them and sends each its QueuedWorkerData
 * as its first message (the worker script must accept that; unitWorkerMain does).
 * Unreferenced until adopted, so a command that fails first still exits.
 */
export class WarmWorkers {
  private readonly idle: Array<{ worker: Worker; trouble?: Error }> = [];
  /** Thread ids of the workers started. */
  readonly threadIds: number[] = [];

  constructor(
    readonly url: URL,
    count: number,
  ) {
    for (let i = 0; i < count; i++) {
      const slot: { worker: Worker; trouble?: Error } = { worker: new Worker(url, { workerData: null }) };
      slot.worker.on('error', (e) => (slot.trouble ??= e));
      slot.worker.on('exit', (code) => (slot.trouble ??= new Error(`a worker exited (status ${code}) before it was given its tasks`)));
      slot.worker.unref();
      this.idle.push(slot);
      this.threadIds.push(slot.worker.threadId);
    }
  }

  /** A started worker of `url` not yet adopted, and what went wrong with it meanwhile (if anything). */
  adopt(url: URL): { worker: Worker; trouble?: Error } | undefined {
    return url.href === this.url.href ? this.idle.shift() : undefined;
  }

  /** End the workers no run adopted. */
  close(): void {
    for (const { worker } of this.idle.splice(0)) void worker.terminate();
  }
}

/** Worker threads for `jobs` requested on a machine with `cores` cores (default: all): at most one per core (more only cost memory: each loads the scenario and models). */
export function workerCount(requested: number | undefined, cores: number): number {
  return Math.max(1, Math.min(requested ?? cores, cores));
}

/** Run `tasks` on `jobs` threads; resolves when all are done, rejects if a worker dies or `onResult` throws. */
export function runOnWorkers<R = ResultRecord[]>(tasks: readonly number[], options: PoolOptions<R>): Promise<void> {
  const queue = [...tasks];
  const url = options.workerUrl ?? new URL('./sweepWorker.js', import.meta.url);
  const inline = options.inline;
  const threads = Math.max(1, Math.min(options.jobs, queue.length));
  const n = inline ? threads - 1 : threads;
  if (queue.length === 0) {
    options.warm?.close();
    return Promise.resolve();
  }
  const shared = options.shared ? sharedQueue(tasks) : null;
  // Traces this thread spilled: each worker reads them back instead of parsing them again, through this
  // thread's descriptors, which `keep` keeps open until the run ends.
  const { handoffs: spills, spills: keep } = spillHandoffs();
  const take = shared ? () => takeTask(shared) : () => queue.shift();
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let left = tasks.length;
    let failed = false;
    /** End the workers; the spills they read stay referenced (their descriptors open) until every one has stopped. */
    const stopWorkers = () => void Promise.all(workers.map((w) => w.terminate())).finally(() => keep.splice(0));
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      if (shared) closeQueue(shared);
      stopWorkers();
      reject(e);
    };
    const finished = (task: number, records: R) => {
      try {
        options.onResult(task, records);
      } catch (e) {
        return fail(e instanceof Error ? e : new Error(String(e)));
      }
      if (--left === 0) {
        stopWorkers();
        resolve();
      }
    };
    let threadsLive = threads;
    /** A thread ran out of tasks; if every thread has and some task never reported, it was lost with a worker. */
    const threadDone = () => {
      if (--threadsLive === 0 && left > 0) fail(new Error(`${left} task(s) were taken by a worker that ended without reporting them`));
    };
    if (inline) {
      // One task per turn of the event loop, so worker messages are handled in between.
      const step = () => {
        if (failed) return;
        const t = take();
        if (t === undefined) return threadDone();
        let records: R;
        try {
          records = inline(t);
        } catch (e) {
          return fail(e instanceof Error ? e : new Error(String(e)));
        }
        finished(t, records);
        setImmediate(step);
      };
      setImmediate(step);
    }
    for (let i = 0; i < n; i++) {
      // On a shared queue of two threads or more, the last worker takes from the back of the list and the others from its front.
      const end = shared && threads > 1 && i === n - 1 ? fromTheBack(shared) : shared;
      const workerData = end ? ({ data: options.data, queue: end, spills } satisfies QueuedWorkerData<unknown>) : { ...options.data, spills };
      const warm = shared ? options.warm?.adopt(url) : undefined;
      const w = warm?.worker ?? new Worker(url, { workerData });
      workers.push(w);
      if (warm) {
        w.ref();
        w.postMessage(workerData);
        if (warm.trouble) fail(warm.trouble);
      }
      let inFlight = 0;
      let idle = false;
      const feed = () => {
        while (inFlight < IN_FLIGHT_PER_WORKER && queue.length > 0 && (inFlight === 0 || queue.length >= threads)) {
          const task = queue.shift()!;
          w.postMessage(options.message ? options.message(task) : task);
          inFlight++;
        }
        if (inFlight === 0) {
          idle = true;
          void w.terminate();
        }
      };
      w.on('message', (m: SweepWorkerReply<R>) => {
        if (failed) return;
        if (!shared) inFlight--;
        if ('fatal' in m) return fail(m.input ? new InputError(m.input.detail, m.input.origin, m.input.path) : new Error(`task ${m.task}: ${m.fatal}`));
        finished(m.task, m.records);
        if (!shared && !failed) feed();
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (failed || left === 0) return;
        // A worker ends by itself on a shared queue (status 0), and is terminated here when the main thread has nothing left to give it.
        if (idle || (shared && code === 0)) return threadDone();
        fail(new Error(`a worker exited (status ${code}) with ${shared ? 'its task' : `${inFlight} task(s)`} unfinished`));
      });
      if (!shared) feed();
    }
    options.warm?.close();
  });
}
