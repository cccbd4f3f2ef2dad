// A list of tasks that the main thread and its workers take from themselves:
// atomic counters on shared memory hand out the next task, so no thread waits
// for another to give it work, and none holds a task it has not begun. (With
// tasks handed out by the main thread, a worker had to hold a second task
// while the main thread ran one of its own, and at the end of a run that held
// task could keep the worker busy while the main thread had nothing.)
//
// A thread takes from the front of the list or, given a view from
// {@link fromTheBack}, from its back. Tasks listed with like ones together
// (the units of one simulation mode, runScenarios.ts) then mostly run on one
// thread each: a thread warms up the code of fewer modes, and its optimized
// code is not thrown away each time a task of another mode arrives.
import type { MessagePort } from 'node:worker_threads';
import type { SpillsData } from '../workload/traceSpill.js';

/**
 * The tasks, and three counters on a SharedArrayBuffer that every thread
 * sees: how many tasks were taken, how many from the front, how many from the
 * back. `fromBack` is this thread's end (a {@link fromTheBack} view).
 */
export interface SharedQueue {
  tasks: readonly number[];
  next: Int32Array;
  fromBack?: boolean;
}

const TAKEN = 0;
const FRONT = 1;
const BACK = 2;

/** What a worker started on a shared queue receives as its workerData. */
export interface QueuedWorkerData<D> extends SpillsData {
  data: D;
  queue: SharedQueue;
}

/** A worker's answer to a task: what it yields, or why it could not run it. */
export type QueueReply<R> = { task: number; records: R } | { task: number; fatal: string };

/** A queue of `tasks`, none taken yet. */
export function sharedQueue(tasks: readonly number[]): SharedQueue {
  return { tasks: [...tasks], next: new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)) };
}

/** The same queue, for a thread that takes its tasks from the back of the list. */
export function fromTheBack(queue: SharedQueue): SharedQueue {
  return { ...queue, fromBack: true };
}

/**
 * Take the next task at this thread's end, or undefined when every task has
 * been taken. A task is first claimed on the count of all taken, so the tasks
 * taken from the two ends never number more than the list: the front's are
 * the first ones and the back's the last ones, and no task is taken twice.
 */
export function takeTask(queue: SharedQueue): number | undefined {
  const { tasks, next } = queue;
  if (Atomics.add(next, TAKEN, 1) >= tasks.length) return undefined;
  return queue.fromBack ? tasks[tasks.length - 1 - Atomics.add(next, BACK, 1)] : tasks[Atomics.add(next, FRONT, 1)];
}

/** Let no thread take another task (a run that failed). */
export function closeQueue(queue: SharedQueue): void {
  Atomics.store(queue.next, TAKEN, queue.tasks.length);
}

/**
 * The loop of a worker thread: take tasks until none is left, posting each
 * one's result to `port` as it finishes; the worker then ends. A task that
 * throws is reported as fatal and ends the loop.
 */
export async function serveQueue<R>(port: MessagePort, queue: SharedQueue, run: (task: number) => R | Promise<R>): Promise<void> {
  for (let task = takeTask(queue); task !== undefined; task = takeTask(queue)) {
    try {
      port.postMessage({ task, records: await run(task) } satisfies QueueReply<R>);
    } catch (e) {
      port.postMessage({ task, fatal: e instanceof Error ? e.message : String(e) } satisfies QueueReply<R>);
      return;
    }
  }
}
