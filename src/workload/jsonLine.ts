// The text of a JSON trace line, read without parsing it again: its
// top-level keys and where their values begin (error columns, duplicate
// keys, the key of a number a line pattern reads), and how deep a parsed
// value nests. Used by the trace parser (traceProgram.ts) and the library's
// argument checks.

/** Deepest nesting of arrays and objects a JSONL line may have (a valid line has 1: an object of scalars). */
export const MAX_JSON_NESTING = 64;

/** Whether `value` nests arrays and objects more than `limit` deep (iterative: any depth). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Object.values(v as object)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * True when a valid JSON object's text cannot hold more than `keys` keys: it
 * has `keys` quotes directly followed by a colon and no quote followed by a
 * blank (every key's closing quote is followed by a colon, or by blanks and
 * a colon). One pass over the characters without following the JSON
 * grammar: cheaper than listing the keys ({@link jsonKeys}), which it spares most lines.
 */
export function fewKeysOnly(text: string, keys: number): boolean {
  let colons = 0;
  for (let i = text.indexOf('"'); i >= 0 && i < text.length - 1; i = text.indexOf('"', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === 0x3a) colons++;
    else if (next === 0x20 || next === 0x09 || next === 0x0d) return false;
  }
  return colons === keys;
}

/** Offset of the quote that closes the JSON string opened at `start` (the text's length if none). */
function stringEnd(text: string, start: number): number {
  for (let q = text.indexOf('"', start + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}

/** Top-level keys of a valid JSON object's text, in order, with the offsets of each key and its value. */
export function jsonKeys(text: string): Array<{ key: string; keyAt: number; valueAt: number }> {
  const out: Array<{ key: string; keyAt: number; valueAt: number }> = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      i = stringEnd(text, i);
      if (!expectKey) continue;
      expectKey = false;
      let v = i + 1;
      while (v < text.length && /[\s:]/.test(text[v])) v++;
      let key: string;
      try {
        key = JSON.parse(text.slice(start, i + 1)) as string;
      } catch {
        continue;
      }
      out.push({ key, keyAt: start, valueAt: v });
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 1) expectKey = true;
  }
  return out;
}

/** The key whose value is the JSON number at `start` on a JSONL line the full path accepted. */
export function jsonKeyAt(text: string): (start: number) => string | undefined {
  const keys = jsonKeys(text);
  return (start) => keys.find((k) => k.valueAt === start)?.key;
}
