// Progress of a long command on stderr: a bar with ETA on a terminal
// (cli-progress), a plain line now and then when stderr is a file or pipe
// (CI logs, Slurm), nothing with --quiet.
import { SingleBar, Presets } from 'cli-progress';

/** Receives progress updates. */
export interface Progress {
  /** `done` of the total are finished (including ones skipped because an earlier run finished them). */
  update(done: number): void;
  stop(): void;
}

/** Seconds between plain progress lines when stderr is not a terminal. */
export const PLAIN_INTERVAL_SECONDS = 10;

/** A progress reporter for `total` units of `what` (e.g. "tasks"). */
export function createProgress(
  total: number,
  what: string,
  options: { quiet: boolean; initial?: number; stream?: NodeJS.WriteStream; now?: () => number },
): Progress {
  const initial = options.initial ?? 0;
  const stream = options.stream ?? process.stderr;
  if (options.quiet || total === 0) return { update: () => {}, stop: () => {} };
  if (stream.isTTY) {
    const bar = new SingleBar({ stream, format: ` {bar} {percentage}% | {value}/{total} ${what} | ETA {eta_formatted}`, etaBuffer: 20, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    bar.start(total, initial);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  return plainProgress(total, initial, what, stream, options.now ?? Date.now);
}

function plainProgress(total: number, initial: number, what: string, stream: NodeJS.WritableStream, now: () => number): Progress {
  const start = now();
  let last = start;
  let lastDone = initial;
  const line = (done: number) => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? (done - initial) / elapsed : 0;
    const eta = rate > 0 && done < total ? `, about ${Math.ceil((total - done) / rate)} s left` : '';
    stream.write(`vmmsim: ${done}/${total} ${what} (${Math.floor((100 * done) / total)}%)${eta}\n`);
  };
  return {
    update(done) {
      lastDone = done;
      if (now() - last >= PLAIN_INTERVAL_SECONDS * 1000) {
        last = now();
        line(done);
      }
    },
    stop() {
      line(lastDone);
    },
  };
}
