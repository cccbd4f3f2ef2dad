// `vmmsim validate`: every published number the project carries beside the
// model's, with the error of each cell and whether a parameter was fitted to
// it (so a reader can tell a check from a tautology).
import type { Reference } from '../config/reference.js';
import type { ResultRecord } from '../run/record.js';
import { overheadSeconds } from './figure5.js';
import { columns } from './table.js';

/** One compared number. */
export interface ValidationCell {
  experiment: string;
  item: string;
  mode: string;
  published: number;
  model: number;
  /** Percent; null where the published value is 0. */
  errorPercent: number | null;
  use: 'input' | 'fitted' | 'predicted';
  /** Percent bound the cell is judged by; null: shown, not judged. */
  tolerance: number | null;
  unit: string;
}

/** What validate ran: records of each experiment, and the walk ratios. */
export interface ValidationInputs {
  nanobench: readonly ResultRecord[];
  forkwait: readonly ResultRecord[];
  xpBoot: readonly ResultRecord[];
  /** CPU model name → its vmx section (Table 1's numbers). */
  cpus: Readonly<Record<string, Readonly<Record<string, number>>>>;
  walkRatios: readonly number[];
}

const err = (model: number, published: number) => (published === 0 ? null : ((model - published) / Math.abs(published)) * 100);

/** Figure 5's bars as vmmsim categories (hidden faults are page faults the guest never sees). */
const FIGURE5_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  syscall: ['syscall'], 'in/out': ['io'], cr8wr: ['cr8'], callret: ['callret'], pgfault: ['pgfault', 'hiddenpf'],
  ptemod: ['ptemod'], translate: ['translate'],
};

/** The bars a reference's figure5 may hold: each category group, and their total. */
export const FIGURE5_BARS: readonly string[] = [...Object.keys(FIGURE5_CATEGORIES), 'total'];

/** Compare everything in `ref` with the model's results. */
export function validationCells(ref: Reference, x: ValidationInputs, toleranceOverride?: number): ValidationCell[] {
  const out: ValidationCell[] = [];
  const tol = (t: number | null) => (t === null ? null : toleranceOverride ?? t);
  const f4 = ref.figure4;
  for (const [bench, modes] of Object.entries(f4.cells)) {
    for (const [mode, [published, use]] of Object.entries(modes)) {
      const r = x.nanobench.find((q) => q.workload === bench && q.vmm === mode && q.cpu === f4.cpu);
      if (!r) continue;
      const model = r.metrics.cyclesPerIteration;
      out.push({ experiment: 'Figure 4', item: bench, mode, published, model, errorPercent: err(model, published), use, tolerance: use === 'input' ? null : tol(f4.tolerance), unit: 'cycles' });
    }
  }
  for (const [cpu, fields] of Object.entries(ref.table1.cells)) {
    for (const [field, published] of Object.entries(fields)) {
      const model = x.cpus[cpu]?.[field];
      if (model === undefined) continue;
      out.push({ experiment: 'Table 1', item: `${cpu} ${field}`, mode: '', published, model, errorPercent: err(model, published), use: 'input', tolerance: null, unit: 'cycles' });
    }
  }
  if (x.walkRatios.length > 0) {
    const w = ref.walkRatio;
    const lo = Math.min(...x.walkRatios);
    const hi = Math.max(...x.walkRatios);
    out.push({ experiment: '2D walk', item: 'lowest suite ratio', mode: 'nested', published: w.low, model: lo, errorPercent: err(lo, w.low), use: w.use, tolerance: null, unit: '×' });
    out.push({ experiment: '2D walk', item: 'highest suite ratio', mode: 'nested', published: w.high, model: hi, errorPercent: err(hi, w.high), use: w.use, tolerance: null, unit: '×' });
  }
  const fw = ref.forkwait;
  for (const [mode, [published, use]] of Object.entries(fw.cells)) {
    const r = x.forkwait.find((q) => q.vmm === mode && q.cpu === fw.cpu);
    if (!r) continue;
    out.push({ experiment: 'forkwait', item: 'seconds', mode, published, model: r.seconds, errorPercent: err(r.seconds, published), use, tolerance: use === 'input' ? null : tol(fw.tolerance), unit: 's' });
  }
  const f5 = ref.figure5;
  for (const [barName, modes] of Object.entries(f5.bars)) {
    for (const [mode, [published, use, t]] of Object.entries(modes)) {
      const r = x.xpBoot.find((q) => q.vmm === mode && q.cpu === f5.cpu);
      if (!r) continue;
      const model = barName === 'total'
        ? Object.values(FIGURE5_CATEGORIES).flat().reduce((s, c) => s + overheadSeconds(r, c), 0)
        : (FIGURE5_CATEGORIES[barName] ?? []).reduce((s, c) => s + overheadSeconds(r, c), 0);
      out.push({ experiment: 'Figure 5', item: barName, mode, published, model, errorPercent: err(model, published), use, tolerance: tol(t), unit: 's overhead' });
    }
  }
  return out;
}

