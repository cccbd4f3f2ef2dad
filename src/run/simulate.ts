// Wires one compiled workload and one execution mode into a simulation and
// runs it to completion: build (actor, ledger, cursor) → run → collect.
import { Simulation } from '../engine/simulation.js';
import type { CpuModel } from '../vmm/cpu.js';
import { Ledger } from '../vmm/ledger.js';
import { MODES } from '../vmm/registry.js';
import { OpCursor } from '../workload/stream.js';
import type { CompiledWorkload } from '../config/load.js';
import { StreamRunner } from './streamRunner.js';

/** What one simulated run produced. */
export interface RunOutcome {
  ledger: Ledger;
  cycles: number;
  operations: number;
  events: number;
  actorMetrics: Record<string, number>;
}

/** Simulate `workload` under mode `modeId` on `cpu`. */
export function simulate(cpu: CpuModel, modeId: string, params: unknown, workload: CompiledWorkload, seed: number): RunOutcome {
  const def = MODES[modeId];
  if (!def) throw new Error(`no such mode: ${modeId}`);
  const sim = new Simulation(seed);
  const ledger = new Ledger();
  const actor = def.create(cpu, params, { rng: sim.rng, ledger });
  const runner = new StreamRunner(sim, new OpCursor(workload.body, workload.repeat), actor, ledger);
  runner.start();
  sim.run();
  const cycles = Number.isNaN(runner.finishedAt) ? sim.now : runner.finishedAt;
  return { ledger, cycles, operations: runner.ops, events: sim.eventsProcessed, actorMetrics: actor.metrics?.() ?? {} };
}
