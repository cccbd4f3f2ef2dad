// How long a scenario will take to simulate on this machine, measured rather
// than assumed: each workload × mode is timed on a short sample (its repeats,
// top-level entry counts and client requests scaled down, grown ×2 until a
// sample takes a tenth of a second) and the time is scaled up by the
// workload's operations over the sample's. An ESTIMATE: start-up, caches,
// adaptation, counted runs and loop iterations charged at once make time not
// quite proportional to operations (a loop of static operations costs about
// the same whatever its count), and a busy machine times slow. Traces (of
// unknown length) and long workloads without a loop to shorten are left out.
import { opsPerRun, type CompiledWorkload, type LoadedScenario } from '../config/load.js';
import type { OpNode } from '../workload/stream.js';
import { simulate } from './simulate.js';

/** What {@link estimateWallTime} found. */
export interface WallTimeEstimate {
  /** Estimated wall seconds of one run of every workload under every mode (native included). */
  seconds: number;
  /** Operations the estimate covers. */
  operations: number;
  /** Wall seconds spent sampling. */
  sampleSeconds: number;
  /** Workloads left out: traces, and long workloads whose loops cannot be shortened. */
  skipped: string[];
}

/** Sample wall time long enough to time: below this the sample grows. */
const SAMPLE_TARGET_SECONDS = 0.1;

/** A workload this long (operations) is sampled only if a sample can be a small part of it. */
const LONG_OPS = 1e6;

/** Scale a count by `f`, keeping at least 1. */
const scaleCount = (n: number, f: number) => Math.max(1, Math.round(n * f));

/** `nodes` with the count of each top-level entry scaled by `f` (a long loop is usually one entry). */
function scaleNodes(nodes: OpNode[], f: number): OpNode[] {
  return nodes.map((n) => ({ ...n, count: scaleCount(n.count, f) }));
}

/** `w` with every repeat, top-level entry count and client request count scaled by `f` (at least 1 each). */
export function scaleWorkload(w: CompiledWorkload, f: number): CompiledWorkload {
  if (!w.system) return { ...w, repeat: scaleCount(w.repeat, f), body: scaleNodes(w.body, f) };
  const guests = w.system.guests.map((g) => ({
    ...g,
    tasks: g.tasks.map((t) => ({ ...t, repeat: scaleCount(t.repeat, f), body: scaleNodes(t.body, f) })),
    clients: g.clients ? { ...g.clients, requests: scaleCount(g.clients.requests, f) } : null,
  }));
  return { ...w, system: { ...w.system, guests } };
}

/** Estimate the wall time of simulating `loaded` once (every workload under native and every mode of `vmms`). */
export function estimateWallTime(loaded: LoadedScenario): WallTimeEstimate {
  const modes = [...new Set(['native', ...loaded.scenario.vmms])];
  const started = performance.now();
  const result: WallTimeEstimate = { seconds: 0, operations: 0, sampleSeconds: 0, skipped: [] };
  for (const w of loaded.workloads) {
    const full = opsPerRun(w);
    if (w.trace || full === 0) {
      result.skipped.push(w.name);
      continue;
    }
    const time = (sample: CompiledWorkload, mode: string) => {
      const t0 = performance.now();
      simulate(loaded.cpu, mode, mode === 'native' ? null : loaded.vmmParams[mode] ?? null, sample, loaded.scenario.seed, { compiler: loaded.compiler });
      return (performance.now() - t0) / 1000;
    };
    // Start from about 1,000 operations or one iteration, whichever is less,
    // and double it under native (compiling the code on the way) until a sample
    // takes long enough to time or is the whole workload.
    let f = Math.min(1, 1000 / full, 1 / Math.max(1, w.repeat));
    let sample = scaleWorkload(w, f);
    if (full > LONG_OPS && opsPerRun(sample) > full / 4) {
      result.skipped.push(w.name); // its loops cannot be shortened: a sample would cost the run itself
      continue;
    }
    let seconds = time(sample, 'native');
    while (seconds < SAMPLE_TARGET_SECONDS && f < 1) {
      f = Math.min(1, f * 2);
      sample = scaleWorkload(w, f);
      seconds = time(sample, 'native');
    }
    const scale = full / Math.max(1, opsPerRun(sample));
    for (const mode of modes) {
      // A first run compiles the mode's code; time the second.
      const first = mode === 'native' ? seconds : time(sample, mode);
      result.seconds += scale * (scale > 1 ? time(sample, mode) : first);
    }
    result.operations += full * modes.length;
  }
  result.sampleSeconds = (performance.now() - started) / 1000;
  return result;
}
