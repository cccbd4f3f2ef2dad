// Wires one compiled workload and one execution mode into a simulation and
// runs it to completion: build (actors, ledger, streams) → run → collect.
// A single stream or trace runs on a StreamRunner; a guest system (one or
// more VMs with processes, devices and clients) runs on a PhysicalCpu.
import { Simulation } from '../engine/simulation.js';
import type { CostActor } from '../vmm/actor.js';
import { TapedActor } from '../vmm/tapedActor.js';
import type { CpuModel } from '../vmm/cpu.js';
import { Ledger } from '../vmm/ledger.js';
import { MODES } from '../vmm/registry.js';
import { OpCursor } from '../workload/stream.js';
import type { MissPriceCache } from '../mmu/missPrice.js';
import { TraceCursor, type TraceCache } from '../workload/traceCursor.js';
import type { CompiledWorkload } from '../config/load.js';
import { NO_COMPOSITES, WorkloadCompiler } from '../workload/expand.js';
import { StreamRunner } from './streamRunner.js';
import { Guest } from './guestSystem.js';
import { PhysicalCpu } from './physicalCpu.js';
import { Attribution, HOST_VM } from './attribution.js';
import type { VmResult } from './record.js';

/** What one simulated run produced. */
export interface RunOutcome {
  ledger: Ledger;
  cycles: number;
  operations: number;
  events: number;
  actorMetrics: Record<string, number>;
  /** Responses collected by closed-loop clients (0 without clients). */
  requests: number;
  /** Guest systems: the run split by VM and process. */
  vms?: VmResult[];
}

/** Watches runs as they start, e.g. to show progress from another thread. */
export interface RunObserver {
  /** A run begins; its ledger's per-category totals are in shared memory and grow as it runs. */
  started(run: { workload: string; mode: string; clockGHz: number; ledger: Ledger }): void;
}

/** Extra inputs some workload forms need. */
export interface SimulateOptions {
  /** Trace replay compiles lines and resolves composites and stream switches through the guest profile. */
  compiler?: WorkloadCompiler;
  /** Told of the run before it starts (with a shared ledger). */
  observer?: RunObserver;
  /** Stop (SimulationLimitError, TraceError) past these; unbounded when absent. */
  limits?: RunLimits;
  /**
   * False: charge every copy of a counted run and every operation of a loop
   * iteration on its own, skipping the bulk fast paths (chargeRun.ts,
   * iterationTapes.ts): the bench's per-operation figure (static operations
   * are still replayed from their tapes; see `tapes`).
   */
  bulk?: boolean;
  /**
   * False: call the actor's charge() for every operation, never replaying a
   * recorded charge of a static operation (tapedActor.ts); counted runs and
   * loop iterations are then charged op by op too (tapes are the bulk mechanism): the
   * reference every fast path must equal bit for bit.
   */
  tapes?: boolean;
  /** Most operations each taped actor remembers (MAX_TAPED_OPS); tests give a few, to run past it. */
  tapedOps?: number;
  /** Wraps every cost actor the run creates (the bench records the costs charged; tests hide the bulk hooks). */
  instrument?: (actor: CostActor) => CostActor;
  /** Traces already parsed by other runs (modes, points) of the same command; a trace is parsed once per cache. */
  traces?: TraceCache;
  /** TLB-miss prices measured by other runs of this process (a price is a pure function of MMU model, mode and site); each run measures its own when absent. */
  missPrices?: MissPriceCache;
}

/** Per-run caps enforced while simulating (the estimates checked them before the run). */
export interface RunLimits {
  maxSimSeconds: number;
  maxEvents: number;
  /** Operations plus memory accesses a trace may stand for. */
  maxOpsPerRun: number;
}

/** Simulate `workload` under mode `modeId` on `cpu`. */
export function simulate(cpu: CpuModel, modeId: string, params: unknown, workload: CompiledWorkload, seed: number, options: SimulateOptions = {}): RunOutcome {
  const mode = MODES[modeId];
  if (!mode) throw new Error(`no such mode: ${modeId}`);
  const instrument = options.instrument;
  const made = instrument === undefined ? mode : { create: (...args: Parameters<typeof mode.create>) => instrument(mode.create(...args)) };
  const def = options.tapes === false ? made : { create: (...args: Parameters<typeof mode.create>): CostActor => new TapedActor(made.create(...args), options.tapedOps) };
  const clockHz = cpu.clockGHz * 1e9;
  const limits = options.limits;
  const sim = new Simulation(seed, limits ? { maxCycles: limits.maxSimSeconds * clockHz, maxEvents: limits.maxEvents } : undefined);
  const ledger = new Ledger(options.observer !== undefined);
  options.observer?.started({ workload: workload.name, mode: modeId, clockGHz: cpu.clockGHz, ledger });
  if (workload.system) {
    const sys = workload.system;
    const attribution = new Attribution(ledger);
    const physical = new PhysicalCpu(sim, ledger, {
      quantumCycles: (sys.hostQuantumUs * clockHz) / 1e6,
      vmSwitchCycles: modeId === 'native' ? 0 : sys.vmSwitchCycles,
    }, { attribution, hostSlot: attribution.slot(HOST_VM, HOST_VM) }, options.bulk ?? true);
    const guests = sys.guests.map((g) => new Guest(g, def.create(cpu, params, { rng: sim.rng, ledger, missPrices: options.missPrices }), physical, sim, clockHz, { slotOf: (p) => attribution.slot(g.name, p) }));
    physical.start(guests);
    sim.run();
    attribution.settle();
    const metrics: Record<string, number> = {};
    for (const g of guests) {
      for (const [k, v] of Object.entries(g.counters)) metrics[k] = (metrics[k] ?? 0) + v;
      for (const [k, v] of Object.entries(g.actor.metrics?.() ?? {})) metrics[k] = (metrics[k] ?? 0) + v;
    }
    const { requestsCompleted, ...rest } = metrics;
    return { ledger, cycles: physical.endAt, operations: physical.ops, events: sim.eventsProcessed, actorMetrics: rest, requests: requestsCompleted ?? 0, vms: attribution.results() };
  }
  const actor = def.create(cpu, params, { rng: sim.rng, ledger, missPrices: options.missPrices });
  const cursor = workload.trace
    ? new TraceCursor(workload.trace.path, workload.trace.format, { compiler: options.compiler ?? new WorkloadCompiler(NO_COMPOSITES), clockHz, maxWork: limits?.maxOpsPerRun }, options.traces)
    : new OpCursor(workload.setup?.length ? [...workload.setup, { body: workload.body, count: workload.repeat }] : workload.body, workload.setup?.length ? 1 : workload.repeat);
  const runner = new StreamRunner(sim, cursor, actor, ledger, undefined, options.bulk ?? true);
  runner.start();
  try {
    sim.run();
  } finally {
    if (cursor instanceof TraceCursor) cursor.close();
  }
  const cycles = Number.isNaN(runner.finishedAt) ? sim.now : runner.finishedAt;
  const traceMetrics = cursor instanceof TraceCursor ? cursor.metrics() : {};
  return { ledger, cycles, operations: runner.ops, events: sim.eventsProcessed, actorMetrics: { ...traceMetrics, ...(actor.metrics?.() ?? {}) }, requests: 0 };
}
