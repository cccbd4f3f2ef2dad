// One-at-a-time sensitivity of a scenario's results to its model parameters:
// each numeric parameter of the CPU model (native costs, VM-exit latencies, CPI)
// and of the VMM models of the scenario's modes, moved by ±delta; the
// elasticity of each mode's time (throughput, for closed-loop workloads) is
// (y₊ − y₋) / y₀ ÷ (x₊ − x₋) / x₀.
import type { LoadedScenario } from '../config/load.js';
import type { ResultRecord } from './record.js';

/** A parameter as an override key and its value in the scenario. */
export interface SensitivityParam {
  /** Dotted override key (`vmm.hardware.decodeCycles`, `cpu.vmx.vmExitCycles`). */
  key: string;
  value: number;
  /** Whether the schema takes only whole numbers (the perturbation is rounded). */
  integer: boolean;
  /** Modes whose results can move (a VMM parameter moves only its own mode). */
  modes: string[];
}

const INTEGER_KEYS = new Set(['vmreadsPerExit', 'injectVmwrites', 'ripVmwrites', 'cr3Vmwrites', 'shadowCache', 'adaptThreshold', 'adaptRevertThreshold', 'retranslateInstructions']);

/** Every numeric parameter a sensitivity run can move, in a stable order. */
export function sensitivityParams(loaded: LoadedScenario): SensitivityParam[] {
  const out: SensitivityParam[] = [];
  const all = [...loaded.scenario.vmms];
  const walk = (prefix: string, obj: Record<string, unknown>, modes: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'number' && Number.isFinite(v) && v !== 0) out.push({ key: `${prefix}.${k}`, value: v, integer: Number.isInteger(v) && INTEGER_KEYS.has(k), modes });
      else if (v !== null && typeof v === 'object' && !Array.isArray(v) && prefix.split('.').length < 3) walk(`${prefix}.${k}`, v as Record<string, unknown>, modes);
    }
  };
  walk('cpu.native', loaded.cpu.native as unknown as Record<string, unknown>, all);
  walk('cpu.vmx', loaded.cpu.vmx as unknown as Record<string, unknown>, all.filter((m) => m !== 'native'));
  // Cycles per instruction: how many guest instructions a compute stands for (the interpreter and trap-and-emulate price them).
  walk('cpu.cpi', loaded.cpu.cpi as unknown as Record<string, unknown>, all.filter((m) => m === 'interpreter' || m === 'trap-and-emulate'));
  for (const mode of all) {
    const p = loaded.vmmParams[mode];
    if (p && typeof p === 'object') walk(`vmm.${mode}`, p as Record<string, unknown>, [mode]);
  }
  return out;
}

/** The two perturbed values of a parameter (whole numbers move by at least 1). */
export function perturbed(p: SensitivityParam, delta: number): [number, number] {
  if (!p.integer) return [p.value * (1 - delta), p.value * (1 + delta)];
  const step = Math.max(1, Math.round(p.value * delta));
  return [Math.max(p.integer ? 1 : 0, p.value - step), p.value + step];
}

/** One row of the result: a parameter's elasticity for one workload and mode. */
export interface SensitivityRow {
  key: string;
  workload: string;
  vmm: string;
  /** The quantity: seconds, or requests per second for closed-loop workloads. */
  metric: string;
  base: number;
  low: number;
  high: number;
  elasticity: number;
}

/** The quantity sensitivity reads off a record. */
export function quantity(r: ResultRecord): { metric: string; value: number } {
  if (r.metrics.requestsPerSecond !== undefined) return { metric: 'requests/s', value: r.metrics.requestsPerSecond };
  if (r.metrics.iterationsPerSecond !== undefined) return { metric: 'ops/s', value: r.metrics.iterationsPerSecond };
  return { metric: 'seconds', value: r.seconds };
}

/** Elasticities from the base run and the runs at each parameter's two values. */
export function elasticities(p: SensitivityParam, xs: [number, number], base: readonly ResultRecord[], lo: readonly ResultRecord[], hi: readonly ResultRecord[]): SensitivityRow[] {
  const rows: SensitivityRow[] = [];
  for (const b of base) {
    if (!p.modes.includes(b.vmm)) continue;
    const find = (rs: readonly ResultRecord[]) => rs.find((r) => r.workload === b.workload && r.vmm === b.vmm);
    const l = find(lo);
    const h = find(hi);
    if (!l || !h) continue;
    const q0 = quantity(b);
    const ql = quantity(l).value;
    const qh = quantity(h).value;
    const dx = (xs[1] - xs[0]) / p.value;
    const e = q0.value === 0 || dx === 0 ? 0 : (qh - ql) / q0.value / dx;
    rows.push({ key: p.key, workload: b.workload, vmm: b.vmm, metric: q0.metric, base: q0.value, low: ql, high: qh, elasticity: e });
  }
  return rows;
}
