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

  /** Start a generator process now; see {@link process}. */
  process(body: Generator<Yieldable, void, unknown>, priority = 0): Process {
    return new Process(this, body, priority);
  }

  private dropCancelled(): void {
    let top = this.queue.peek();
    while (top !== undefined && top.cancelled) {
      this.queue.poll();
      top = this.queue.peek();
    }
  }
}

/**
 * A one-shot occurrence that processes can wait on (an I/O completion, a
 * child's exit). Waiters resume at the time it fires, in the order they waited.
 */
export class Signal<T = unknown> {
  private waiters: Array<(value: T) => void> = [];
  private fired = false;
  private value: T | undefined;

  constructor(private readonly sim: Simulation) {}

  /** True once {@link fire} has been called. */
  get triggered(): boolean {
    return this.fired;
  }

  /** Fire now; every waiter is resumed at the current time. Firing twice is an error. */
  fire(value: T): void {
    if (this.fired) throw new Error('signal fired twice');
    this.fired = true;
    this.value = value;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) this.sim.at(this.sim.now, () => w(value));
  }

  /** Call `fn` when the signal fires (at once, via the heap, if it already has). */
  onFire(fn: (value: T) => void): void {
    if (this.fired) this.sim.at(this.sim.now, () => fn(this.value as T));
    else this.waiters.push(fn);
  }
}

/** What a process generator may yield: a delay in cycles, or a signal to wait for. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a process may wait on a signal of any value type
export type Yieldable = number | Signal<any>;

/**
 * A process is a generator driven by the simulation: `yield 100` waits 100
 * cycles, `yield signal` waits until the signal fires (the fired value is
 * what the yield expression returns).
 */
export class Process {
  /** Fires with undefined when the generator returns. */
  readonly done: Signal<void>;

  constructor(
    private readonly sim: Simulation,
    private readonly body: Generator<Yieldable, void, unknown>,
    private readonly priority: number,
  ) {
    this.done = new Signal<void>(sim);
    sim.at(sim.now, () => this.resume(undefined), priority);
  }

  private resume(value: unknown): void {
    const r = this.body.next(value);
    if (r.done) {
      this.done.fire(undefined);
      return;
    }
    const y = r.value;
    if (typeof y === 'number') {
      if (!(y >= 0)) throw new RangeError(`process yielded a negative or NaN delay: ${y}`);
      this.sim.after(y, () => this.resume(undefined), this.priority);
    } else {
      y.onFire((v) => this.resume(v));
    }
  }
}
