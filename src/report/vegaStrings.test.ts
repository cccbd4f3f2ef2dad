import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { renderSvg } from './renderChart.js';
import { misreadByVega, vegaSafeStrings } from './vegaStrings.js';

/** Bars of workloads in a custom order: Vega-Lite makes the order an expression of the names as string literals. */
const bars = (names: string[]): TopLevelSpec => ({
  data: { values: names.map((w, i) => ({ w, v: i + 1 })) },
  mark: 'bar',
  encoding: { x: { field: 'w', type: 'nominal', sort: names, title: 'workload' }, y: { field: 'v', type: 'quantitative' } },
}) as TopLevelSpec;

describe('names Vega misreads', () => {
  it('Vega reads some string literals as names; asked of Vega itself, not a list', () => {
    for (const s of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', 'if']) expect(misreadByVega(s)).toBe(true);
    for (const s of ['native', 'forkwait', 'data', 'datum', 'PI', 'a; b', '']) expect(misreadByVega(s)).toBe(false);
  });

  it('a workload called toString, constructor or if is drawn (it made the chart fail to build)', async () => {
    const spec = bars(['toString', 'constructor', 'if', 'syscall']);
    // The input does trigger Vega's misreading: the spec as it is cannot be built.
    expect(() => new View(parse(compile(spec).spec), { renderer: 'none' })).toThrow(/Operator not defined|Unrecognized signal name/);
    const svg = await renderSvg(spec);
    for (const name of ['toString', 'constructor', 'if', 'syscall']) expect(svg).toContain(`>${name}\u200b<`.replace('syscall\u200b', 'syscall'));
  });

  it('only the misread strings change, everywhere they occur, so equal values stay equal; a spec without one is returned as it is', () => {
    const spec = bars(['toString', 'x']);
    const safe = vegaSafeStrings(spec) as unknown as { data: { values: Array<{ w: string }> }; encoding: { x: { sort: string[]; field: string } } };
    expect(safe.data.values.map((r) => r.w)).toEqual(['toString\u200b', 'x']);
    expect(safe.encoding.x.sort).toEqual(['toString\u200b', 'x']);
    expect(safe.encoding.x.field).toBe('w');
    const plain = bars(['a', 'b']);
    expect(vegaSafeStrings(plain)).toBe(plain);
  });
});
