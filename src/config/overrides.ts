// Overrides by dotted key (`--set cpu.vmx.vmExitCycles=1186`, a scenario's
// `set:` block). Values are parsed as YAML scalars/flow collections and go
// through the same schemas as the files they override.
import { parse } from 'yaml';
import { InputError, type Origin } from './errors.js';
import type { KeyPath } from '../workload/expand.js';

/** One override: where it applies and where it was written. */
export interface Override {
  key: string;
  value: unknown;
  origin: Origin;
}

/** Parse a `--set key=value` argument. */
export function parseSetFlag(text: string): Override {
  const origin = { source: `--set ${text}` };
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError('expected KEY=VALUE, such as cpu.vmx.vmExitCycles=1186', origin);
  const key = text.slice(0, eq).trim();
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(key)) {
    throw new InputError(`"${key}" is not a dotted key such as cpu.vmx.vmExitCycles`, origin);
  }
  let value: unknown;
  try {
    value = parse(text.slice(eq + 1), { maxAliasCount: 10 });
  } catch (e) {
    throw new InputError(`the value is not valid YAML: ${(e as Error).message.split('\n')[0]}`, origin);
  }
  return { key, value: value === null ? null : value, origin };
}

/** Split a dotted key into path segments; all-digit segments index lists. */
export function keyPath(key: string): KeyPath {
  return key.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Apply `value` at `path` inside `doc` (mutating it), creating mappings on
 * the way. Fails if a segment runs into a scalar.
 */
export function applyAt(doc: Record<string, unknown>, path: KeyPath, value: unknown, origin: Origin): void {
  let node: unknown = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const container = node as Record<string | number, unknown>;
    if (container[seg] === undefined) container[seg] = typeof path[i + 1] === 'number' ? [] : {};
    node = container[seg];
    if (node === null || typeof node !== 'object') {
      throw new InputError(`cannot set ${path.join('.')}: ${path.slice(0, i + 1).join('.')} is not a mapping or list`, origin, path);
    }
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

/** A locator that credits paths under an override to the override's origin. */
export function overrideLocator(
  applied: ReadonlyArray<{ path: KeyPath; origin: Origin }>,
  fallback: (path: KeyPath, atKey?: boolean) => Origin,
): (path: KeyPath, atKey?: boolean) => Origin {
  return (path, atKey) => {
    for (let i = applied.length - 1; i >= 0; i--) {
      const a = applied[i];
      if (a.path.every((seg, j) => path[j] === seg)) return a.origin;
    }
    return fallback(path, atKey);
  };
}
