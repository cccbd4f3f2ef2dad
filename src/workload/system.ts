// A multi-stream workload after compilation: one or more guests (VMs) on a
// shared physical CPU, each with processes under a guest scheduler, devices,
// and optionally a server with closed-loop clients. Plain data; the run layer
// (src/run/guestSystem.ts, src/run/physicalCpu.ts) brings it to life.
import type { Device } from './control.js';
import type { OpNode } from './stream.js';

/** A guest process (or thread) with its own operation stream. */
export interface CompiledTask {
  name: string;
  /** Address space; tasks sharing an asid are threads of one process. */
  asid: number;
  /** Runs once, then `body` runs `repeat` times. */
  body: OpNode[];
  repeat: number;
}

/** Worker tasks that serve requests, one request body per request. */
export interface CompiledServer {
  workers: number;
  /** Asid of each worker (all equal when the workers are threads of one process). */
  asids: number[];
  request: OpNode[];
}

/** N closed-loop clients outside the guest. */
export interface CompiledClients {
  count: number;
  /** Stop when this many responses have arrived. */
  requests: number;
  /** One-way network latency between a client and the guest, µs. */
  latencyUs: number;
  /** Client think time between a response and its next request, µs. */
  thinkUs: number;
}

/** The guest-profile composites the scheduler inserts (null when the profile lacks one). */
export interface SchedulerComposites {
  /** Switch to another address space: its cr3write is retargeted at the incoming task's asid. */
  contextSwitch: OpNode[] | null;
  /** Switch to another thread of the same address space (no cr3write). */
  threadSwitch: OpNode[] | null;
  /** Kernel work of one timer tick (after the timer interrupt op). */
  timerTick: OpNode[] | null;
  /** Kernel work of a device completion interrupt, by device. */
  deviceInterrupt: Record<Device, OpNode[] | null>;
}

/** One guest OS instance (a VM) and what runs in it. */
export interface CompiledGuest {
  name: string;
  timerHz: number;
  /** Timer ticks a task may run before it is preempted in favour of a ready task. */
  quantumTicks: number;
  timer: boolean;
  /** Device latencies, µs. */
  devices: Partial<Record<Device, number>>;
  tasks: CompiledTask[];
  server: CompiledServer | null;
  clients: CompiledClients | null;
  composites: SchedulerComposites;
}

/** Several guests sharing one physical CPU under a host round-robin. */
export interface CompiledSystem {
  guests: CompiledGuest[];
  /** Host time slice per VM, µs (matters only with more than one guest). */
  hostQuantumUs: number;
  /** Cycles of a world switch between two VMs (not charged natively). */
  vmSwitchCycles: number;
}
