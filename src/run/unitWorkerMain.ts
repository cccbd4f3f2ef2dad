// Entry point of a unit worker thread (dist/run/unitWorkerMain.js): serves
// the shared queue of units it is given (unitWorker.ts runs each). Only a
// worker started with this file serves; importing the library elsewhere
// starts nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { adoptSpills } from '../workload/traceSpill.js';
import { serveQueue, type QueuedWorkerData } from './taskQueue.js';
import { UnitRunner, type UnitWorkerData } from './unitWorker.js';

if (parentPort) {
  const port = parentPort;
  const serve = ({ data, queue, spills }: QueuedWorkerData<UnitWorkerData>) => {
    adoptSpills(spills ?? []);
    const runner = new UnitRunner(data);
    void serveQueue(port, queue, (task) => runner.run(task));
  };
  // A worker started ahead of its tasks (WarmWorkers) receives them as its first message.
  if (workerData === null) port.once('message', serve);
  else serve(workerData as QueuedWorkerData<UnitWorkerData>);
}
