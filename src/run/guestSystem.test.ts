import { describe, expect, it } from 'vitest';
import { Simulation } from '../engine/simulation.js';
import type { CostActor } from '../vmm/actor.js';
import { CAT } from '../vmm/categories.js';
import { Ledger } from '../vmm/ledger.js';
import type { Op } from '../workload/ops.js';
import type { OpNode } from '../workload/stream.js';
import type { CompiledGuest, CompiledTask } from '../workload/system.js';
import { Guest } from './guestSystem.js';
import { PhysicalCpu } from './physicalCpu.js';

// One cycle is one microsecond (1 MHz), so device latencies in µs read as cycles.
const CLOCK_HZ = 1e6;

/** Charges compute its cycles and everything else nothing; logs what it saw. */
class LogActor implements CostActor {
  readonly log: string[] = [];
  private asid = 0;
  charge(op: Op, ledger: Ledger): number {
    if (op.kind === 'cr3write') {
      this.asid = op.asid;
      this.log.push(`cr3:${op.asid}`);
    } else if (op.kind === 'interrupt') this.log.push(`int:${op.source}`);
    else if (op.kind === 'compute') {
      this.log.push(String.fromCharCode(64 + this.asid)); // asid 1 → A, 2 → B
      ledger.charge(CAT.compute, op.cycles);
      return op.cycles;
    } else this.log.push(op.kind);
    return 0;
  }
}

const compute = (cycles: number, count = 1): OpNode => ({ op: { kind: 'compute', cycles, mode: 'user' }, count });
const task = (name: string, asid: number, body: OpNode[]): CompiledTask => ({ name, asid, body, repeat: 1 });
const switchOps: OpNode[] = [{ op: { kind: 'cr3write', asid: 0, pages: 0, kernelPages: 0, site: 1 }, count: 1 }];

function guest(over: Partial<CompiledGuest>): CompiledGuest {
  return {
    name: 'g', timerHz: 10_000, quantumTicks: 2, timer: true, devices: {}, tasks: [], server: null, clients: null,
    composites: { contextSwitch: switchOps, threadSwitch: null, timerTick: null, deviceInterrupt: { disk: null, net: null } },
    ...over,
  };
}

function run(spec: CompiledGuest) {
  const sim = new Simulation(1);
  const ledger = new Ledger();
  const actor = new LogActor();
  const cpu = new PhysicalCpu(sim, ledger, { quantumCycles: Infinity, vmSwitchCycles: 0 });
  const g = new Guest(spec, actor, cpu, sim, CLOCK_HZ, { trace: true });
  cpu.start([g]);
  sim.run();
  return { log: actor.log, end: cpu.endAt, guest: g, ledger };
}

describe('guest scheduler', () => {
  it('preempts a task at the timer tick that uses up its quantum, round robin, with a CR3 switch per dispatch', () => {
    // Ticks every 100 cycles; a quantum of 2 ticks; A runs 3 × 100, B 4 × 100.
    const r = run(guest({ tasks: [task('A', 1, [compute(100, 3)]), task('B', 2, [compute(100, 4)])] }));
    expect(r.log).toEqual([
      'cr3:1', 'A', 'int:timer', 'A', 'int:timer', // tick at 200 ends A's quantum
      'cr3:2', 'B', 'int:timer', 'B', 'int:timer', // tick at 400 ends B's
      'cr3:1', 'A', 'int:timer',                   // A finishes at 500
      'cr3:2', 'B', 'int:timer', 'B', 'int:timer', // B finishes at 700
    ]);
    expect(r.guest.dispatchLog).toEqual(['A', 'B', 'A', 'B']);
    expect(r.end).toBe(700);
    expect(r.guest.counters.timerTicks).toBe(7);
  });

  it('a task that blocks on a device lets the next one run; the completion interrupt readies it again', () => {
    const a = task('A', 1, [compute(100), { op: { kind: 'block', device: 'disk' }, count: 1 }, compute(100)]);
    const r = run(guest({ timer: false, devices: { disk: 250 }, tasks: [a, task('B', 2, [compute(100, 3)])] }));
    // A blocks at 100 until 350; B runs 100–400 (the interrupt waits for the op in flight); A ends at 500.
    expect(r.log).toEqual(['cr3:1', 'A', 'cr3:2', 'B', 'B', 'B', 'int:disk', 'cr3:1', 'A']);
    expect(r.end).toBe(500);
    expect(r.guest.counters.deviceInterrupts).toBe(1);
  });

  it('with nothing runnable the CPU idles until the device completes, and idle time is charged', () => {
    const a = task('A', 1, [compute(100), { op: { kind: 'block', device: 'disk' }, count: 1 }, compute(100)]);
    const r = run(guest({ timer: false, devices: { disk: 250 }, tasks: [a] }));
    expect(r.log).toEqual(['cr3:1', 'A', 'int:disk', 'A']); // resuming the same address space: no CR3 write
    expect(r.end).toBe(450);
    expect(r.ledger.cycles[CAT.idle]).toBe(250);
    expect(r.guest.counters.threadSwitches).toBe(1);
  });

  it('timer interrupts arrive at the guest rate while the CPU idles too', () => {
    const a = task('A', 1, [{ op: { kind: 'block', device: 'disk' }, count: 1 }, compute(10)]);
    const r = run(guest({ devices: { disk: 350 }, tasks: [a] }));
    expect(r.log).toEqual(['cr3:1', 'int:timer', 'int:timer', 'int:timer', 'int:disk', 'A']);
    expect(r.end).toBe(360);
  });
});

