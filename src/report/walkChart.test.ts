import { describe, expect, it } from 'vitest';
import type { SummaryRow } from './summary.js';
import { walkChartSpec } from './walkChart.js';

const row = (vmm: string, ws: number, design: string, mean: number, metric = 'walkCyclesPerMiss'): SummaryRow =>
  ({
    point: 0, params: { 'workloads.0.ops.0.workingSetBytes': ws, 'cpu.mmu.pwc.design': design, vmm }, scenario: 's', workload: 'w',
    vmm, cpu: 'pentium4', category: 'total', metric, n: 1, mean, sd: null, ci95Low: null, ci95High: null,
  }) as unknown as SummaryRow;
const modes = { domain: ['native', 'nested'], range: ['#000', '#111'] };

describe('walkChartSpec', () => {
  it('is null when no record walked', () => {
    expect(walkChartSpec([row('native', 2 ** 24, 'none', 5, 'cyclesPerIteration')], modes, {})).toBeNull();
  });

  it('puts the swept byte count on the x axis in MiB and makes one panel per other swept value', () => {
    const spec = walkChartSpec([
      row('native', 2 ** 24, 'none', 40), row('nested', 2 ** 24, 'none', 260),
      row('native', 2 ** 26, '2D_PWC', 30), row('nested', 2 ** 26, '2D_PWC', 120),
    ], modes, {}) as unknown as { data: { values: Array<{ x: number; panel: string }> }; spec: { encoding: { x: { title: string } } } };
    expect(spec.data.values.map((v) => v.x)).toEqual([16, 16, 64, 64]);
    expect(new Set(spec.data.values.map((v) => v.panel))).toEqual(new Set(['w; design=none', 'w; design=2D_PWC']));
    expect(spec.spec.encoding.x.title).toBe('workingSet (MiB)');
  });
});
