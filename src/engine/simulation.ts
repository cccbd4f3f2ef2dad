// The discrete-event kernel: one clock, one event heap ordered by
// (time, priority, sequence), one seeded RNG. It knows nothing about VMMs;
// guest streams, devices and clients are ordinary clients of it.
import FastPriorityQueue from 'fastpriorityqueue';
import { Rng } from './rng.js';

/** A callback scheduled to run at a simulated time (in cycles). */
export interface ScheduledEvent {
  readonly time: number;
  readonly priority: number;
  readonly seq: number;
  readonly callback: () => void;
  /** Set by {@link Simulation.cancel}; a cancelled event is skipped when popped. */
  cancelled: boolean;
}

/** Heap order: earlier time first, then lower priority, then insertion order. */
function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/** Caps on one simulation, so a typo cannot run for years or fill memory with events. */
export interface SimulationLimits {
  /** Latest simulated time (cycles) an event may be scheduled at. */
  maxCycles: number;
  /** Most events processed. */
  maxEvents: number;
}

/** A simulation passed one of its {@link SimulationLimits}. */
export class SimulationLimitError extends Error {
  constructor(
    readonly limit: keyof SimulationLimits,
    readonly value: number,
    readonly max: number,
  ) {
    super(limit === 'maxCycles' ? `simulated time reached ${value} cycles; the limit is ${max}` : `events passed ${max}`);
    this.name = 'SimulationLimitError';
  }
}

/** Options of {@link Simulation.run}. */
export interface RunOptions {
  /** Process every event whose time is ≤ until; the clock ends at until. */
  until?: number;
}

/**
 * A simulation environment: all mutable state of one run lives here, so
 * many simulations can run side by side in one process.
 */
export class Simulation {
  /** Current simulated time, in cycles. */
  now = 0;
  /** The run's only source of randomness. */
  readonly rng: Rng;
  /** Events processed so far (popped and not cancelled). */
  eventsProcessed = 0;
  private readonly queue = new FastPriorityQueue<ScheduledEvent>(before);
  private seq = 0;

  constructor(
    seed: number,
    private readonly limits: SimulationLimits = { maxCycles: Infinity, maxEvents: Infinity },
  ) {
    this.rng = new Rng(seed);
  }

  /** Schedule `callback` at absolute time `time` (≥ now). Lower priority runs first at equal times. */
  at(time: number, callback: () => void, priority = 0): ScheduledEvent {
    if (!(time >= this.now)) throw new RangeError(`cannot schedule at ${time}, before now (${this.now})`);
    if (time > this.limits.maxCycles) throw new SimulationLimitError('maxCycles', time, this.limits.maxCycles);
    const ev: ScheduledEvent = { time, priority, seq: this.seq++, callback, cancelled: false };
    this.queue.add(ev);
    return ev;
  }

  /** Schedule `callback` after `delay` cycles. */
  after(delay: number, callback: () => void, priority = 0): ScheduledEvent {
    return this.at(this.now + delay, callback, priority);
  }

  /** Cancel a scheduled event; it stays in the heap but is skipped. */
  cancel(ev: ScheduledEvent): void {
    ev.cancelled = true;
  }

  /** Time of the next pending event, or Infinity when none is pending. */
  peekTime(): number {
    this.dropCancelled();
    const top = this.queue.peek();
    return top === undefined ? Infinity : top.time;
  }

  /** Number of events pending (including cancelled ones not yet popped). */
  get pending(): number {
    return this.queue.size;
  }

  /** Pop one event, advance the clock to it and run it. Returns false when the heap is empty. */
  step(): boolean {
    this.dropCancelled();
    const ev = this.queue.poll();
    if (ev === undefined) return false;
    this.now = ev.time;
    if (++this.eventsProcessed > this.limits.maxEvents) throw new SimulationLimitError('maxEvents', this.eventsProcessed, this.limits.maxEvents);
    ev.callback();
    return true;
  }

  /** Run until the heap is empty or the next event lies after `until`. */
  run(options: RunOptions = {}): void {
    const until = options.until ?? Infinity;
    for (let t = this.peekTime(); t !== Infinity && t <= until; t = this.peekTime()) this.step();
    if (until !== Infinity && this.now < until) this.now = until;
  }

  private dropCancelled(): void {
    let top = this.queue.peek();
    while (top !== undefined && top.cancelled) {
      this.queue.poll();
      top = this.queue.peek();
    }
  }
}
