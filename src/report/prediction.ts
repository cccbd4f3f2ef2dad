// Records of the paper scenarios → the prediction table: per scenario the
// native figure (seconds, requests/s or operations/s) and every mode's
// result as percent of native; then forkwait's seconds on each CPU.
import type { ResultRecord } from '../run/record.js';
import { columns } from './table.js';

const pct = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const num = (digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The headline number of a native record and its unit: throughput where the workload has one, else seconds. */
export function headline(r: ResultRecord): { value: number; unit: string } {
  if (r.metrics.requestsPerSecond !== undefined) return { value: r.metrics.requestsPerSecond, unit: 'req/s' };
  if (r.metrics.iterationsPerSecond !== undefined) return { value: r.metrics.iterationsPerSecond, unit: 'op/s' };
  return { value: r.seconds, unit: 's' };
}

/**
 * The prediction table. `main` holds the records of every paper scenario on
 * the main CPU; `forkwait` the forkwait records on every CPU (seconds).
 */
export function toPrediction(main: readonly ResultRecord[], forkwait: readonly ResultRecord[]): string {
  const modes = [...new Set(main.map((r) => r.vmm))];
  const others = modes.filter((m) => m !== 'native');
  const byWorkload = new Map<string, ResultRecord[]>();
  for (const r of main) byWorkload.set(`${r.scenario}/${r.workload}`, [...(byWorkload.get(`${r.scenario}/${r.workload}`) ?? []), r]);
  const rows = [['scenario', 'cpu', 'native', ...others.map((m) => `${m} %`)]];
  for (const rs of byWorkload.values()) {
    const nat = rs.find((r) => r.vmm === 'native');
    const h = nat ? headline(nat) : { value: NaN, unit: '' };
    rows.push([
      rs[0].scenario === rs[0].workload ? rs[0].scenario : `${rs[0].scenario}/${rs[0].workload}`,
      rs[0].cpu,
      `${num(h.unit === 's' ? 2 : 0).format(h.value)} ${h.unit}`,
      ...others.map((m) => {
        const r = rs.find((x) => x.vmm === m);
        return r === undefined ? '' : r.error !== undefined ? 'error' : pct.format(r.metrics.percentOfNative);
      }),
    ]);
  }
  const fwModes = [...new Set(forkwait.map((r) => r.vmm))];
  const cpus = [...new Set(forkwait.map((r) => r.cpu))];
  const fw = [['forkwait seconds', ...fwModes],
    ...cpus.map((cpu) => [cpu, ...fwModes.map((m) => {
      const r = forkwait.find((x) => x.cpu === cpu && x.vmm === m);
      return r === undefined ? '' : num(2).format(r.seconds);
    })])];
  return [
    'Predicted percent of native (100 × native time ÷ mode time; for throughput, mode rate ÷ native rate)',
    columns(rows),
    '',
    columns(fw),
    '',
  ].join('\n');
}
