// Whole loop iterations charged from their operations' tapes (iterationTapes.ts):
// the ledger, the actor's state and the clock end exactly where charging op by
// op leaves them, also when a PTE write's form changes between iterations.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario } from '../config/load.js';
import { toJson } from '../report/json.js';
import { runScenario } from '../run/runScenario.js';
import { Simulation } from '../engine/simulation.js';
import { StreamRunner } from '../run/streamRunner.js';
import { cpuModel, vmmParams } from '../../test/support/models.js';
import type { Op } from '../workload/ops.js';
import { leaf, OpCursor, type OpNode } from '../workload/stream.js';
import type { CostActor } from './actor.js';
import { Ledger } from './ledger.js';
import { MODE_IDS, MODES } from './registry.js';
import { TapedActor } from './tapedActor.js';

/**
 * A loop of a system call, a computation and a PTE write into address space
 * 5, then CR3 loads into 5 and back to 3, three times: the first pass writes
 * PTEs of an address space with no shadow, the later ones of one that has a
 * shadow (trace faults, or hidden faults when unsynced).
 */
function workload(): OpNode[] {
  const body: OpNode[] = [
    leaf({ kind: 'syscall', site: 1 }, 1, 0),
    leaf({ kind: 'compute', cycles: 1234.5, mode: 'kernel' }, 2, 1),
    leaf({ kind: 'pteWrite', asid: 5, site: 2 } as Op, 1, 2),
  ];
  return [
    { body, count: 30 },
    leaf({ kind: 'cr3write', asid: 5, pages: 7, kernelPages: 0, site: 3 }, 1, 3),
    leaf({ kind: 'cr3write', asid: 3, pages: 7, kernelPages: 0, site: 4 }, 1, 4),
  ];
}

function run(mode: string, cpu: string, set: Record<string, unknown>, fast: boolean) {
  const sim = new Simulation(1);
  const ledger = new Ledger();
  const inner = MODES[mode].create(cpuModel(cpu), vmmParams(mode, mode === 'nested' || mode === 'interpreter' ? {} : set), { rng: sim.rng, ledger });
  const taped = new TapedActor(inner);
  const actor: CostActor = fast ? taped : { charge: (o, l) => inner.charge(o, l), metrics: () => inner.metrics!() };
  const runner = new StreamRunner(sim, new OpCursor(workload(), 3), actor, ledger, () => {}, fast);
  runner.start();
  sim.run();
  const result = { t: runner.finishedAt, ops: runner.ops, counts: [...ledger.counts], cycles: [...ledger.cycles], components: ledger.components(), metrics: actor.metrics!() };
  return { result, iterations: taped.iterationsSoFar };
}

describe('loop iterations charged at once', () => {
  for (const mode of ['native', 'software', 'hardware', 'nested', 'interpreter', 'trap-and-emulate']) {
    for (const set of [{}, { tracePolicy: 'unsynced' }]) {
      it(`${mode} ${JSON.stringify(set)}: equal to op by op through the actor, PTE forms changing between passes`, () => {
        const fast = run(mode, 'pentium4', set, true);
        expect(fast.result).toEqual(run(mode, 'pentium4', set, false).result);
        expect(fast.result.ops).toBe(3 * (30 * 4 + 2));
        // Iterations went at once: all but the first of each pass, and of the first pass after a form changes, unless a
        // PTE write's form is not static (an unsynced shadow's hidden fault changes its state: op by op).
        expect(fast.iterations).toBeGreaterThan('tracePolicy' in set ? 20 : 60);
      });
    }
  }
});

describe('iteration plans', () => {
  it('a body holding an empty loop of 3·10^9 iterations is planned at once, not walked copy by copy', () => {
    // Walked copy by copy, planning alone took seconds (billions of empty steps); planned at once it takes none.
    const body: OpNode[] = [leaf({ kind: 'syscall', site: 1 }, 1, 0), { body: [], count: 3e9 }, leaf({ kind: 'callret' }, 1, 2)];
    const started = performance.now();
    for (const fast of [true, false]) {
      const sim = new Simulation(1);
      const ledger = new Ledger();
      const taped = new TapedActor(MODES.native.create(cpuModel('pentium4'), vmmParams('native', {}), { rng: sim.rng, ledger }));
      const runner = new StreamRunner(sim, new OpCursor([{ body, count: 50 }], 1), taped, ledger, () => {}, fast);
      runner.start();
      sim.run();
      expect(runner.ops).toBe(100);
      if (fast) expect(taped.iterationsSoFar).toBeGreaterThan(40);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('runs of loop iterations in a guest system', () => {
  it('a long loop cut by 60 Hz ticks (fractional times) and crossing binades with fractional cycles: byte-identical JSON in bulk and op by op, every mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-iterations-'));
    try {
      const path = join(dir, 'loop.yaml');
      writeFileSync(path, stringify({
        name: 'loop', seed: 1, cpu: 'pentium4', guest: 'windows', vmms: [...MODE_IDS],
        workloads: [{
          name: 'w',
          processes: [{
            name: 'p', asid: 1, repeat: 2,
            ops: [{ loop: [{ op: 'syscall' }, { op: 'compute', cycles: 1234.567891, mode: 'kernel' }, { op: 'pteWrite', count: 2 }, { op: 'callret', count: 3 }], count: 150_000 }],
          }],
        }],
      }));
      const loaded = loadScenario(path);
      expect(toJson(runScenario(loaded, { components: true }))).toBe(toJson(runScenario(loaded, { components: true, bulk: false, tapes: false })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
