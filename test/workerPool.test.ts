// The worker pool's shared queue (dist/run/taskQueue.js) and warm workers:
// every task runs once, on whichever thread takes it, and a worker's failure
// fails the run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOnWorkers, WarmWorkers } from '../dist/run/workerPool.js';
import { closeQueue, fromTheBack, sharedQueue, takeTask } from '../dist/run/taskQueue.js';
import { unitOrder } from '../dist/run/runScenarios.js';

const queueModule = pathToFileURL(join(process.cwd(), 'dist/run/taskQueue.js')).href;

/** A worker script on the shared queue: task t yields `worker:t*2`, after `spinMs` of work; `fail` is a task that throws, `exit` one that ends the thread. */
function workerScript(options: { fail?: number; exit?: number } = {}): URL {
  const dir = mkdtempSync(join(tmpdir(), 'vmmsim-pool-'));
  const file = join(dir, 'worker.mjs');
  writeFileSync(file, `
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { serveQueue } from '${queueModule}';
const serve = ({ data, queue }) => void serveQueue(parentPort, queue, (t) => {
  if (t === ${options.fail ?? -1}) throw new Error('task ' + t + ' broke');
  if (t === ${options.exit ?? -1}) process.exit(3);
  const end = Date.now() + data.spinMs;
  while (Date.now() < end);
  return 'worker:' + t * 2 + ':' + threadId;
});
if (workerData === null) parentPort.once('message', serve);
else serve(workerData);
`);
  return pathToFileURL(file);
}

describe('runOnWorkers with a shared queue', () => {
  it('runs every task exactly once, on the main thread and on the workers, and reports each result', async () => {
    const tasks = Array.from({ length: 40 }, (_, i) => 39 - i);
    const results = new Map<number, string>();
    await runOnWorkers<string>(tasks, {
      jobs: 3,
      shared: true,
      data: { spinMs: 5 },
      workerUrl: workerScript(),
      inline: (t) => {
        const end = Date.now() + 5;
        while (Date.now() < end);
        return `main:${t * 2}`;
      },
      onResult: (t, r) => {
        expect(results.has(t)).toBe(false);
        results.set(t, r);
      },
    });
    expect([...results.keys()].sort((a, b) => a - b)).toEqual(tasks.slice().sort((a, b) => a - b));
    for (const [t, r] of results) expect(r.split(':')[1]).toBe(String(t * 2));
    const byWorkers = [...results.values()].filter((r) => r.startsWith('worker:')).length;
    expect(byWorkers).toBeGreaterThan(0);
    expect(byWorkers).toBeLessThan(tasks.length);
  });

  it('rejects with the task\'s error when a worker\'s task throws', async () => {
    const run = runOnWorkers<string>([0, 1, 2, 3, 4, 5], { jobs: 2, shared: true, data: { spinMs: 1 }, workerUrl: workerScript({ fail: 3 }), onResult: () => {} });
    await expect(run).rejects.toThrow(/task 3: task 3 broke/);
  });

  it('rejects when a worker ends in the middle of a task', async () => {
    const run = runOnWorkers<string>([0, 1, 2, 3], { jobs: 1, shared: true, data: { spinMs: 1 }, workerUrl: workerScript({ exit: 2 }), onResult: () => {} });
    await expect(run).rejects.toThrow(/exited \(status 3\)/);
  });
});

