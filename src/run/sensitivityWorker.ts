// Entry point of a sensitivity worker thread (dist/run/sensitivityWorker.js):
// a task index in, the records of the scenario run with that task's
// overrides out.
import { parentPort, workerData } from 'node:worker_threads';
import type { Limits } from '../config/limits.js';
import { loadScenario } from '../config/load.js';
import { runScenario } from './runScenario.js';
import { adoptSpills, type SpillsData } from '../workload/traceSpill.js';
import type { SweepWorkerReply } from './sweepWorker.js';

/** What the main thread tells a sensitivity worker when it starts it. */
export interface SensitivityWorkerData extends SpillsData {
  file: string;
  set: string[];
  modelsDir?: string;
  limits?: Partial<Limits>;
  /** The overrides of each task. */
  tasks: string[][];
}

/** Run task `i` of `data` in this thread. */
export function runSensitivityTask(data: SensitivityWorkerData, i: number) {
  return runScenario(loadScenario(data.file, { set: [...data.set, ...data.tasks[i]], modelsDir: data.modelsDir, limits: data.limits }));
}

if (parentPort) {
  const data = workerData as SensitivityWorkerData;
  adoptSpills(data.spills ?? []);
  const port = parentPort;
  port.on('message', (task: number) => {
    try {
      port.postMessage({ task, records: runSensitivityTask(data, task) } satisfies SweepWorkerReply);
    } catch (e) {
      port.postMessage({ task, fatal: e instanceof Error ? e.message : String(e) } satisfies SweepWorkerReply);
    }
  });
}
