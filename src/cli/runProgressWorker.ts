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

/** The progress line for the run under way, `elapsedMs` after the command began. */
export function progressLine(run: RunStarted, plannedOps: number, elapsedMs: number): string {
  const ops = run.counts.reduce((a, b) => a + b, 0);
  const simSeconds = run.cycles.reduce((a, b) => a + b, 0) / (run.clockGHz * 1e9);
  const done = run.opsBefore + ops;
  let total = '';
  if (plannedOps > 0) {
    const rate = done / (elapsedMs / 1000);
    const left = rate > 0 && plannedOps > done ? Math.ceil((plannedOps - done) / rate) : 0;
    total = `; ${formatOps(done)} of about ${formatOps(plannedOps)} ops in all (${Math.min(100, Math.floor((100 * done) / plannedOps))}%), ETA ${left} s`;
  }
  return `vmmsim: ${run.workload} under ${run.mode}: ${formatOps(ops)} ops, ${simSeconds.toPrecision(3)} simulated s${total}`;
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
