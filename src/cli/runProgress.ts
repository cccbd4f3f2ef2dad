// Progress of `vmmsim run` on a terminal: operations and simulated seconds of
// the run under way, and an ETA, redrawn on one stderr line. A simulation runs
// synchronously on this thread, so the line is drawn by a small worker thread
// (runProgressWorker.ts) that reads the run's ledger from shared memory and
// writes to the terminal itself; it stays silent for the first second, so
// short runs print nothing extra. Off a terminal there is no progress at all.
import { Worker } from 'node:worker_threads';
import { opsPerRun } from '../config/load.js';
import type { SweepPlan } from '../config/sweepPlan.js';
import type { RunObserver } from '../run/simulate.js';
import type { Ledger } from '../vmm/ledger.js';

/** What the main thread tells the progress worker when a run starts. */
export interface RunStarted {
  workload: string;
  mode: string;
  clockGHz: number;
  counts: Float64Array;
  cycles: Float64Array;
  /** Operations of the runs before this one. */
  opsBefore: number;
}

/** What the progress worker is started with. */
export interface RunProgressData {
  /** Operations the whole command will simulate, counted from the definitions (0 when unknown: traces). */
  plannedOps: number;
  /** Milliseconds of silence before the first line. */
  quietMs: number;
  /** Milliseconds between redraws. */
  intervalMs: number;
  /** Terminal width, so the line never wraps. */
  columns: number;
}

/** A running progress display. */
export interface RunProgress {
  observer: RunObserver;
  /** Clear the line and end the worker. */
  stop(): Promise<void>;
}

/** Operations a plan simulates in all: every point × replicate × workload × mode (native included), from the base point's definitions. */
export function plannedOps(plan: SweepPlan): number {
  const { scenario, workloads } = plan.base;
  const modes = new Set(['native', ...scenario.vmms]).size;
  return plan.taskCount * modes * workloads.reduce((s, w) => s + opsPerRun(w), 0);
}

/** A progress display for `plan` on stderr when it is a terminal; null otherwise. */
export function startRunProgress(plan: SweepPlan, stream: NodeJS.WriteStream = process.stderr): RunProgress | null {
  if (!stream.isTTY) return null;
  const data: RunProgressData = { plannedOps: plannedOps(plan), quietMs: 1000, intervalMs: 200, columns: stream.columns || 80 };
  const worker = new Worker(new URL('./runProgressWorker.js', import.meta.url), { workerData: data });
  worker.unref(); // a run that ends by an error must not wait for it
  let previous: Ledger | null = null;
  let opsBefore = 0;
  const observer: RunObserver = {
    started({ workload, mode, clockGHz, ledger }) {
      if (previous) opsBefore += previous.counts.reduce((a, b) => a + b, 0);
      previous = ledger;
      worker.postMessage({ workload, mode, clockGHz, counts: ledger.counts, cycles: ledger.cycles, opsBefore } satisfies RunStarted);
    },
  };
  return {
    observer,
    stop: () => new Promise((resolve) => {
      worker.ref(); // keep this process alive until the worker has cleared its line
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    }),
  };
}
