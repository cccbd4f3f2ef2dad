// Replaces every string inside loaded plain data with V8's internalized copy
// of it. Strings read from YAML, or copied into a worker thread by the
// structured clone, are fresh string objects, and the per-operation path
// compares them with literals (`op.kind === 'syscall'`, a switch on the kind)
// character by character; internalized strings compare by pointer. Measured on
// the bench's sweep: about 10% of a simulation's CPU time, and structured
// clones ran 10–20% slower than the main thread's loaded copy.

/**
 * Intern the strings of `value` in place (plain objects and arrays; frozen
 * objects, class instances and typed arrays are left as they are) and return
 * it. Only string identity changes: every value stays equal.
 */
export function internStrings<T>(value: T): T {
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    let k = interned.get(s);
    if (k === undefined) {
      k = internalized(s);
      interned.set(s, k);
    }
    return k;
  };
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      const writable = !Object.isFrozen(v);
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') {
          if (writable) v[i] = intern(x);
        } else stack.push(x);
      }
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) continue;
    const o = v as Record<string, unknown>;
    const writable = !Object.isFrozen(o);
    for (const key of Object.keys(o)) {
      const x = o[key];
      if (typeof x === 'string') {
        if (writable && Object.getOwnPropertyDescriptor(o, key)?.writable) o[key] = intern(x);
      } else stack.push(x);
    }
  }
  return value;
}

/** V8 internalizes property names: a string used as a key comes back as the engine's one copy of it. */
function internalized(s: string): string {
  const holder: Record<string, true> = { [s]: true };
  for (const key in holder) return key;
  return s;
}
