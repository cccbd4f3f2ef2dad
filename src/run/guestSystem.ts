// One guest OS instance (a VM) under simulation: its processes and threads,
// the guest scheduler (round-robin ready queue, a time quantum counted in
// timer ticks, blocking on devices), its timer, its devices and, for server
// workloads, worker tasks fed by closed-loop clients. It produces the next
// operation to charge on demand; the physical CPU (physicalCpu.ts) decides
// when it runs and charges the cost actor, so operations run inline between
// events (temporal decoupling) and only interrupts, device completions and
// client messages go through the event heap.
import type { Simulation } from '../engine/simulation.js';
import type { CostActor } from '../vmm/actor.js';
import type { Ledger } from '../vmm/ledger.js';
import { TapedActor } from '../vmm/tapedActor.js';
import { ITEM, ITEM_CONTROL, type BlockItem, type Device } from '../workload/control.js';
import type { ComputeOp, Cr3WriteOp, Op } from '../workload/ops.js';
import { retargetCr3 } from '../workload/retarget.js';
import { leaf, OpCursor, type ItemSource, type OpNode } from '../workload/stream.js';
import type { CompiledGuest } from '../workload/system.js';
import { KERNEL_PROCESS, WORKERS_PROCESS } from './attribution.js';

/** What a guest needs from the physical CPU it runs on. */
export interface CpuPort {
  /** Schedule `fn` at absolute time `time` (may lie ahead of now: the CPU's local time). */
  at(time: number, fn: () => void): void;
  /** New work arrived through an event: run again if idle. */
  wake(): void;
  /** This guest has finished its workload at `time`. */
  guestDone(guest: Guest, time: number): void;
}

interface Task {
  name: string;
  asid: number;
  cursor: OpCursor | null;
  /** The rest of a computation the CPU cut at an event: it runs first when the task runs again. */
  pending: ComputeOp | null;
  ticksLeft: number;
  worker: boolean;
  /** Accounting slot (see attribution.ts) its operations are credited to. */
  slot: number;
}

/** Counters a guest reports. */
export interface GuestCounters {
  contextSwitches: number;
  threadSwitches: number;
  timerTicks: number;
  deviceInterrupts: number;
  requestsCompleted: number;
}

/** A guest OS with its scheduler, timer, devices and (optionally) clients. */
export class Guest {
  /** True once its processes have all exited, or its clients got every response. */
  done = false;
  readonly counters: GuestCounters = { contextSwitches: 0, threadSwitches: 0, timerTicks: 0, deviceInterrupts: 0, requestsCompleted: 0 };
  /** Tasks in the order they were dispatched, when tracing is on (for tests). */
  readonly dispatchLog: string[] | null;

  private readonly work: OpCursor[] = [];
  private readonly ready: Task[] = [];
  private current: Task | null = null;
  private lastTask: Task | null = null;
  private lastAsid = -1;
  private resched = false;
  private liveProcesses = 0;
  private readonly idleWorkers: Task[] = [];
  private queuedRequests = 0;
  private issued = 0;
  private readonly switchTo = new Map<number, OpNode[]>();
  private readonly tickNodes: OpNode[];
  private readonly irqNodes: Record<Device, OpNode[]>;
  private readonly tickCycles: number;
  private readonly cyclesPerUs: number;
  private timerEvent: { cancelled: boolean } | null = null;
  /** The source of the operation last returned by next(), for counted runs. */
  private lastSource: ItemSource | null = null;
  /** Accounting slot of the operation last returned by next(): its task's, or the kernel's for injected work. */
  slot = 0;
  private kernelSlot = 0;
  private readonly slotOf: (process: string) => number;
  /** The task whose operation next() last returned (null: interrupt or switch work). */
  private lastTaskOp: Task | null = null;
  /**
   * Whether the operation next() last returned is a task's computation, which
   * the CPU may cut at an event ({@link deferRest}); read instead of the
   * op's kind, so the per-operation path loads that only once.
   */
  preemptible = false;
  /** The leaf id of the operation next() last returned (ItemSource.leafId). */
  leafId = -1;
  /** {@link actor} when it replays charge tapes (the CPU then finds ops by leaf id). */
  readonly taped: TapedActor | null;

