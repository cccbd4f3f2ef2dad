// The paper's Figure 4 (published nanobenchmark cycles on the Pentium 4) and
// the model-versus-published comparison `vmmsim reproduce nanobench` prints.
// Only the report layer reads these numbers; the model never does.
import { stringify } from 'csv-stringify/sync';
import type { ResultRecord } from '../run/record.js';
import { columns } from './table.js';

/** Modes Figure 4 measured; `nested`, `interpreter` and `trap-and-emulate` are the model's predictions only. */
export const FIGURE4_MODES = ['native', 'software', 'hardware'] as const;

/**
 * Figure 4 of Adams & Agesen (ASPLOS 2006), cycles per operation on the
 * 3.8 GHz Pentium 4 (≈ values are read from the graph, ±1%; models/reference/published.yaml).
 */
export const FIGURE4: Readonly<Record<string, Readonly<Record<(typeof FIGURE4_MODES)[number], number>>>> = {
  syscall: { native: 243, software: 2314, hardware: 247 },
  in: { native: 3209, software: 214, hardware: 15826 },
  cr8wr: { native: 150, software: 35, hardware: 177 },
  callret: { native: 11, software: 51, hardware: 11 },
  pgfault: { native: 1093, software: 3927, hardware: 11242 },
  divzero: { native: 889, software: 3223, hardware: 1014 },
  ptemod: { native: 1, software: 391, hardware: 12733 },
};

/** The CPU Figure 4 was measured on. */
export const FIGURE4_CPU = 'pentium4';

/** One cell of the comparison. */
export interface Figure4Cell {
  benchmark: string;
  mode: string;
  model: number;
  /** Published cycles, null where the paper has none (a mode it did not measure, or another CPU). */
  published: number | null;
  /** (model − published) / published × 100, null without a published value. */
  errorPercent: number | null;
}

/** Compare nanobenchmark records with Figure 4, in scenario order (benchmark, then mode). */
export function figure4Cells(records: readonly ResultRecord[]): Figure4Cell[] {
  return records.filter((r) => r.error === undefined).map((r) => {
    const row = FIGURE4[r.workload] as Record<string, number> | undefined;
    const published = r.cpu === FIGURE4_CPU && row && r.vmm in row ? row[r.vmm] : null;
    const model = r.metrics.cyclesPerIteration;
    return { benchmark: r.workload, mode: r.vmm, model, published, errorPercent: published === null ? null : ((model - published) / published) * 100 };
  });
}

const num = (x: number) => (Math.abs(x) < 100 && x !== Math.round(x) ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const pct = (x: number | null) => (x === null ? '' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}%`);

/** Rows: one per benchmark × mode, the benchmark named on its first row only. */
function grid(cells: readonly Figure4Cell[]): string[][] {
  const head = ['nanobenchmark', 'mode', 'model', 'published', 'error'];
  return [head, ...cells.map((c, i) => [
    i > 0 && cells[i - 1].benchmark === c.benchmark ? '' : c.benchmark,
    c.mode,
    num(c.model),
    c.published === null ? '—' : num(c.published),
    pct(c.errorPercent),
  ])];
}

/** Summary line: how many published cells, the largest error. */
export function figure4Summary(cells: readonly Figure4Cell[]): string {
  const withPub = cells.filter((c) => c.errorPercent !== null);
  if (withPub.length === 0) return `No published values for this CPU (Figure 4 was measured on the ${FIGURE4_CPU}): model only.`;
  const worst = withPub.reduce((a, b) => (Math.abs(b.errorPercent!) > Math.abs(a.errorPercent!) ? b : a));
  const within = withPub.filter((c) => Math.abs(c.errorPercent!) <= 5).length;
  return `${within} of ${withPub.length} published cells within 5%; largest error ${pct(worst.errorPercent)} (${worst.benchmark}, ${worst.mode}).`;
}

/** Why some modes have no published column: the paper did not measure them. */
function predictedNote(cells: readonly Figure4Cell[], quote = ''): string {
  const measured: readonly string[] = FIGURE4_MODES;
  const predicted = [...new Set(cells.map((c) => c.mode))].filter((m) => !measured.includes(m)).map((m) => `${quote}${m}${quote}`);
  if (predicted.length === 0) return '';
  const list = predicted.length === 1 ? predicted[0] : `${predicted.slice(0, -1).join(', ')} and ${predicted[predicted.length - 1]}`;
  return predicted.length === 1
    ? `${list} has no published column: it is the model's prediction.`
    : `${list} have no published column: they are the model's predictions.`;
}

/** The comparison as aligned terminal text. */
export function figure4Text(cells: readonly Figure4Cell[], cpu: string): string {
  return `Figure 4 nanobenchmarks, cycles per operation on ${cpu}: model vs published (Adams & Agesen, ASPLOS 2006)\n\n` +
    `${columns(grid(cells))}\n\n${figure4Summary(cells)}\n${predictedNote(cells)}\n`;
}

/** The comparison as a Markdown table. */
export function figure4Markdown(cells: readonly Figure4Cell[], cpu: string): string {
  const [head, ...rows] = grid(cells);
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  // Markdown cannot leave a cell to mean "same as above", so repeat the benchmark name.
  const filled = rows.map((r, i) => (r[0] === '' ? [cells[i].benchmark, ...r.slice(1)] : r));
  return `# Figure 4 nanobenchmarks on ${cpu}: model vs published\n\n` +
    'Generated by `vmmsim reproduce nanobench`; cycles per operation. Published values: Adams & Agesen, ASPLOS 2006, ' +
    `Figure 4 (≈ values read from the graph). ${predictedNote(cells, '`')}\n\n` +
    `${line(head)}\n${line(head.map((_, i) => (i < 2 ? '---' : '---:')))}\n${filled.map(line).join('\n')}\n\n${figure4Summary(cells)}\n`;
}

/** The comparison as long-form CSV: one row per benchmark × mode. */
export function figure4Csv(cells: readonly Figure4Cell[], cpu: string): string {
  return stringify([
    ['benchmark', 'mode', 'cpu', 'modelCycles', 'publishedCycles', 'errorPercent'],
    ...cells.map((c) => [c.benchmark, c.mode, cpu, c.model, c.published ?? '', c.errorPercent === null ? '' : Number(c.errorPercent.toFixed(4))]),
  ]);
}
