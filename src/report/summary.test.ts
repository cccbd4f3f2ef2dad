// Summary over replicates: mean, sample standard deviation and a Student-t
// 95% confidence interval, probed on numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../run/record.js';
import { summarize, summaryCsv } from './summary.js';
import { tQuantile975 } from './tQuantile.js';

const record = (replicate: number, cycles: number, extra: Partial<ResultRecord> = {}): ResultRecord => ({
  scenario: 's', point: 0, params: { 'cpu.vmx.vmExitCycles': 1000 }, replicate, workload: 'w', vmm: 'native', cpu: 'pentium4',
  seed: replicate, seconds: cycles / 1e9, cycles, breakdown: {}, metrics: {}, ...extra,
});

describe('summarize', () => {
  it('gives the mean, sample sd and a t-based 95% interval over replicates', () => {
    const rows = summarize([record(0, 10), record(1, 12), record(2, 14)]);
    const cycles = rows.find((r) => r.category === 'total' && r.metric === 'cycles')!;
    expect(cycles.n).toBe(3);
    expect(cycles.mean).toBe(12);
    expect(cycles.sd).toBeCloseTo(2, 12);
    // half width = t(0.975, 2) · 2 / √3 = 4.302652730 · 1.154700538 = 4.968275
    expect(cycles.ci95High! - cycles.mean).toBeCloseTo(4.968275, 5);
    expect(cycles.mean - cycles.ci95Low!).toBeCloseTo(4.968275, 5);
  });

  it('one replicate has no sd and no interval', () => {
    const [row] = summarize([record(0, 10)]);
    expect(row).toMatchObject({ n: 1, mean: 10 / 1e9, sd: null, ci95Low: null, ci95High: null });
  });

  it('failed replicates are left out of the statistics', () => {
    const rows = summarize([record(0, 10), record(1, 0, { error: 'boom' }), record(2, 20)]);
    expect(rows.find((r) => r.metric === 'cycles')).toMatchObject({ n: 2, mean: 15 });
  });

  it('the CSV puts swept parameters after point and the statistics last', () => {
    const [header] = summaryCsv(summarize([record(0, 10), record(1, 12)])).split('\n');
    expect(header).toBe('point,cpu.vmx.vmExitCycles,scenario,workload,vmm,cpu,category,metric,n,mean,sd,ci95Low,ci95High');
  });
});

describe('tQuantile975', () => {
  it('matches the t table to 3e-4 (df 1, 2, 5, 10, 30, 120)', () => {
    const table: Array<[number, number]> = [[1, 12.7062], [2, 4.3027], [5, 2.5706], [10, 2.2281], [30, 2.0423], [120, 1.9799]];
    for (const [df, t] of table) expect(Math.abs(tQuantile975(df) - t)).toBeLessThan(3e-4);
  });

  it('approaches the normal quantile 1.96 as df grows', () => {
    expect(tQuantile975(1e6)).toBeCloseTo(1.95996, 4);
  });
});
