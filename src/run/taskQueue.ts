// A list of tasks that the main thread and its workers take from themselves:
// one atomic counter on shared memory hands out the next task, so no thread
// waits for another to give it work, and none holds a task it has not begun.
// (With tasks handed out by the main thread, a worker had to hold a second
// task while the main thread ran one of its own, and at the end of a run that
// held task could keep the worker busy while the main thread had nothing.)
import type { MessagePort } from 'node:worker_threads';
import type { SpillsData } from '../workload/traceSpill.js';

/** The tasks and the index of the next one not yet taken (an Int32Array on a SharedArrayBuffer, so every thread sees the same counter). */
export interface SharedQueue {
  tasks: readonly number[];
  next: Int32Array;
}

/** What a worker started on a shared queue receives as its workerData. */
export interface QueuedWorkerData<D> extends SpillsData {
  data: D;
  queue: SharedQueue;
}

/** A worker's answer to a task: what it yields, or why it could not run it. */
export type QueueReply<R> = { task: number; records: R } | { task: number; fatal: string };

/** A queue of `tasks`, none taken yet. */
export function sharedQueue(tasks: readonly number[]): SharedQueue {
  return { tasks: [...tasks], next: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) };
}

/** Take the next task, or undefined when every task has been taken. */
export function takeTask(queue: SharedQueue): number | undefined {
  const i = Atomics.add(queue.next, 0, 1);
  return i < queue.tasks.length ? queue.tasks[i] : undefined;
}

/** Let no thread take another task (a run that failed). */
export function closeQueue(queue: SharedQueue): void {
  Atomics.store(queue.next, 0, queue.tasks.length);
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