describe('the shared queue\'s two ends', () => {
  it('hand out every task once, the front\'s from the start of the list and the back\'s from its end, in any interleaving', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.array(fc.boolean(), { maxLength: 40 }), (length, ends) => {
        const tasks = Array.from({ length }, (_, i) => 100 + i);
        const front = sharedQueue(tasks);
        const back = fromTheBack(front);
        const taken: Array<number | undefined> = ends.map((b) => takeTask(b ? back : front));
        const fromFront = taken.filter((t, i) => !ends[i] && t !== undefined);
        const fromBack = taken.filter((t, i) => ends[i] && t !== undefined);
        expect(fromFront).toEqual(tasks.slice(0, fromFront.length));
        expect(fromBack).toEqual(tasks.slice(tasks.length - fromBack.length).reverse());
        expect(fromFront.length + fromBack.length).toBe(Math.min(length, ends.length));
        expect(takeTask(front) === undefined && takeTask(back) === undefined).toBe(ends.length >= length);
      }),
    );
  });

  it('close for both ends', () => {
    const q = sharedQueue([1, 2, 3]);
    closeQueue(q);
    expect(takeTask(q)).toBeUndefined();
    expect(takeTask(fromTheBack(q))).toBeUndefined();
  });

  it('on two threads: the main thread runs a first part of the list and the worker the rest, from the back', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => i * 3);
    const byMain: number[] = [];
    const byWorker: number[] = [];
    await runOnWorkers<string>(tasks, {
      jobs: 2,
      shared: true,
      data: { spinMs: 3 },
      workerUrl: workerScript(),
      inline: () => {
        const end = Date.now() + 3;
        while (Date.now() < end);
        return 'main';
      },
      onResult: (t, r) => (r === 'main' ? byMain : byWorker).push(t),
    });
    expect(byMain.length).toBeGreaterThan(0);
    expect(byWorker.length).toBeGreaterThan(0);
    expect(byMain).toEqual(tasks.slice(0, byMain.length));
    expect(byWorker).toEqual(tasks.slice(byMain.length).reverse());
  });
});

describe('unitOrder', () => {
  it('queues larger units first and, among equal ones, deals the modes to the two ends, native last', () => {
    const modes = ['native', 'software', 'hardware', 'nested'];
    const units = [0, 1, 2].flatMap(() => modes.map((mode) => ({ size: 10, mode })));
    const order = unitOrder(units).map((i) => units[i].mode);
    // software and nested from the front, hardware from the back, native (dealt last) in the middle.
    expect(order).toEqual(['software', 'nested', 'native', 'hardware'].flatMap((m) => [m, m, m]));
    expect(unitOrder(units).filter((i) => units[i].mode === 'software')).toEqual([1, 5, 9]);
    const mixed = [{ size: 1, mode: 'native' }, { size: 7, mode: 'nested' }, { size: 7, mode: 'native' }, { size: 3, mode: 'software' }];
    expect(unitOrder(mixed)).toEqual([1, 2, 3, 0]);
  });
});

describe('WarmWorkers', () => {
  it('are adopted by a run on a shared queue, which starts no other worker, and are given their tasks by message', async () => {
    const url = workerScript();
    const warm = new WarmWorkers(url, 2);
    const results: string[] = [];
    await runOnWorkers<string>([0, 1, 2, 3, 4, 5], { jobs: 2, shared: true, data: { spinMs: 2 }, workerUrl: url, warm, onResult: (_, r) => results.push(r) });
    expect(results.map((r) => Number(r.split(':')[1])).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(warm.threadIds).toHaveLength(2);
    for (const r of results) expect(warm.threadIds).toContain(Number(r.split(':')[2]));
  });

  it('a run that needs fewer threads closes the rest, and a worker of another script is not adopted', async () => {
    const url = workerScript();
    const warm = new WarmWorkers(url, 2);
    const other = workerScript();
    const results: string[] = [];
    await runOnWorkers<string>([0, 1], { jobs: 2, shared: true, data: { spinMs: 1 }, workerUrl: other, warm, onResult: (_, r) => results.push(r) });
    for (const r of results) expect(warm.threadIds).not.toContain(Number(r.split(':')[2]));
    expect(warm.adopt(url)).toBeUndefined(); // closed by the run
  });
});

describe('runOnWorkers with tasks handed out by the main thread', () => {
  it('gives a few tasks one to each thread: two tasks on two threads, one runs on the main thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-pool-'));
    const file = join(dir, 'worker.mjs');
    // Answers each posted task after 50 ms of work, as a sweep worker does.
    writeFileSync(file, `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (task) => {
  const end = Date.now() + 50;
  while (Date.now() < end);
  parentPort.postMessage({ task, records: 'worker' });
});
`);
    for (const tasks of [[0, 1], [0, 1, 2, 3, 4, 5]]) {
      const ran: string[] = [];
      await runOnWorkers<string>(tasks, { jobs: 2, data: {}, workerUrl: pathToFileURL(file), inline: () => 'main', onResult: (_, r) => ran.push(r) });
      expect(ran).toHaveLength(tasks.length);
      expect(ran.filter((r) => r === 'main').length).toBeGreaterThan(0); // both tasks went to the worker before
    }
  });
});
