// The thread that draws `vmmsim run`'s progress line (see runProgress.ts).
// It writes to the terminal's file descriptor directly: the main thread is
// busy simulating and would not relay its output until the run ended.
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunProgressData, RunStarted } from './runProgress.js';

/** Compact count: 950, 12.3 k, 4.56 M, 1.20 G. */
export function formatOps(n: number): string {
  if (n < 1e3) return String(Math.round(n));
  const [div, unit] = n < 1e6 ? [1e3, 'k'] : n < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  const v = n / div;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${unit}`;
}

/**
 * The progress line for the run under way, `elapsedMs` after the command
 * began: the whole command first (its share and ETA stay visible when a
 * narrow terminal cuts the line), then the workload and mode under way. The
 * planned count is the operations counted before the run (a mode that runs
 * longer in simulated time, such as the interpreter, adds timer-tick
 * operations): past it, the line says so instead of an ETA.
 */
export function progressLine(run: RunStarted, plannedOps: number, elapsedMs: number): string {
  const ops = run.counts.reduce((a, b) => a + b, 0);
  const simSeconds = run.cycles.reduce((a, b) => a + b, 0) / (run.clockGHz * 1e9);
  const done = run.opsBefore + ops;
  const here = `${run.workload} under ${run.mode}: ${formatOps(ops)} ops, ${simSeconds.toPrecision(3)} simulated s`;
  if (!(plannedOps > 0)) return `vmmsim: ${here}`;
  if (done >= plannedOps) return `vmmsim: ${formatOps(done)} ops, past the ${formatOps(plannedOps)} counted ahead, ETA unknown; ${here}`;
  const rate = done / (elapsedMs / 1000);
  const left = rate > 0 ? Math.ceil((plannedOps - done) / rate) : 0;
  return `vmmsim: ${Math.floor((100 * done) / plannedOps)}% of about ${formatOps(plannedOps)} ops, ETA ${left} s; ${here}`;
}

function serve(data: RunProgressData): void {
  const port = parentPort!;
  const start = Date.now();
  let run: RunStarted | null = null;
  let shown = false;
  const draw = () => {
    if (!run || Date.now() - start < data.quietMs) return;
    const line = progressLine(run, data.plannedOps, Date.now() - start);
    writeSync(2, `\r\x1b[K${line.slice(0, Math.max(10, data.columns - 1))}`);
    shown = true;
  };
  const timer = setInterval(draw, data.intervalMs);
  port.on('message', (m: RunStarted | 'stop') => {
    if (m !== 'stop') {
      run = m;
      return;
    }
    clearInterval(timer);
    if (shown) writeSync(2, '\r\x1b[K');
    process.exit(0); // ends this thread only

  });
}

if (parentPort) serve(workerData as RunProgressData);