describe('closed-loop clients', () => {
  it('2 clients, 1 worker, 100-cycle requests, 10 µs each way: 4 requests take 10 + 4 × 100 + 10 µs', () => {
    // Hand computation: both requests arrive at 10; the worker serves them
    // back to back (10–110, 110–210); each response's client sends again and
    // its request queues behind the one in service (210–310, 310–410); the
    // last response reaches its client at 420.
    const spec = guest({
      timer: false,
      server: { workers: 1, asids: [1], request: [compute(100)] },
      clients: { count: 2, requests: 4, latencyUs: 10, thinkUs: 0 },
    });
    const r = run(spec);
    expect(r.end).toBe(420);
    expect(r.guest.counters.requestsCompleted).toBe(4);
    // Computation is preemptible: a request's compute is cut at every event that falls inside it (a
    // response reaching its client, a request arriving) and resumed, so a request shows as several pieces.
    expect(r.log).toEqual(['int:net', 'int:net', 'cr3:1', 'A', 'A', 'A', 'int:net', 'A', 'A', 'A', 'int:net', 'A', 'A', 'A']);
    expect(r.ledger.cycles[CAT.idle]).toBe(20); // 0–10 waiting for the first requests, 410–420 for the last response
    expect((4 / r.end) * CLOCK_HZ).toBeCloseTo(9523.81, 2); // requests per second
  });

  it('client think time delays the next request of that client only', () => {
    const spec = guest({
      timer: false,
      server: { workers: 1, asids: [1], request: [compute(100)] },
      clients: { count: 1, requests: 2, latencyUs: 10, thinkUs: 50 },
    });
    // 10 arrive, 10–110 serve, 120 response, think to 170, 180 arrive, 180–280, 290 response.
    expect(run(spec).end).toBe(290);
  });
});

describe('several VMs on one CPU', () => {
  it('the host runs each VM for its time slice, charging a world switch between VMs', () => {
    const sim = new Simulation(1);
    const ledger = new Ledger();
    const cpu = new PhysicalCpu(sim, ledger, { quantumCycles: 250, vmSwitchCycles: 10 });
    const actor = new LogActor();
    const vm = (name: string, asid: number) =>
      new Guest(guest({ name, timer: false, composites: { contextSwitch: null, threadSwitch: null, timerTick: null, deviceInterrupt: { disk: null, net: null } },
        tasks: [task(name, asid, [compute(100, 5)])] }), actor, cpu, sim, CLOCK_HZ);
    // The log letter comes from the last CR3 the actor saw; with no switch composites, tag by cr3 here:
    const a = vm('A', 1);
    const b = vm('B', 2);
    cpu.start([a, b]);
    sim.run();
    // VM A 0–300 (3 ops: the slice ends once 250 cycles are used), switch 10, VM B 310–610,
    // switch, A 620–820 (done), switch, B 830–1030 (done).
    expect(cpu.endAt).toBe(1030);
    expect(ledger.cycles[CAT.vmswitch]).toBe(30);
    expect(ledger.counts[CAT.vmswitch]).toBe(3);
    expect(ledger.cycles[CAT.compute]).toBe(1000);
  });
});