/** A model number with no published one to compare: a mode the paper did not measure. */
export interface PredictionRow {
  experiment: string;
  item: string;
  mode: string;
  model: number;
  unit: string;
}

/**
 * The predictions validate shows beside the cells: each Figure 4
 * nanobenchmark and forkwait under the modes the reference has no number
 * for (nested paging on the Pentium 4, the interpreter, trap-and-emulate).
 */
export function predictionRows(ref: Reference, x: ValidationInputs): PredictionRow[] {
  const out: PredictionRow[] = [];
  for (const r of x.nanobench) {
    if (r.cpu !== ref.figure4.cpu || !ref.figure4.cells[r.workload] || ref.figure4.cells[r.workload][r.vmm]) continue;
    out.push({ experiment: 'Figure 4', item: r.workload, mode: r.vmm, model: r.metrics.cyclesPerIteration, unit: 'cycles' });
  }
  for (const r of x.forkwait) {
    if (r.cpu !== ref.forkwait.cpu || ref.forkwait.cells[r.vmm]) continue;
    out.push({ experiment: 'forkwait', item: 'seconds', mode: r.vmm, model: r.seconds, unit: 's' });
  }
  return out;
}

/** Cells outside their tolerance. */
export function failures(cells: readonly ValidationCell[]): ValidationCell[] {
  return cells.filter((c) => c.tolerance !== null && (c.errorPercent === null || Math.abs(c.errorPercent) > c.tolerance));
}

const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(3)).toString());
const pct = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}%`);
const verdict = (c: ValidationCell) => (c.tolerance === null ? 'shown' : failures([c]).length ? `FAIL (±${c.tolerance}%)` : `ok (±${c.tolerance}%)`);

function rows(cells: readonly ValidationCell[]): string[][] {
  return cells.map((c) => [c.experiment, c.item, c.mode, `${num(c.published)} ${c.unit}`, num(c.model), pct(c.errorPercent), c.use, verdict(c)]);
}
const HEAD = ['experiment', 'item', 'mode', 'published', 'model', 'error', 'use', 'judged'];

function summary(cells: readonly ValidationCell[]): string {
  const judged = cells.filter((c) => c.tolerance !== null);
  const bad = failures(cells);
  const by = (u: string) => judged.filter((c) => c.use === u).length;
  return `${judged.length - bad.length} of ${judged.length} judged cells within tolerance (${by('fitted')} fitted, ${by('predicted')} predicted); ${bad.length} outside.`;
}

const PRED_HEAD = ['experiment', 'item', 'mode', 'model (no published number)'];
const predRows = (p: readonly PredictionRow[]) => p.map((r) => [r.experiment, r.item, r.mode, `${num(r.model)} ${r.unit}`]);

/** The plain-text table, then the predictions with no published number. */
export function validationText(cells: readonly ValidationCell[], predictions: readonly PredictionRow[] = []): string {
  const pred = predictions.length ? `\nPredictions with no published number to compare:\n${columns([PRED_HEAD, ...predRows(predictions)])}\n` : '';
  return `${columns([HEAD, ...rows(cells)])}\n${summary(cells)}\n${pred}`;
}

/** The Markdown page written to results/validation.md. */
export function validationMarkdown(cells: readonly ValidationCell[], ref: Reference, predictions: readonly PredictionRow[] = []): string {
  const pmd = [PRED_HEAD, ...predRows(predictions)].map((r) => `| ${r.join(' | ')} |`);
  pmd.splice(1, 0, '| --- | --- | --- | ---: |');
  const md = [HEAD, ...rows(cells)].map((r) => `| ${r.join(' | ')} |`);
  md.splice(1, 0, `| ${HEAD.map((_, i) => ([3, 4, 5].includes(i) ? '---:' : '---')).join(' | ')} |`);
  const sources = [ref.figure4.source, ref.table1.source, ref.walkRatio.source, ref.forkwait.source, ref.figure5.source].map((s) => `- ${s}`);
  return [
    '# Validation: the model beside every published number it carries',
    '',
    'Generated by `vmmsim validate`. `use`: *input* — the number is a model parameter as published; *fitted* — a parameter',
    'was solved from it (`[Fig4 fit]`, `[macro fit]` in models/); *predicted* — nothing was fitted to it. Cells without a',
    'tolerance are shown, not judged (published values too small to read from the graph to better than their own size).',
    '',
    ...md,
    '',
    summary(cells),
    '',
    ...(predictions.length ? ['Predictions with no published number to compare (modes the paper did not measure):', '', ...pmd, ''] : []),
    'Sources (models/reference/published.yaml):',
    ...sources,
    '',
  ].join('\n');
}
