// Renders walk-ratio rows (src/run/walkRatio.ts) as the plain-text table the
// `walk-ratio` command prints and saves.
import type { WalkRatioRow } from '../run/walkRatio.js';

/** What the table's header states about the run. */
export interface WalkRatioContext {
  scenario: string;
  cpu: string;
  pwcDesign: string;
  guestLevels: number;
  nestedLevels: number;
  hostPageSize: string;
  seed: number;
}

/** The walk-ratio table as text, with a summary line. */
export function walkRatioTable(rows: readonly WalkRatioRow[], ctx: WalkRatioContext): string {
  const head = ['workload', 'paper misses/100K instr', 'model misses/100K instr', 'native walk cycles', '2D walk cycles', '2D refs/walk', '2D / native'];
  const body = rows.map((r) => [
    r.workload,
    r.paperMissesPer100K === null ? '—' : r.paperMissesPer100K.toFixed(1),
    r.native.missesPer100KInstructions.toFixed(1),
    r.native.meanWalkCycles.toFixed(1),
    r.nested.meanWalkCycles.toFixed(1),
    (r.nested.walks > 0 ? r.nested.walkReferences / r.nested.walks : 0).toFixed(1),
    `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const ratios = rows.map((r) => r.ratio);
  const mean = ratios.reduce((s, x) => s + x, 0) / ratios.length;
  return [
    `Mean 2D page-walk latency as a multiple of a native walk — scenario ${ctx.scenario}, cpu ${ctx.cpu}, seed ${ctx.seed}`,
    `page-walk caching: ${ctx.pwcDesign}; ${ctx.guestLevels}-level guest over ${ctx.nestedLevels}-level nested table, ${ctx.hostPageSize} host pages; steady state (one warm-up pass)`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `model: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×, mean ${mean.toFixed(2)}× (the 2D-walk paper: 3.9–4.6× without page-walk caching)`,
    '',
  ].join('\n');
}
