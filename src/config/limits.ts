// Explicit caps on what one command will take on: input file size and
// operations per simulated run. They turn a typo (repeat: 1e12) or a stray
// 100 MB file into a clear error in milliseconds instead of an hour of CPU or
// an out-of-memory crash. Each has a command-line flag to raise it.

/** The caps a command enforces; every field is a positive whole number. */
export interface Limits {
  /** Largest YAML input (scenario, model) read, in bytes. Raised by --max-input-bytes. */
  maxInputBytes: number;
  /** Most guest operations one workload may run under one mode. Raised by --max-ops. */
  maxOpsPerRun: number;
  /** Most points a scenario's sweep may expand to. Raised by --max-points. */
  maxSweepPoints: number;
}

/**
 * Defaults: scenarios and models are a few kilobytes, so 4 MiB leaves room
 * for generated files; 10^9 operations take tens of seconds to a few minutes
 * per mode at the simulator's speed (~30 million native operations/s on one
 * core), far beyond any nanobenchmark but still a run a user can wait for;
 * 10,000 sweep points catch a typo (a 1000-value list crossed with another)
 * before hours of simulation.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxInputBytes: 4 * 1024 * 1024,
  maxOpsPerRun: 1e9,
  maxSweepPoints: 10_000,
};

/** The command-line flag that raises each limit (named in the error messages). */
export const LIMIT_FLAGS: { readonly [K in keyof Limits]: string } = {
  maxInputBytes: '--max-input-bytes',
  maxOpsPerRun: '--max-ops',
  maxSweepPoints: '--max-points',
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
