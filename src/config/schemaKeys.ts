// The keys a zod schema allows at a path of a document, so an unknown key
// can be answered with the known key it most resembles. Walks zod's own
// definitions (objects, wrappers, lists, records, unions, lazy schemas);
// where the shape cannot be told, it answers with no keys.
import type { z } from 'zod';
import type { KeyPath } from '../workload/expand.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
  in?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** `shape[key]` when `key` is the shape's own (so `__proto__` and `toString` in a document find nothing), else undefined. */
function field(shape: Record<string, z.ZodType> | undefined, key: string): z.ZodType | undefined {
  return shape !== undefined && Object.hasOwn(shape, key) ? shape[key] : undefined;
}

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema with wrappers, lazy schemas and pipes removed, and a union resolved to the branch `data` fits best. */
function unwrap(schema: z.ZodType, data: unknown, depth = 0): z.ZodType {
  if (depth > 50) return schema;
  const d = def(schema);
  if (WRAPPERS.has(d.type) && d.innerType) return unwrap(d.innerType, data, depth + 1);
  if (d.type === 'lazy' && d.getter) return unwrap(d.getter(), data, depth + 1);
  if (d.type === 'pipe' && d.in) return unwrap(d.in, data, depth + 1);
  if (d.type === 'union' && d.options) {
    const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
    const scored = d.options.map((o) => {
      const u = unwrap(o, data, depth + 1);
      const shape = def(u).shape;
      const fit = shape ? keys.filter((k) => field(shape, k) !== undefined).length : Array.isArray(data) && def(u).type === 'array' ? 1 : 0;
      const discriminant = shape && keys.some((k) => { const f = field(shape, k); return f !== undefined && literalMatches(f, (data as Record<string, unknown>)[k]); }) ? 1000 : 0;
      return { u, score: fit + discriminant };
    });
    return scored.reduce((a, b) => (b.score > a.score ? b : a)).u;
  }
  return schema;
}

/** True when `schema` is a literal equal to `value` (a union's discriminator). */
function literalMatches(schema: z.ZodType, value: unknown): boolean {
  const d = def(schema) as Def & { values?: unknown[] };
  return d.type === 'literal' && Array.isArray(d.values) && d.values.includes(value);
}

/** The keys the schema allows for the mapping at `path` of `data`, or [] when that cannot be told. */
export function keysAt(schema: z.ZodType, data: unknown, path: KeyPath): string[] {
  let s = unwrap(schema, data);
  let node = data;
  for (const seg of path) {
    const d = def(s);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
    let next: z.ZodType | undefined;
    if (d.type === 'object' && d.shape) next = field(d.shape, String(seg));
    else if (d.type === 'array') next = d.element;
    else if (d.type === 'record') next = d.valueType;
    else if (d.type === 'intersection') next = (d.left && field(def(unwrap(d.left, node)).shape, String(seg))) || (d.right && field(def(unwrap(d.right, node)).shape, String(seg)));
    if (!next) return [];
    s = unwrap(next, node);
  }
  const d = def(s);
  if (d.type === 'intersection') return [...(d.left ? keysAt(d.left, node, []) : []), ...(d.right ? keysAt(d.right, node, []) : [])];
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}
