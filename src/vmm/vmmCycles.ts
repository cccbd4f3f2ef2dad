// VMM software costs (models/vmm/*.yaml) are written in cycles of the
// reference CPU, the Pentium 4 they were calibrated on. Another CPU runs the
// same VMM code in a different number of its own cycles; each CPU model says
// how many (cpu.vmmCodeCyclesScale), and actors scale their parameters once
// at creation, never per operation.
import type { CpuModel } from './cpu.js';

/** Whether a parameter key names a cost in cycles (…Cycles, …CyclesPerInstruction). */
export function isCyclesKey(key: string): boolean {
  return /Cycles(Per[A-Z]\w*)?$/.test(key);
}

/** A copy of `params` with every cycles-valued field multiplied by `cpu.vmmCodeCyclesScale`. */
export function scaleVmmCycles<P extends object>(params: P, cpu: CpuModel): P {
  const scale = cpu.vmmCodeCyclesScale;
  if (scale === 1) return params;
  const out = { ...params } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === 'number' && isCyclesKey(k)) out[k] = v * scale;
  return out as P;
}
