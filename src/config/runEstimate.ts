// What one workload will take under one mode, estimated from its definition
// before anything runs: operations, memory accesses, simulated seconds and
// discrete events. `check` prints it and the loader refuses a workload whose
// estimate passes a limit (src/config/limits.ts). The simulation enforces the
// same limits again as it runs, since an estimate is not a guarantee.
import type { CpuModel } from '../vmm/cpu.js';
import { countAccesses, countOps, type OpNode } from '../workload/stream.js';
import type { CompiledGuest } from '../workload/system.js';
import { nativeCyclesOf, type CompiledWorkload } from './compileWorkload.js';

/** The estimate of one workload's run under one mode; null fields are unknown before the run (a trace is read while it runs). */
export interface RunEstimate {
  operations: number | null;
  memoryAccesses: number | null;
  /**
   * ESTIMATE: simulated seconds of the native run — native cycles of every
   * operation at the clock rate, plus device latencies each task waits out in
   * turn and the clients' think and network time per request; other modes
   * add their overhead on top.
   */
  simSeconds: number | null;
  /**
   * ESTIMATE: discrete events — timer ticks over the simulated time, two per
   * device request (issue, completion), four per client request (send,
   * arrival, response, receipt), one per host VM switch; a single stream runs
   * inline between events and needs two.
   */
  events: number | null;
}

/** Estimate `w` on `cpu`. */
export function estimateRun(w: CompiledWorkload, cpu: CpuModel): RunEstimate {
  const clockHz = cpu.clockGHz * 1e9;
  if (w.trace) return { operations: null, memoryAccesses: null, simSeconds: null, events: null };
  if (!w.system) {
    const setup = w.setup ?? [];
    const cycles = nativeCyclesOf(cpu, setup) + w.repeat * nativeCyclesOf(cpu, w.body);
    return {
      operations: countOps(setup, 1) + countOps(w.body, w.repeat),
      memoryAccesses: countAccesses(setup, 1) + countAccesses(w.body, w.repeat),
      simSeconds: cycles / clockHz,
      events: 2,
    };
  }
  let operations = 0;
  let memoryAccesses = 0;
  let cpuSeconds = 0;
  let longestWait = 0;
  let waitEvents = 0;
  let timerHz = 0;
  for (const g of w.system.guests) {
    for (const t of g.tasks) {
      operations += countOps(t.body, t.repeat);
      memoryAccesses += countAccesses(t.body, t.repeat);
      const taskCpu = (t.repeat * nativeCyclesOf(cpu, t.body)) / clockHz;
      const { seconds, requests } = deviceWaits(g, t.body, t.repeat);
      cpuSeconds += taskCpu;
      longestWait = Math.max(longestWait, taskCpu + seconds);
      waitEvents += 2 * requests;
    }
    if (g.server && g.clients) {
      const c = g.clients;
      operations += countOps(g.server.request, c.requests);
      memoryAccesses += countAccesses(g.server.request, c.requests);
      cpuSeconds += (c.requests * nativeCyclesOf(cpu, g.server.request)) / clockHz;
      const { seconds, requests } = deviceWaits(g, g.server.request, c.requests);
      longestWait = Math.max(longestWait, seconds / g.server.workers, ((c.requests / c.count) * (c.thinkUs + 2 * c.latencyUs)) / 1e6);
      waitEvents += 2 * requests + 4 * c.requests;
    }
    if (g.timer) timerHz += g.timerHz;
  }
  const simSeconds = Math.max(cpuSeconds, longestWait);
  const vmSwitches = w.system.guests.length > 1 ? (simSeconds * 1e6) / w.system.hostQuantumUs : 0;
  return { operations, memoryAccesses, simSeconds, events: simSeconds * timerHz + waitEvents + vmSwitches + 2 };
}

/** Seconds a task spends waiting on devices, one request after another, and how many requests it makes. */
function deviceWaits(g: CompiledGuest, body: readonly OpNode[], repeat: number): { seconds: number; requests: number } {
  let seconds = 0;
  let requests = 0;
  for (const [device, latencyUs] of Object.entries(g.devices)) {
    const n = countBlocks(body, device, new Map()) * repeat;
    requests += n;
    seconds += (n * (latencyUs ?? 0)) / 1e6;
  }
  return { seconds, requests };
}

function countBlocks(nodes: readonly OpNode[], device: string, memo: Map<readonly OpNode[], number>): number {
  const known = memo.get(nodes);
  if (known !== undefined) return known;
  let n = 0;
  for (const node of nodes) {
    if ('op' in node) n += node.op.kind === 'block' && node.op.device === device ? node.count : 0;
    else n += countBlocks(node.body, device, memo) * node.count;
  }
  memo.set(nodes, n);
  return n;
}