  constructor(
    private readonly spec: CompiledGuest,
    /** The cost actor of this guest's VM (each VM has its own VMM state). */
    readonly actor: CostActor,
    private readonly cpu: CpuPort,
    private readonly sim: Simulation,
    clockHz: number,
    options: { trace?: boolean; slotOf?: (process: string) => number } = {},
  ) {
    this.slotOf = options.slotOf ?? (() => 0);
    this.taped = actor instanceof TapedActor ? actor : null;
    this.cyclesPerUs = clockHz / 1e6;
    this.tickCycles = clockHz / spec.timerHz;
    const c = spec.composites;
    this.tickNodes = [leaf({ kind: 'interrupt', source: 'timer' }, 1), ...(c.timerTick ? [{ body: c.timerTick, count: 1 }] : [])];
    const irq = (d: Device): OpNode[] => {
      const body = c.deviceInterrupt[d];
      return [leaf({ kind: 'interrupt', source: d }, 1), ...(body ? [{ body, count: 1 }] : [])];
    };
    this.irqNodes = { disk: irq('disk'), net: irq('net') };
    this.dispatchLog = options.trace ? [] : null;
  }

  /** Name of the guest (its VM). */
  get name(): string {
    return this.spec.name;
  }

  /**
   * The accounting slot of the operations next() gives now when they may go
   * through the static lane ({@link lane}): the kernel's when interrupt or
   * switch work is queued (it comes first); else the running task's, when
   * no preemption is due and no rest of a computation waits; else −1.
   */
  laneSlot(): number {
    if (this.done) return -1;
    if (this.work.length !== 0) {
      // Interrupt or switch work runs first, whole (its computations are not cut), credited to the kernel.
      this.laneCursor = this.work[0];
      this.laneCuts = false;
      return this.kernelSlot;
    }
    const task = this.current;
    if (this.resched || task === null || task.pending !== null) return -1;
    this.laneCursor = task.cursor!;
    this.laneCuts = true;
    return task.slot;
  }

  /**
   * Charge the running task's next operations through the static lane
   * (OpCursor.chargeStatic) from time `t`, only when {@link laneSlot} is not
   * −1: returns the new time, with the operations charged in
   * {@link laneOps}. What it stops at, next() gives.
   */
  lane(t: number, stop: number, ledger: Ledger, maxRun: number): number {
    const cursor = this.laneCursor!;
    // An operation without a recording: where the lane runs, next() would give the op the cursor gives and
    // the CPU charge it by chargeLeaf alone (unless copies follow, which the lane leaves to the CPU).
    const taped = this.taped!;
    t = cursor.chargeStatic(taped, ledger, t, stop, maxRun, this.laneCuts, taped.chargeUnrecorded);
    this.laneOps = cursor.laneOps;
    return t;
  }

  /** Operations the last {@link lane} charged. */
  laneOps = 0;
  /** The cursor {@link laneSlot} found for the lane: queued kernel work's, or the running task's; whether its computations may be cut. */
  private laneCursor: OpCursor | null = null;
  private laneCuts = false;

  /** Put every process on the ready queue, start the timer and let the clients send their first requests. */
  start(): void {
    for (const t of this.spec.tasks) {
      this.ready.push({ name: t.name, asid: t.asid, cursor: new OpCursor(t.body, 1), pending: null, ticksLeft: this.spec.quantumTicks, worker: false, slot: this.slotOf(t.name) });
      this.liveProcesses++;
    }
    const server = this.spec.server;
    if (server) {
      server.asids.forEach((asid, i) => this.idleWorkers.push({ name: `worker${i}`, asid, cursor: null, pending: null, ticksLeft: this.spec.quantumTicks, worker: true, slot: this.slotOf(WORKERS_PROCESS) }));
    }
    this.kernelSlot = this.slotOf(KERNEL_PROCESS);
    if (this.spec.timer) this.scheduleTick(this.sim.now + this.tickCycles);
    const clients = this.spec.clients;
    if (clients) {
      const first = Math.min(clients.count, clients.requests);
      for (let i = 0; i < first; i++) this.send(this.sim.now);
    }
  }

  /** True when the guest has something to run now. */
  hasWork(): boolean {
    return !this.done && (this.work.length > 0 || this.current !== null || this.ready.length > 0);
  }

