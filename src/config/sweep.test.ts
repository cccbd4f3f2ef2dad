// Sweep expansion and replicate seeds: the order of points, their tags and
// overrides, the limits, and common random numbers.
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../engine/rng.js';
import { InputError } from './errors.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countPoints, expandSweep, probePoints, replicateSeed, SweepSchema } from './sweep.js';
import { ScenarioSource } from './load.js';
import { SweepPlan } from './sweepPlan.js';

const at = (path: ReadonlyArray<string | number>) => ({ source: 'test.yaml', line: path.length, col: 1 });
const sweep = (s: unknown) => SweepSchema.parse(s);

describe('expandSweep', () => {
  it('without a sweep there is one point with no overrides', () => {
    expect(expandSweep(undefined, at)).toEqual([{ index: 0, params: {}, overrides: [] }]);
  });

  it('a grid is the cartesian product with the last key varying fastest', () => {
    const points = expandSweep(sweep({ grid: { a: [1, 2], b: ['x', 'y', 'z'] } }), at);
    expect(points.map((p) => p.params)).toEqual([
      { a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 1, b: 'z' },
      { a: 2, b: 'x' }, { a: 2, b: 'y' }, { a: 2, b: 'z' },
    ]);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('zip pairs the i-th values of its lists', () => {
    const points = expandSweep(sweep({ zip: { a: [1, 2, 3], b: [10, 20, 30] } }), at);
    expect(points.map((p) => p.params)).toEqual([{ a: 1, b: 10 }, { a: 2, b: 20 }, { a: 3, b: 30 }]);
  });

  it('grid × zip crosses every grid combination with every zip pair, zip fastest', () => {
    const s = sweep({ grid: { g: ['p', 'q'] }, zip: { a: [1, 2], b: [3, 4] } });
    expect(countPoints(s)).toBe(4);
    expect(expandSweep(s, at).map((p) => p.params)).toEqual([
      { g: 'p', a: 1, b: 3 }, { g: 'p', a: 2, b: 4 }, { g: 'q', a: 1, b: 3 }, { g: 'q', a: 2, b: 4 },
    ]);
  });

  it('each override is located at the sweep entry that supplies its value', () => {
    const [, second] = expandSweep(sweep({ grid: { 'cpu.vmx.vmExitCycles': [1000, 2000] } }), (p) => ({ source: p.join('/') }));
    expect(second.overrides).toEqual([{ key: 'cpu.vmx.vmExitCycles', value: 2000, origin: { source: 'sweep/grid/cpu.vmx.vmExitCycles/1' } }]);
  });

  it('the vmm key runs one mode per point: it overrides vmms with a one-element list', () => {
    const points = expandSweep(sweep({ grid: { vmm: ['native', 'hardware'] } }), at);
    expect(points.map((p) => p.params)).toEqual([{ vmm: 'native' }, { vmm: 'hardware' }]);
    expect(points[1].overrides[0]).toMatchObject({ key: 'vmms', value: ['hardware'] });
  });

  it('a value that is not a scalar is tagged with its compact JSON', () => {
    const [p] = expandSweep(sweep({ grid: { vmms: [['native', 'hardware']] } }), at);
    expect(p.params).toEqual({ vmms: '["native","hardware"]' });
    expect(p.overrides[0].value).toEqual(['native', 'hardware']);
  });

  it('zip lists of unequal length are a located error naming both lengths', () => {
    expect(() => expandSweep(sweep({ zip: { a: [1, 2], b: [1] } }), at)).toThrow(/zip lists must have equal lengths: b has 1 values, a has 2/);
  });

  it('a key swept in both grid and zip is an error', () => {
    expect(() => expandSweep(sweep({ grid: { a: [1] }, zip: { a: [2] } }), at)).toThrow(InputError);
  });

  it('two keys of which one lies inside the other are a located error naming both, in grid, zip or across', () => {
    const locate = (p: ReadonlyArray<string | number>) => ({ source: 'test.yaml', line: p[1] === 'grid' ? 10 : 20, col: String(p[2]).length });
    expect(() => expandSweep(sweep({ grid: { 'workloads.0': [{}], 'workloads.0.repeat': [1, 2] } }), locate)).toThrow(
      'test.yaml:10:18: sweep.grid.workloads.0.repeat: overlaps sweep.grid.workloads.0 (test.yaml:10:11): workloads.0.repeat lies inside workloads.0, so which value');
    // located at the key written second, whichever is the outer one
    expect(() => expandSweep(sweep({ grid: { 'cpu.vmx.vmExitCycles': [1] }, zip: { 'cpu.vmx': [{}] } }), locate)).toThrow(
      'test.yaml:20:7: sweep.zip.cpu.vmx: overlaps sweep.grid.cpu.vmx.vmExitCycles (test.yaml:10:20): cpu.vmx.vmExitCycles lies inside cpu.vmx');
    expect(() => expandSweep(sweep({ zip: { 'workloads.0.ops': [[]], 'workloads.0.ops.1.cycles': [1] } }), locate)).toThrow(/overlaps sweep\.zip\.workloads\.0\.ops /);
  });

  it('two spellings of one parameter are an error: a list index with leading zeros, vmm and vmms', () => {
    expect(() => expandSweep(sweep({ grid: { 'workloads.0.repeat': [1] }, zip: { 'workloads.00.repeat': [2] } }), at)).toThrow(
      /sweep\.zip\.workloads\.00\.repeat: sets the same parameter as sweep\.grid\.workloads\.0\.repeat/);
    expect(() => expandSweep(sweep({ grid: { vmm: ['native'], vmms: [['native']] } }), at)).toThrow(/sweep\.grid\.vmms: sets the same parameter as sweep\.grid\.vmm /);
  });

  it('a model picked by name and keys inside that model do not overlap: cpu, guest and vmm', () => {
    const s = sweep({ grid: { cpu: ['pentium4', 'core2'], 'cpu.vmx.vmExitCycles': [1, 2], guest: ['g'], 'guest.x': [1], vmm: ['native'], 'vmm.software.trapCycles': [1] } });
    expect(expandSweep(s, at)).toHaveLength(4);
    expect(expandSweep(sweep({ grid: { 'workloads.1': [{}], 'workloads.10.repeat': [1] } }), at)).toHaveLength(1);
  });

  it('the point cap allows exactly the limit and refuses one more', () => {
    const s = sweep({ grid: { a: [1, 2, 3], b: [1, 2] } });
    expect(expandSweep(s, at, 6)).toHaveLength(6);
    expect(() => expandSweep(s, at, 5)).toThrow(/expands to 6 points; the limit is 5/);
  });

  it('sweep, set and replicates cannot be swept', () => {
    expect(SweepSchema.safeParse({ grid: { replicates: [1, 2] } }).success).toBe(false);
    expect(SweepSchema.safeParse({ grid: { 'set.cpu': [1] } }).success).toBe(false);
    expect(SweepSchema.safeParse({ grid: { seed: [1, 2] } }).success).toBe(true);
  });
});

describe('replicateSeed', () => {
  it('replicate 0 runs the scenario seed itself, so run and a one-replicate sweep agree', () => {
    expect(replicateSeed(7, 0)).toBe(7);
  });

  it('later replicates use seeds derived from the scenario seed, all distinct', () => {
    const seeds = [0, 1, 2, 3, 4].map((r) => replicateSeed(7, r));
    expect(seeds.slice(1)).toEqual([1, 2, 3, 4].map((r) => deriveSeed(7, r)));
    expect(new Set(seeds).size).toBe(5);
  });
});

describe('SweepPlan points of one source', () => {
  it('each point sees its own model overrides, and one point\'s overrides never reach the shared model file data', async () => {
    const { SweepPlan } = await import('./sweepPlan.js');
    const { loadScenario } = await import('./load.js');
    const plan = SweepPlan.read('test/bench/sweep.yaml', { set: ['workloads.0.processes.0.repeat=10'] });
    const exits = plan.points.map((_, p) => plan.load(p).cpu.vmx.vmExitCycles);
    expect(exits).toEqual([500, 750, 1000, 1250, 1500, 1750, 2000, 2250]);
    // The base, loaded after every point from the same source, has the model file's own value.
    expect(plan.source.load({ set: ['workloads.0.processes.0.repeat=10'] }).cpu.vmx.vmExitCycles).toBe(loadScenario('test/bench/sweep.yaml').cpu.vmx.vmExitCycles);
  });

  it('a --set of a mode\'s parameter is allowed while the mode is swept (vmm is vmms, not the vmm.MODE models)', async () => {
    const { SweepPlan } = await import('./sweepPlan.js');
    const plan = SweepPlan.read('test/corpus/swept-mode.yaml', { set: ['vmm.software.trapCycles=5'] });
    expect(plan.points.map((_, p) => plan.load(p).scenario.vmms)).toEqual([['native'], ['native'], ['software'], ['software']]);
    expect(() => SweepPlan.read('test/corpus/swept-mode.yaml', { set: ['vmms=[software]'] })).toThrow(/vmm is swept by the scenario/);
  });
});

describe('probePoints: one point per swept value, checked before the rest', () => {
  it('are exactly the points that differ from the first in one key at most (zip lists as one), ascending', () => {
    for (const s of [
      { grid: { a: [1, 2, 3], b: ['x', 'y'], c: [true, false] } },
      { grid: { a: [1, 2] }, zip: { p: [1, 2, 3], q: [4, 5, 6] } },
      { zip: { p: [1, 2] } },
      { grid: { a: [7] } },
    ]) {
      const points = expandSweep(sweep(s), at);
      const keys = (p: (typeof points)[number]) => Object.keys(p.params).filter((k) => !(k in (s.zip ?? {})));
      const differs = (p: (typeof points)[number]) => {
        const changed = keys(p).filter((k) => p.params[k] !== points[0].params[k]).length;
        const zipChanged = Object.keys(s.zip ?? {}).some((k) => p.params[k] !== points[0].params[k]) ? 1 : 0;
        return changed + zipChanged;
      };
      expect(probePoints(sweep(s))).toEqual(points.filter((p) => differs(p) <= 1).map((p) => p.index));
    }
    expect(probePoints(undefined)).toEqual([0]);
  });

  it('a value refused in every combination is found after the sum of the list lengths, naming the point the full pass names first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-probe-'));
    try {
      const file = join(dir, 's.yaml');
      const list = (n: number, f: (i: number) => number) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
      writeFileSync(file, `name: s\nvmms: [native]\nworkloads:\n  - name: a\n    ops: [syscall]\nsweep:\n  grid:\n` +
        `    workloads.0.repeat: ${list(40, (i) => (i === 39 ? 1e12 : i + 1))}\n    cpu.native.syscallCycles: ${list(40, (i) => 100 + i)}\n`);
      const source = ScenarioSource.read(file);
      let loads = 0;
      const load = source.load.bind(source);
      source.load = (o) => (loads++, load(o));
      const plan = SweepPlan.create(source);
      loads = 0;
      expect(() => plan.validateAll()).toThrow(/— in sweep point 1560 \(workloads\.0\.repeat=1000000000000, cpu\.native\.syscallCycles=100\)$/);
      expect(loads).toBeLessThanOrEqual(80); // the full pass would load 1,561 points first
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
