// Test support: load shipped model files and drive one actor op by op,
// without a scenario, so cost tests can probe single operations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_MODELS_DIR } from '../../src/config/load.js';
import { Rng } from '../../src/engine/rng.js';
import type { CostActor } from '../../src/vmm/actor.js';
import { CpuModelSchema, type CpuModel } from '../../src/vmm/cpu.js';
import { Ledger } from '../../src/vmm/ledger.js';
import { MODES } from '../../src/vmm/registry.js';

/** A CPU model from models/cpu, with optional top-level overrides of its vmx block. */
export function cpuModel(name: string): CpuModel {
  return CpuModelSchema.parse(parse(readFileSync(join(DEFAULT_MODELS_DIR, 'cpu', `${name}.yaml`), 'utf8')));
}

/** The parameters of a mode from models/vmm, with `overrides` applied on top. */
export function vmmParams(mode: string, overrides: Record<string, unknown> = {}): unknown {
  const def = MODES[mode];
  if (!def.vmmModel || !def.paramsSchema) return null;
  const raw = parse(readFileSync(join(DEFAULT_MODELS_DIR, 'vmm', `${def.vmmModel}.yaml`), 'utf8')) as Record<string, unknown>;
  return def.paramsSchema.parse({ ...raw, ...overrides });
}

/** A fresh actor of `mode` with its ledger. */
export function actor(mode: string, options: { cpu?: string; set?: Record<string, unknown> } = {}): { actor: CostActor; ledger: Ledger } {
  const ledger = new Ledger();
  const a = MODES[mode].create(cpuModel(options.cpu ?? 'pentium4'), vmmParams(mode, options.set), { rng: new Rng(1), ledger });
  return { actor: a, ledger };
}