  /**
   * The next operation to charge, at local time `t`; null when the guest has
   * nothing to run until an event brings work. Scheduler instructions
   * (block) and scheduling decisions are handled here.
   */
  next(t: number): Op | null {
    if (this.done) return null;
    for (;;) {
      const work = this.work;
      if (work.length > 0) {
        const item = work[0].next();
        if (item === null) {
          this.spareCursors.push(work.shift()!);
          continue;
        }
        if ((work[0].code & ITEM_CONTROL) !== 0) throw new Error('interrupt and switch composites cannot block');
        this.lastSource = work[0];
        this.slot = this.kernelSlot;
        this.lastTaskOp = null;
        this.preemptible = false;
        this.leafId = work[0].leafId;
        return item as Op;
      }
      if (this.resched) this.preempt();
      const task = this.current;
      if (task === null) {
        if (!this.dispatch()) return null;
        continue;
      }
      if (task.pending !== null) {
        const rest = task.pending;
        task.pending = null;
        this.lastSource = null;
        this.slot = task.slot;
        this.lastTaskOp = task;
        this.preemptible = true;
        this.leafId = -1;
        return rest;
      }
      const cursor = task.cursor!;
      const item = cursor.next();
      if (item === null) {
        this.finish(task, t);
        if (this.done) return null;
        continue;
      }
      // The leaf's ITEM bits, not item.kind: see control.ts.
      const code = cursor.code;
      if (code !== 0) {
        if (code === ITEM.block) {
          this.block(task, (item as BlockItem).device, t);
          continue;
        }
        if (code === ITEM.waitUntil) continue; // only trace replays carry timestamps; a guest scheduler ignores them
        if (code === ITEM.cr3write) {
          // The task switched address space itself (fork/exec chains written
          // in one stream): it resumes there after a preemption.
          const asid = (item as Cr3WriteOp).asid;
          task.asid = asid;
          this.lastAsid = asid;
        }
      }
      this.lastSource = cursor;
      this.slot = task.slot;
      this.lastTaskOp = task;
      this.preemptible = code === ITEM.compute;
      this.leafId = cursor.leafId;
      return item as Op;
    }
  }

  /**
   * Computation is preemptible: the CPU charged only part of the computation
   * next() last returned (an event falls inside it), and `rest` is what is
   * left. Returns false when that computation was not a task's (interrupt
   * and switch work is short and runs whole); otherwise the task resumes
   * with `rest`, after whatever the event brings — a preemption included.
   */
  deferRest(rest: ComputeOp): boolean {
    const task = this.current;
    if (task === null || this.lastTaskOp !== task) return false;
    task.pending = rest;
    this.lastSource = null;
    return true;
  }

  /** Copies of the operation last returned by next() that follow it at once (its counted run). */
  repeats(): number {
    return this.lastSource === null ? 0 : this.lastSource.repeats;
  }

  /** The loop body whose iteration the operation next() last returned begins (ItemSource.iterationStart); null for a computation's rest. */
  get iterationStart(): readonly OpNode[] | null {
    return this.lastSource === null ? null : this.lastSource.iterationStart;
  }

  /** Iterations of that loop still to start after the current one. */
  get iterationsLeft(): number {
    return this.lastSource === null ? 0 : this.lastSource.iterationsLeft;
  }

  /** Consume the rest of that iteration and `iterations − 1` more, `rest` operations in all (ItemSource.skipIterations). */
  skipIterations(iterations: number, rest: number): void {
    this.lastSource!.skipIterations(iterations, rest);
  }

  /** Consume `n` of those copies, as n calls of next() would. */
  take(n: number): void {
    if (n > 0) this.lastSource!.take(n);
  }

  private inject(nodes: readonly OpNode[]): void {
    this.work.push(this.cursorFor(nodes));
  }

  /** A cursor at the start of `nodes`: a finished one reused (see OpCursor.reset), or a new one. */
  private cursorFor(nodes: readonly OpNode[]): OpCursor {
    const spare = this.spareCursors.pop();
    return spare === undefined ? new OpCursor(nodes, 1) : spare.reset(nodes, 1);
  }

  /** Cursors whose work or request has finished, for {@link cursorFor}. */
  private readonly spareCursors: OpCursor[] = [];

