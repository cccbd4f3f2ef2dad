// What a bench verdict and a bench section are: a verdict line (one target,
// what was measured, whether it was met), and a measurement that returns its
// printed lines, its JSON and its verdicts (listed in sections.ts).

/** Bench size: `full` for the real figures, `tiny` to prove the harness works. */
export type BenchSize = 'full' | 'tiny';

/** One target and whether this run met it; `ok` null: not measured in this run (`measured` says why). */
export interface TargetCheck {
  target: string;
  measured: string;
  ok: boolean | null;
}

/** A verdict line of the report. */
export function verdict(check: TargetCheck): TargetCheck {
  return { target: check.target, measured: check.measured, ok: check.ok };
}

/** What a section is given. */
export interface BenchContext {
  root: string;
  size: BenchSize;
  reps: number;
  /**
   * The SimPy model's op rate on this run's interleaved recordings, measured
   * when called (so beside the caller's own timing: the machine's speed
   * drifts over a run); null when SimPy is not measured in this run.
   */
  simpyOpsPerSecond(): number | null;
  /** An entry's per-mode figures from this run's in-process part (op by op, with the SimPy model's rate in the same rounds); null if it was not measured with SimPy. */
  entry?(id: string): EntryModeFigures[] | null;
}

/** One (entry, mode) of the per-operation comparison, as a section sees it. */
export interface EntryModeFigures {
  mode: string;
  vmmsimOpsPerSecond: number;
  simpyOpsPerSecond: number;
  /** Memory accesses the MMU model simulated per guest operation. */
  accessesPerOp: number;
}

/** What a section reports. */
export interface SectionResult {
  /** Printed under the section's title. */
  lines: string[];
  /** Its figures, as JSON (the `sections` key of `--json`). */
  data: unknown;
  targets: TargetCheck[];
}

/** A measurement of the bench beyond the in-process per-operation figures. */
export interface BenchSection {
  id: string;
  title: string;
  /** The targets its verdicts judge (the README's pasted report must show each). */
  targets: readonly string[];
  run(context: BenchContext): SectionResult;
  /** The verdicts on a run's `data` (run() returns them too; a saved JSON report can be judged again). */
  judge(data: unknown): TargetCheck[];
}

