import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../run/record.js';
import { buildCharts, fileStem, MAX_STEM } from './charts.js';

/** A record with the given total cycles, split into categories (cycles; overhead against `native`). */
function record(point: number, params: ResultRecord['params'], vmm: string, cats: Record<string, number>, native: Record<string, number> = cats): ResultRecord {
  const cycles = Object.values(cats).reduce((a, b) => a + b, 0);
  const breakdown: ResultRecord['breakdown'] = {};
  for (const [c, v] of Object.entries(cats)) (breakdown as Record<string, unknown>)[c] = { count: 1, cycles: v, overheadCycles: v - (native[c] ?? 0) };
  return {
    scenario: 's', point, params, replicate: 0, workload: 'w', vmm, cpu: 'pentium4', seed: 1, seconds: cycles / 1e9, cycles, breakdown,
    metrics: { iterations: 10, cyclesPerIteration: cycles / 10, operations: 10, percentOfNative: 100 },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const chart = (records: ResultRecord[], name: string): Json => {
  const c = buildCharts(records).find((x) => x.name === name);
  if (!c) throw new Error(`no chart ${name} among ${buildCharts(records).map((x) => x.name).join(', ')}`);
  return c.spec;
};
const line = (spec: Json) => (spec.spec ?? spec).layer[0].encoding;

describe('charts', () => {
  it('runs that took no cycle draw no cycles chart (its scale ran from NaN to NaN), and no spec holds NaN', () => {
    const zero = [record(0, {}, 'native', { compute: 0 })];
    const specs = buildCharts(zero);
    expect(specs.map((c) => c.name)).not.toContain('cycles');
    for (const c of specs) expect(JSON.stringify(c.spec)).not.toMatch(/NaN|Infinity|null,null/);
    expect(buildCharts([record(0, {}, 'native', { compute: 5 })]).map((c) => c.name)).toContain('cycles');
  });

  // A grid over size (bytes) × zipped (a, b), native and hardware.
  const grid: ResultRecord[] = [];
  let point = 0;
  for (const size of [4096, 2 ** 21, 2 ** 30]) {
    for (const [a, b] of [[1, 10], [2, 20], [3, 30]]) {
      const params = { 'w.sizeBytes': size, 'cpu.x.a': a, 'cpu.x.b': b };
      const native = { compute: 1000 * a, io: size / 1024 };
      grid.push(record(point, params, 'native', native), record(point, params, 'hardware', { compute: 1000 * a, io: size / 512, ptemod: 50 * b }, native));
      point++;
    }
  }

  it('zipped keys share one x axis: one chart whose x values join the zipped values, a line through every one of them', () => {
    const names = buildCharts(grid).map((c) => c.name);
    expect(names).toContain('lines-cpu.x.a+cpu.x.b');
    expect(names.some((n) => n === 'lines-cpu.x.a' || n === 'lines-cpu.x.b')).toBe(false);
    const spec = chart(grid, 'lines-cpu.x.a+cpu.x.b');
    expect(line(spec).x).toMatchObject({ type: 'ordinal', sort: ['1 / 10', '2 / 20', '3 / 30'], title: 'a / b (zipped)' });
    // Every line (series) crosses all three zipped values: connected, not dots.
    const bySeries = new Map<string, Set<unknown>>();
    for (const d of spec.data.values) bySeries.set(d.series, (bySeries.get(d.series) ?? new Set()).add(d.x));
    expect([...bySeries.values()].every((xs) => xs.size === 3)).toBe(true);
  });

  it('with two swept axes the legend names both: colour the other key, dash the mode', () => {
    const enc = line(chart(grid, 'lines-cpu.x.a+cpu.x.b'));
    expect(enc.color).toMatchObject({ field: 'colour', title: 'sizeBytes' });
    expect(enc.strokeDash).toMatchObject({ field: 'vmm', title: 'mode' });
    expect(enc.strokeDash.legend).not.toBeNull();
    expect(chart(grid, 'lines-cpu.x.a+cpu.x.b').title.subtitle).toMatch(/colour: sizeBytes; dash: mode/);
  });

  it('a byte-sized axis has a base-2 log scale with binary-unit labels, and legends show bytes in binary units', () => {
    const spec = chart(grid, 'lines-w.sizeBytes');
    expect(line(spec).x).toMatchObject({ type: 'quantitative', scale: { type: 'log', base: 2 } });
    expect(line(spec).x.axis.labelExpr).toContain('MiB');
    expect(line(chart(grid, 'lines-cpu.x.a+cpu.x.b')).color.sort).toEqual(['4 KiB', '2 MiB', '1 GiB']);
  });

  it('the Figure 5 chart shows overhead seconds by category, one bar per non-native mode, negative below zero', () => {
    const faster = [record(0, {}, 'native', { compute: 1000, io: 500 }), record(0, {}, 'software', { compute: 1000, io: 100, syscall: 300 }, { compute: 1000, io: 500 })];
    const spec = chart(faster, 'figure5');
    const values = spec.data.values as Array<{ category: string; vmm: string; overheadSeconds: number }>;
    expect(values.every((v) => v.vmm === 'software')).toBe(true);
    expect(values.find((v) => v.category === 'io')!.overheadSeconds).toBeCloseTo(-400e-9, 15);
    expect(values.find((v) => v.category === 'syscall')!.overheadSeconds).toBeCloseTo(300e-9, 15);
    // Categories without overhead are left out; the zero line is drawn.
    expect(values.some((v) => v.category === 'compute')).toBe(false);
    expect(spec.layer[1].encoding.y).toEqual({ datum: 0 });
    expect(spec.title.subtitle[1]).toMatch(/sum of the bars: software −1\.00e-7 s/);
  });

  it('where the time goes: one stacked bar per mode, native too, adding up to its seconds', () => {
    const spec = chart(grid.slice(0, 2), 'time-breakdown');
    const values = spec.data.values as Array<{ vmm: string; seconds: number }>;
    for (const r of grid.slice(0, 2)) expect(values.filter((v) => v.vmm === r.vmm).reduce((a, v) => a + v.seconds, 0)).toBeCloseTo(r.seconds, 15);
    expect(spec.layer[0].encoding.y.stack).toBe('zero');
    expect(spec.layer[0].encoding.x.sort).toEqual(['native', 'hardware']);
  });

  it('a grid wider than eight points wraps: one block per workload, six panels a row, every point shown', () => {
    const spec = chart(grid, 'overhead');
    expect(spec.vconcat).toHaveLength(1);
    expect(spec.vconcat[0].columns).toBe(6);
    expect(new Set(spec.data.values.map((v: { panel: string }) => v.panel)).size).toBe(9);
    expect(spec.title.subtitle[1]).not.toMatch(/first/);
    // Up to eight points stay one row per workload.
    expect(chart(grid.slice(0, 6), 'overhead').facet.column.field).toBe('panel');
  });

  it('cycles per iteration are on a log scale when they span a decade, and linear from zero within one', () => {
    const wide = [record(0, {}, 'native', { compute: 100 }), record(0, {}, 'hardware', { compute: 5000 })];
    const narrow = [record(0, {}, 'native', { compute: 1000 }), record(0, {}, 'hardware', { compute: 1150 })];
    expect(chart(wide, 'cycles').layer[0].encoding.y.scale.type).toBe('log');
    expect(chart(narrow, 'cycles').layer[0].encoding.y.scale).toEqual({ zero: true });
    expect(chart(narrow, 'cycles').layer[0].encoding.y.title).toBe('CPU cycles per iteration');
  });

  it('a log axis spans at most nine decades: a value far below the rest (5e-324 cycles) is drawn at the floor and the subtitle says so', () => {
    // Before: ticks at every power of ten from 1e-324 (which is 0, so the scale drew nothing) to 1e4.
    const tiny = [record(0, {}, 'native', { compute: 5e-323 }), record(0, {}, 'hardware', { compute: 50000 })]; // 5,000 cycles an iteration
    const y = chart(tiny, 'cycles').layer[0].encoding.y;
    expect(y.scale).toEqual({ type: 'log', domain: [1e-5, 1e4], clamp: true });
    expect(y.axis.values).toEqual([1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000, 1e4]);
    expect(chart(tiny, 'cycles').title.subtitle).toMatch(/values under 1e-5 drawn at 1e-5$/);
    // Within nine decades nothing is clipped and nothing is said.
    const wide = [record(0, {}, 'native', { compute: 100 }), record(0, {}, 'hardware', { compute: 5000 })];
    expect(chart(wide, 'cycles').layer[0].encoding.y.scale).toEqual({ type: 'log', domainMin: 1 }); // 10 and 500 an iteration
    expect(chart(wide, 'cycles').title.subtitle).not.toMatch(/drawn at/);
    // The lines over a swept parameter share the rule.
    const swept = [1, 2].flatMap((a, i) => [record(i, { 'cpu.x.a': a }, 'native', { compute: a === 1 ? 1e-300 : 1e6 })]);
    const spec = chart(swept, 'lines-cpu.x.a');
    expect(line(spec).y.scale).toEqual({ type: 'log', domain: [1e-4, 1e5], clamp: true }); // 1e5 an iteration at most
    expect(line(spec).y.axis.values).toHaveLength(10);
    expect(spec.title.subtitle).toMatch(/values under 1e-4 drawn at 1e-4$/);
  });

  it('a chart named after a swept key longer than a file name allows gets its start and a hash of the whole', () => {
    const key = `workloads.${'0'.repeat(260)}.repeat`;
    const stem = fileStem(key);
    expect(stem.length).toBe(MAX_STEM);
    expect(stem).toMatch(/^workloads\.0+~[0-9a-f]{8}$/);
    expect(fileStem(`workloads.${'0'.repeat(261)}.repeat`)).not.toBe(stem);
    expect(fileStem('vmm.software.shadowCache+vmm.hardware.shadowCache')).toBe('vmm.software.shadowCache+vmm.hardware.shadowCache');
    expect(fileStem('a b/c')).toBe('a_b_c');
  });
});
