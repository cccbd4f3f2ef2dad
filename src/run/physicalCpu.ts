// The physical CPU that one or more guests (VMs) share. It runs the current
// guest's operations inline through that guest's cost actor until its local
// time reaches the next pending event (temporal decoupling), the host time
// slice of the VM runs out, or no guest has work (the CPU idles until an
// event wakes it). Idle time is charged to the `idle` category and a world
// switch between VMs to `vmswitch`, so a run's categories sum to its time.
import type { Simulation } from '../engine/simulation.js';
import { CAT } from '../vmm/categories.js';
import type { Ledger } from '../vmm/ledger.js';
import { TransientCompute, type ComputeOp } from '../workload/ops.js';
import type { Attribution } from './attribution.js';
import { chargeIterations, chargeRun, MIN_BULK_COPIES } from './chargeRun.js';
import type { CpuPort, Guest } from './guestSystem.js';

/** Host scheduling parameters. */
export interface HostParams {
  /** Host time slice per VM, cycles. */
  quantumCycles: number;
  /** Cycles charged per switch between two VMs (0 natively: there are no VMs). */
  vmSwitchCycles: number;
}

/** One CPU time-sliced among guests. */
export class PhysicalCpu implements CpuPort {
  /** Time at which the last guest finished (NaN while running). */
  endAt = NaN;
  /** Operations charged. */
  ops = 0;
  private guests: Guest[] = [];
  private current: Guest | null = null;
  private lastRun: Guest | null = null;
  private rr = 0;
  private sliceStart = 0;
  private scheduled = false;
  private idle = true;
  private idleSince = 0;
  private dirty = false;
  private running = 0;
  /** Scratch cell through which chargeRun hands back the clock. */
  private readonly clock = new Float64Array(1);
  /** In bulk: {@link chargeIterations}, bound for this CPU alone (see StreamRunner's). */
  private readonly iterations: typeof chargeIterations | null;

  constructor(
    private readonly sim: Simulation,
    private readonly ledger: Ledger,
    private readonly host: HostParams,
    /** Per-VM and per-process accounting: told which guest slot (or the host's) runs. */
    private readonly attribution: { readonly attribution: Attribution; readonly hostSlot: number } | null = null,
    /** False: charge every copy through charge(), the op-by-op reference the fast paths must equal. */
    private readonly bulk = true,
  ) {
    this.iterations = bulk ? chargeIterations.bind(null) : null;
  }

  /** Start every guest and begin running at the current time. */
  start(guests: Guest[]): void {
    this.guests = guests;
    this.running = guests.length;
    this.idleSince = this.sim.now;
    for (const g of guests) g.start();
    this.wake();
  }

  at(time: number, fn: () => void): void {
    this.dirty = true;
    this.sim.at(time, fn);
  }

  wake(): void {
    if (this.scheduled || this.running === 0) return;
    if (this.idle) this.endIdle(this.sim.now);
    this.scheduled = true;
    this.sim.at(this.sim.now, this.slice);
  }

  guestDone(_guest: Guest, time: number): void {
    this.running--;
    if (this.running > 0) return;
    this.endAt = Math.max(time, Number.isNaN(this.endAt) ? 0 : this.endAt);
    if (this.idle) this.endIdle(this.endAt);
  }

  private endIdle(time: number): void {
    this.idle = false;
    if (time > this.idleSince) {
      this.attribution?.attribution.enter(this.attribution.hostSlot);
      this.ledger.charge(CAT.idle, time - this.idleSince);
    }
  }

