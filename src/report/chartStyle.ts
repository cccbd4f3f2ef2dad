// What every vmmsim chart shares: the Vega-Lite config (fonts, sizes), the
// colours of the execution modes, axis number formats and panel labels.
import type { SummaryRow } from './summary.js';

/** Colours of the modes present, in display order: a Vega-Lite colour scale. */
export interface ModeScale {
  domain: string[];
  range: string[];
}

/** Display order and colours of the execution modes (others follow, in Vega's default palette). */
const MODE_COLOURS: ReadonlyArray<[string, string]> = [
  ['native', '#4c78a8'],
  ['software', '#f58518'],
  ['hardware', '#e45756'],
  ['nested', '#54a24b'],
  ['interpreter', '#b279a2'],
  ['trap-and-emulate', '#9d755d'],
];
const EXTRA_COLOURS = ['#72b7b2', '#eeca3b', '#ff9da6', '#bab0ac'];

/** Axis numbers: SI prefixes from a thousand up (2k, 10M), plain numbers below (0.1, 250). */
export const AXIS_NUMBERS = { labelExpr: "abs(datum.value) >= 1000 ? format(datum.value, '~s') : format(datum.value, '~g')" };

/** Axis labels of byte counts in binary units (4 KiB, 2 MiB, 1 GiB). */
export const AXIS_BYTES = {
  labelExpr: "datum.value >= 1073741824 ? format(datum.value / 1073741824, '~g') + ' GiB' : datum.value >= 1048576 ? format(datum.value / 1048576, '~g') + ' MiB' : " +
    "datum.value >= 1024 ? format(datum.value / 1024, '~g') + ' KiB' : format(datum.value, '~g') + ' B'",
};

/** The Vega-Lite config of every chart. */
export const CONFIG = {
  font: 'DejaVu Sans',
  background: 'white',
  padding: 12,
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 13 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 16, anchor: 'start' as const, offset: 12, subtitleFontSize: 12, subtitleColor: '#555' },
};

/** The Vega-Lite schema every spec names. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The colour scale of the modes among `vmms`: the four known modes in their colours first. */
export function modeScale(vmms: readonly string[]): ModeScale {
  const present = new Set(vmms);
  const domain = [...MODE_COLOURS.map(([m]) => m).filter((m) => present.has(m)), ...[...present].filter((m) => !MODE_COLOURS.some(([k]) => k === m))];
  const range = domain.map((m, i) => MODE_COLOURS.find(([k]) => k === m)?.[1] ?? EXTRA_COLOURS[i % EXTRA_COLOURS.length]);
  return { domain, range };
}

/** A byte count in binary units for labels: 16 MiB, 4 KiB, 1 GiB. */
export function bytesLabel(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (i < units.length - 1 && Math.abs(n) >= 1024) {
    n /= 1024;
    i++;
  }
  return `${Number(n.toPrecision(4))} ${units[i]}`;
}

/** The last segment of a dotted key (cpu.vmx.vmExitCycles → vmExitCycles). */
export function shortKey(key: string): string {
  return key.split('.').pop()!;
}

/**
 * A point's label: its CPU and the swept values that are not already the CPU
 * or mode, keys shortened to their last segment. Parts are separated by "; "
 * and shown one per line.
 */
export function panelOf(s: Pick<SummaryRow, 'cpu' | 'params'>): string {
  const rest = Object.entries(s.params).filter(([k]) => k !== 'cpu' && k !== 'vmm')
    .map(([k, v]) => `${shortKey(k)}=${typeof v === 'number' && /bytes$/i.test(k) ? bytesLabel(v) : v}`);
  return [s.cpu, ...rest].join('; ');
}