  /** Take the head of the ready queue and insert the switch the guest kernel performs to reach it. */
  private dispatch(): boolean {
    const task = this.ready.shift();
    if (task === undefined) return false;
    if (task.asid !== this.lastAsid) {
      const sw = this.contextSwitchTo(task.asid);
      if (sw) this.inject(sw);
      this.counters.contextSwitches++;
    } else {
      // Another thread of the same address space, or the same task resuming
      // after the CPU idled: schedule() and switch_to run, CR3 is not written.
      if (this.spec.composites.threadSwitch) this.inject(this.spec.composites.threadSwitch);
      this.counters.threadSwitches++;
    }
    this.dispatchLog?.push(task.name);
    this.lastAsid = task.asid;
    this.lastTask = task;
    this.current = task;
    return true;
  }

  private contextSwitchTo(asid: number): OpNode[] | null {
    const body = this.spec.composites.contextSwitch;
    if (body === null) return null;
    let sw = this.switchTo.get(asid);
    if (sw === undefined) {
      sw = retargetCr3(body, asid);
      this.switchTo.set(asid, sw);
    }
    return sw;
  }

  /** The running task's quantum ran out: it goes to the back of the queue if another task is ready. */
  private preempt(): void {
    this.resched = false;
    const cur = this.current;
    if (cur === null) return;
    cur.ticksLeft = this.spec.quantumTicks;
    if (this.ready.length > 0) {
      this.ready.push(cur);
      this.current = null;
    }
  }

  private block(task: Task, device: Device, t: number): void {
    const latencyUs = this.spec.devices[device];
    if (latencyUs === undefined) throw new Error(`task ${task.name} blocks on ${device}, but the workload has no ${device} device`);
    this.current = null;
    this.cpu.at(t + latencyUs * this.cyclesPerUs, () => {
      this.counters.deviceInterrupts++;
      this.inject(this.irqNodes[device]);
      this.ready.push(task);
      this.cpu.wake();
    });
  }

  private finish(task: Task, t: number): void {
    this.current = null;
    if (task.worker) {
      this.respond(t);
      if (this.queuedRequests > 0) {
        this.queuedRequests--;
        task.cursor = task.cursor!.reset(this.spec.server!.request, 1);
        this.current = task;
      } else {
        this.spareCursors.push(task.cursor!);
        task.cursor = null;
        this.idleWorkers.push(task);
      }
      return;
    }
    this.liveProcesses--;
    if (this.liveProcesses === 0 && this.spec.clients === null) this.finishAll(t);
  }

  private finishAll(time: number): void {
    this.done = true;
    if (this.timerEvent) this.timerEvent.cancelled = true;
    this.cpu.guestDone(this, time);
  }

  private scheduleTick(time: number): void {
    this.timerEvent = this.sim.at(time, this.tick);
  }

  private readonly tick = (): void => {
    if (this.done) return;
    this.counters.timerTicks++;
    this.inject(this.tickNodes);
    const cur = this.current;
    if (cur !== null && --cur.ticksLeft <= 0) this.resched = true;
    this.scheduleTick(this.sim.now + this.tickCycles);
    this.cpu.wake();
  };

  // ── closed-loop clients ──────────────────────────────────────────────

  /** A client sends a request at `time`; it reaches the guest one network latency later. */
  private send(time: number): void {
    this.issued++;
    this.cpu.at(time + this.spec.clients!.latencyUs * this.cyclesPerUs, this.arrive);
  }

  /** A request arrives: the NIC interrupts, and an idle worker (if any) becomes ready to serve it. */
  private readonly arrive = (): void => {
    if (this.done) return;
    this.counters.deviceInterrupts++;
    this.inject(this.irqNodes.net);
    const w = this.idleWorkers.shift();
    if (w === undefined) this.queuedRequests++;
    else {
      w.cursor = this.cursorFor(this.spec.server!.request);
      this.ready.push(w);
    }
    this.cpu.wake();
  };

  /** A worker finished a request at `t`: the response reaches its client one latency later. */
  private respond(t: number): void {
    const clients = this.spec.clients!;
    this.cpu.at(t + clients.latencyUs * this.cyclesPerUs, () => {
      if (this.done) return;
      this.counters.requestsCompleted++;
      if (this.counters.requestsCompleted >= clients.requests) {
        this.finishAll(this.sim.now);
        return;
      }
      if (this.issued < clients.requests) this.send(this.sim.now + clients.thinkUs * this.cyclesPerUs);
    });
  }
}
