// Names that Vega's expression language misreads. Vega-Lite turns a custom
// sort order into an expression of string literals (datum.w === "a" ? 0 :
// …), and Vega's expression parser reads some string literals as names:
// "toString", "constructor", "valueOf" (Object.prototype's members) and
// "if" become globals, and the chart fails to build ("Operator not defined",
// "Unrecognized signal name"). A workload, a CPU model or a swept value may
// be called so. Such a string is drawn with a zero-width space after it:
// the same on the page, and a literal Vega reads as one.
import { codegenExpression, parseExpression } from 'vega';

const ZERO_WIDTH_SPACE = '\u200b';

const codegen = codegenExpression({ globalvar: 'g' });
const verdicts = new Map<string, boolean>();

/** Whether Vega's expression parser reads the string literal `s` as anything but that string (asked of Vega itself). */
export function misreadByVega(s: string): boolean {
  let misread = verdicts.get(s);
  if (misread === undefined) {
    const literal = JSON.stringify(s);
    try {
      misread = codegen(parseExpression(literal)).code !== literal;
    } catch {
      misread = true;
    }
    if (verdicts.size < 65_536) verdicts.set(s, misread);
  }
  return misread;
}

/**
 * `spec` with every string value that Vega would misread (see
 * {@link misreadByVega}) followed by a zero-width space, wherever it occurs
 * (data, sort orders, domains, titles), so that equal values stay equal; the
 * spec itself when there is none. Object keys (field names) are vmmsim's own
 * and left alone.
 */
export function vegaSafeStrings<T>(spec: T): T {
  const misread = new Set<string>();
  const find = (v: unknown): void => {
    if (typeof v === 'string') {
      if (misreadByVega(v)) misread.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) find(x);
    } else if (v !== null && typeof v === 'object') {
      for (const x of Object.values(v)) find(x);
    }
  };
  find(spec);
  if (misread.size === 0) return spec;
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string') return misread.has(v) ? v + ZERO_WIDTH_SPACE : v;
    if (Array.isArray(v)) return v.map(fix);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return fix(spec) as T;
}
