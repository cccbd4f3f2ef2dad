// Explicit caps on what one command will take on: input file size, results
// file size, operations (memory accesses included), simulated time and events
// per simulated run, and sweep points. They turn a typo (repeat: 1e12,
// latencyUs: 1e15) or a stray 100 MB file into a clear error in milliseconds
// instead of an hour of CPU or an out-of-memory crash. Each is checked on an
// estimate before anything runs and again while the simulation runs, and has
// a command-line flag to raise it. docs/errors-and-limits.md lists them.

/** The caps a command enforces; every field is a positive whole number. */
export interface Limits {
  /** Largest YAML input (scenario, model) read, in bytes. Raised by --max-input-bytes. */
  maxInputBytes: number;
  /** Most guest operations one workload may run under one mode. Raised by --max-ops. */
  maxOpsPerRun: number;
  /** Most points a scenario's sweep may expand to. Raised by --max-points. */
  maxSweepPoints: number;
  /** Most simulated seconds one workload may run under one mode. Raised by --max-sim-seconds. */
  maxSimSeconds: number;
  /** Most discrete events one workload may process under one mode. Raised by --max-events. */
  maxEvents: number;
  /** Largest results file read back (results.json, points/*.json, sweep.json), in bytes. Raised by --max-results-bytes. */
  maxResultBytes: number;
}

/**
 * Defaults: scenarios and models are a few kilobytes, so 4 MiB leaves room
 * for generated files; 10^9 operations take tens of seconds to a few minutes
 * per mode at the simulator's speed (~30 million native operations/s on one
 * core), far beyond any nanobenchmark but still a run a user can wait for;
 * 10,000 sweep points catch a typo (a 1000-value list crossed with another)
 * before hours of simulation. A day of simulated time (86,400 s) is far
 * beyond any benchmark the model stands for (the paper's longest runs take
 * minutes) while a device latency or think time in the wrong unit (1e15 µs)
 * is years; 10^9 events, like 10^9 operations, are minutes of CPU. Results
 * files of 256 MiB hold millions of records, and stay well below the largest
 * string V8 can parse.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxInputBytes: 4 * 1024 * 1024,
  maxOpsPerRun: 1e9,
  maxSweepPoints: 10_000,
  maxSimSeconds: 86_400,
  maxEvents: 1e9,
  maxResultBytes: 256 * 1024 * 1024,
};

/** The command-line flag that raises each limit (named in the error messages). */
export const LIMIT_FLAGS: { readonly [K in keyof Limits]: string } = {
  maxInputBytes: '--max-input-bytes',
  maxOpsPerRun: '--max-ops',
  maxSweepPoints: '--max-points',
  maxSimSeconds: '--max-sim-seconds',
  maxEvents: '--max-events',
  maxResultBytes: '--max-results-bytes',
};

/** Fill unspecified limits with the defaults. */
export function withDefaults(limits: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) };
}

/** A count with thousands separators, for messages. */
export function formatCount(n: number): string {
  if (n >= 1e15) return `about ${n.toExponential(1).replace('e+', '×10^')}`; // past 2^53 the digits are noise
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}