  /** Pick the next guest with work, round robin after the last one run; charge a world switch if it changes. */
  private pick(t: number): { guest: Guest | null; t: number } {
    const n = this.guests.length;
    for (let i = 0; i < n; i++) {
      const g = this.guests[(this.rr + i) % n];
      if (!g.hasWork()) continue;
      this.rr = (this.rr + i + 1) % n;
      if (this.lastRun !== null && g !== this.lastRun && this.host.vmSwitchCycles > 0) {
        this.attribution?.attribution.enter(this.attribution.hostSlot);
        this.ledger.charge(CAT.vmswitch, this.host.vmSwitchCycles);
        t += this.host.vmSwitchCycles;
      }
      this.lastRun = g;
      this.sliceStart = t;
      return { guest: g, t };
    }
    return { guest: null, t };
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    const { sim, ledger, iterations } = this;
    const multi = this.guests.length > 1;
    const quantum = this.host.quantumCycles;
    // In bulk, the lane leaves the bulk paths their cues (loop iterations, long counted runs).
    const laneRun = iterations !== null ? MIN_BULK_COPIES : Infinity;
    let horizon = sim.peekTime();
    this.dirty = false;
    let t = sim.now;
    let g = this.current;
    let n = 0;
    for (;;) {
      if (this.running === 0) break;
      if (g === null) {
        const p = this.pick(t);
        g = p.guest;
        t = p.t;
        if (g === null) {
          this.current = null;
          this.idle = true;
          this.idleSince = t;
          this.ops += n;
          return;
        }
      }
      if (g.taped !== null) {
        // The operations next() would give (queued kernel work's, or the running task's) that replay a recording, one by one without this loop's dispatch (OpCursor.chargeStatic).
        const slot = g.laneSlot();
        if (slot >= 0) {
          this.attribution?.attribution.enter(slot);
          const stop = multi ? Math.min(horizon, this.sliceStart + quantum) : horizon;
          t = g.lane(t, stop, ledger, laneRun);
          const charged = g.laneOps;
          n += charged;
          // Having charged nothing, the lane leaves the next op to the loop, which charges one even past the stop.
          if (charged > 0 && t >= stop) {
            if (multi && t >= this.sliceStart + quantum) g = null;
            if (t >= horizon) break;
            continue;
          }
        }
      }
      const op = g.next(t);
      if (this.dirty) {
        horizon = sim.peekTime();
        this.dirty = false;
      }
      if (op === null) {
        g = null;
        continue;
      }
      const actor = g.actor;
      this.attribution?.attribution.enter(g.slot);
      // The slice ends at the next event or, with several VMs, when the VM's host quantum is used up.
      const stop = multi ? Math.min(horizon, this.sliceStart + quantum) : horizon;
      const taped = g.taped;
      if (taped !== null && iterations !== null) {
        // The first op of a loop iteration: it and the loop's next iterations at once, if static (chargeRun.ts).
        const end = iterations(g, taped, t, stop, ledger);
        if (end === end) {
          t = end;
          n += taped.iterationOps;
          continue;
        }
      }
      if (g.preemptible && t + (op as ComputeOp).cycles > stop && stop > t) {
        // Computation is preemptible: charge it up to the event, leave the rest
        // to its task (compute costs are linear in cycles in every mode).
        const part = stop - t;
        const compute = op as ComputeOp;
        if (g.deferRest(new TransientCompute(compute.cycles - part, compute.mode))) {
          t += actor.charge(new TransientCompute(part, compute.mode), ledger);
          n++;
          if (t >= stop) {
            if (multi && t >= this.sliceStart + quantum) g = null;
            if (t >= horizon) break;
          }
          continue;
        }
      }
      t += taped !== null ? taped.chargeLeaf(op, g.leafId, ledger) : actor.charge(op, ledger);
      n++;
      if (t < stop) {
        const left = g.repeats();
        if (left > 0) {
          // The rest of a counted run, through the routine StreamRunner uses too.
          if (taped !== null) taped.runFollows(op, g.leafId);
          const clock = this.clock;
          clock[0] = t;
          const k = chargeRun(actor, op, left, ledger, clock, stop, this.bulk);
          t = clock[0];
          g.take(k);
          n += k;
        }
      }
      if (t >= stop) {
        if (multi && t >= this.sliceStart + quantum) g = null;
        if (t >= horizon) break;
      }
    }
    this.ops += n;
    this.current = g;
    if (this.running === 0) {
      this.endAt = Math.max(t, this.endAt);
      return;
    }
    this.scheduled = true;
    sim.at(t, this.slice);
  };
}
