// Bulk charging of counted runs from charge tapes (TapedActor.repeatCost/chargeRepeats):
// a run of n copies charged at once leaves exactly what n single charges leave,
// for every operation, trace policy and CPU.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../engine/simulation.js';
import { StreamRunner } from '../run/streamRunner.js';
import { cpuModel, vmmParams } from '../../test/support/models.js';
import { CURRENT_ASID, type Op } from '../workload/ops.js';
import { OpCursor } from '../workload/stream.js';
import type { CostActor } from './actor.js';
import { Ledger } from './ledger.js';
import { MODES } from './registry.js';
import { TapedActor } from './tapedActor.js';

const OPS: Op[] = [
  { kind: 'syscall', site: 1 }, { kind: 'io', dir: 'out', port: 0x3f8, site: 2 }, { kind: 'io', dir: 'in', port: 0x80, site: 3 },
  { kind: 'interrupt', source: 'timer' }, { kind: 'newKernelCode', units: 2, instructions: 9 }, { kind: 'pgfault', site: 4 },
  { kind: 'exception', vector: 'gp', site: 5 }, { kind: 'rdtsc', site: 6 }, { kind: 'cr3write', asid: 3, pages: 7, kernelPages: 0, site: 7 },
  { kind: 'pteWrite', asid: CURRENT_ASID, site: 8 }, { kind: 'pteWrite', asid: 5, site: 10 }, { kind: 'tlbMiss', workingSetBytes: 16 << 20, pageSize: '4K', afterFlush: 0 },
  { kind: 'cr8write', site: 9 }, { kind: 'cr3write', asid: 4, pages: 3, kernelPages: 11, site: 11 },
  { kind: 'mmCreate', asid: 3 }, { kind: 'mmDestroy', asid: CURRENT_ASID },
  { kind: 'compute', cycles: 3000, mode: 'kernel' }, { kind: 'compute', cycles: 1500, mode: 'user' }, { kind: 'callret' },
];

function run(mode: string, cpu: string, op: Op, copies: number, bulk: boolean, set: Record<string, unknown>) {
  const sim = new Simulation(1);
  const ledger = new Ledger();
  const inner = MODES[mode].create(cpuModel(cpu), vmmParams(mode, mode === 'nested' || mode === 'interpreter' ? {} : set), { rng: sim.rng, ledger });
  // In bulk, counted runs are charged from the op's charge tape (TapedActor); the reference charges every copy through the actor.
  const actor: CostActor = bulk ? new TapedActor(inner) : { charge: (o, l) => inner.charge(o, l), metrics: () => inner.metrics!() };
  const runner = new StreamRunner(sim, new OpCursor([{ op, count: copies }], 1), actor, ledger);
  runner.start();
  sim.run();
  return { t: runner.finishedAt, counts: [...ledger.counts], cycles: [...ledger.cycles], components: ledger.components(), metrics: actor.metrics!() };
}

describe('bulk charging in the VMM modes', () => {
  for (const mode of ['software', 'hardware', 'nested', 'interpreter', 'trap-and-emulate']) {
    for (const cpu of ['pentium4', 'core2']) {
      for (const set of [{}, { tracePolicy: 'unsynced' }]) {
        it(`${mode} on ${cpu} ${JSON.stringify(set)}: a counted run of each operation charged in bulk equals charging copy by copy`, () => {
          for (const op of OPS) expect([op.kind, run(mode, cpu, op, 40, true, set)]).toEqual([op.kind, run(mode, cpu, op, 40, false, set)]);
        });
      }
    }
  }
});
