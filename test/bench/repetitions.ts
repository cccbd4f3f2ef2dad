// How long the bench times each (entry, mode), on both sides of a ratio.
import type { BenchSize } from './sections.js';

/**
 * Timed repetitions of each (entry, mode) go on past the requested count
 * until the op-by-op runs have taken this long (at most MAX_REPS): a paper
 * entry's run takes 5-30 ms, and three of them were a window of well under a
 * second on a host whose speed moves within seconds. The SimPy model gets
 * the same floor on each recording (simpyRef.py's minSeconds).
 */
export const MIN_TIMED_SECONDS: Record<BenchSize, number> = { full: 0.25, tiny: 0 };

/** Most timed repetitions of one (entry, mode), or of one recording in SimPy. */
export const MAX_REPS = 60;
