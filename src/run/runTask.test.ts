// A failing sweep task must not take the sweep down: it returns records
// carrying the error, one per workload × mode, and the CSV shows them.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../config/load.js';
import { toCsv } from '../report/csv.js';
import { runTask } from './runTask.js';

describe('runTask', () => {
  const loaded = loadScenario('test/fixtures/sweep/small.yaml');
  const spec = { point: { index: 3, params: { 'cpu.native.syscallCycles': 200 }, overrides: [] }, replicate: 1, seed: 99 };

  it('returns the simulation records of a task, stamped with point, params, replicate and seed', () => {
    const records = runTask(loaded, spec);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ point: 3, params: { 'cpu.native.syscallCycles': 200 }, replicate: 1, seed: 99 });
    expect(records[0].error).toBeUndefined();
  });

  it('a simulation that throws becomes error records for every workload × mode', () => {
    const records = runTask(loaded, spec, () => {
      throw new Error('model exploded');
    });
    expect(records.map((r) => [r.workload, r.vmm, r.error])).toEqual([['syscall', 'native', 'model exploded'], ['mix', 'native', 'model exploded']]);
    expect(toCsv(records).split('\n')[1]).toBe('3,200,1,99,small,syscall,native,pentium4,total,error,model exploded');
  });
});
