// Overrides by dotted key (`--set cpu.vmx.vmExitCycles=1186`, a scenario's
// `set:` block). Values are parsed as YAML scalars/flow collections and go
// through the same schemas as the files they override.
import { parseDocument } from 'yaml';
import { READ_SCHEMA, refusedTag } from './yamlTags.js';
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
  const path = keyPath(key);
  checkKeyPath(path, origin);
  if (path[0] === 'sweep' && (path[1] === 'grid' || path[1] === 'zip') && path.length > 3) {
    // A sweep entry's key is one dotted key: sweep.grid.cpu.vmx.x would make a mapping cpu → vmx → x.
    const entry = path.slice(2).join('.');
    throw new InputError(`a sweep entry is named by one dotted key (${entry}), which a --set cannot reach with dots; ` +
      `expected the whole block, such as --set 'sweep.${String(path[1])}={${entry}: [1, 2]}'`, origin);
  }
  let value: unknown;
  try {
    const doc = parseDocument(text.slice(eq + 1), { logLevel: 'silent', ...READ_SCHEMA }); // as files are read
    if (doc.errors.length > 0) throw doc.errors[0];
    const tag = refusedTag(doc);
    if (tag !== null) throw new InputError(tag, origin);
    value = doc.toJS({ maxAliasCount: 10 });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`the value is not valid YAML: ${(e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, origin);
  }
  const proto = protoKeyPath(value);
  if (proto) throw new InputError(PROTO_KEY_MESSAGE, origin, [...path, ...proto]);
  return { key, value: value === null ? null : value, origin };
}

/**
 * The path of the first mapping key `__proto__` in a parsed YAML value, or
 * null. YAML makes it an own key, but the schemas' key → value mappings (a
 * sweep's grid, a calibrate time per CPU) drop it without a word, so what it
 * holds would be ignored: refused wherever YAML is read (files and --set).
 */
export function protoKeyPath(value: unknown): KeyPath | null {
  const seen = new Set<object>();
  const walk = (v: unknown, at: KeyPath): KeyPath | null => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return null;
    seen.add(v); // aliases share nodes: each is walked once
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = walk(v[i], [...at, i]);
        if (found) return found;
      }
      return null;
    }
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return [...at, '__proto__'];
    for (const k of Object.keys(v)) {
      const found = walk((v as Record<string, unknown>)[k], [...at, k]);
      if (found) return found;
    }
    return null;
  };
  return walk(value, []);
}

/** What a `__proto__` key found by {@link protoKeyPath} is told. */
export const PROTO_KEY_MESSAGE = '"__proto__" is not a parameter (no key has that name, and a mapping of names would drop it unread); expected a key of the scenario, model or sweep';

/** Split a dotted key into path segments; all-digit segments index lists. */
export function keyPath(key: string): KeyPath {
  return key.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Keys an override may never name: they reach into JavaScript's object machinery, not the document. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', 'length']);

/**
 * Refuse a key path that names an object's machinery (`__proto__`,
 * `constructor`, `prototype`, `length`) anywhere in it. Checked on every
 * override — --set, `set:` blocks and sweep keys — before anything is applied.
 */
export function checkKeyPath(path: KeyPath, origin: Origin): void {
  for (const seg of path) {
    if (typeof seg === 'string' && FORBIDDEN_KEYS.has(seg)) {
      throw new InputError(`"${seg}" cannot be overridden (it is not a parameter); expected a dotted key of scenario or model parameters such as cpu.vmx.vmExitCycles`, origin, path);
    }
  }
}

/**
 * Apply `value` at `path` inside `doc` (mutating it), creating mappings on
 * the way. Walks own properties only; a list is indexed only by a whole
 * number below its length (no `-1`, `1e3`, `length` or holes). Fails if a
 * segment runs into a scalar.
 */
export function applyAt(doc: Record<string, unknown>, path: KeyPath, value: unknown, origin: Origin): void {
  checkKeyPath(path, origin);
  let node: unknown = doc;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const here = path.slice(0, i + 1);
    if (Array.isArray(node)) {
      if (typeof seg !== 'number') {
        throw new InputError(`cannot set ${path.join('.')}: ${path.slice(0, i).join('.')} is a list, indexed by 0, 1, 2, …, not by "${seg}"`, origin, here);
      }
      if (seg >= node.length) {
        throw new InputError(`cannot set ${path.join('.')}: ${path.slice(0, i).join('.')} has ${node.length} entr${node.length === 1 ? 'y' : 'ies'} (0 to ${node.length - 1}); ` +
          `there is no entry ${seg} to override`, origin, here);
      }
    }
    const container = node as Record<string | number, unknown>;
    if (i === path.length - 1) {
      container[seg] = value;
      return;
    }
    if (!Object.hasOwn(container, seg) || container[seg] === undefined) container[seg] = {};
    node = container[seg];
    if (node === null || typeof node !== 'object') {
      throw new InputError(`cannot set ${path.join('.')}: ${here.join('.')} is not a mapping or list`, origin, path);
    }
  }
}

/**
 * A locator that credits paths under an override to the override's origin,
 * and — when `written` says the file does not write `path` — a path an
 * override created on its way to its own key (`--set sweep.grid.cpu.x=[1]`
 * makes a mapping `sweep.grid.cpu` that no line of the file holds).
 */
export function overrideLocator(
  applied: ReadonlyArray<{ path: KeyPath; origin: Origin }>,
  fallback: (path: KeyPath, atKey?: boolean) => Origin,
  written?: (path: KeyPath) => boolean,
): (path: KeyPath, atKey?: boolean) => Origin {
  const within = (outer: KeyPath, inner: KeyPath) => outer.length <= inner.length && outer.every((seg, j) => String(inner[j]) === String(seg));
  return (path, atKey) => {
    for (let i = applied.length - 1; i >= 0; i--) {
      if (within(applied[i].path, path)) return applied[i].origin;
    }
    if (written !== undefined && !written(path)) {
      for (let i = applied.length - 1; i >= 0; i--) {
        if (within(path, applied[i].path)) return applied[i].origin;
      }
    }
    return fallback(path, atKey);
  };
}
