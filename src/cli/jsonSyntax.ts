// Where a JSON text that JSON.parse refused first breaks the grammar, as a
// line and column with what was found and what was expected there. V8's own
// message gives no position for most mistakes and quotes the file's text
// (newlines and all), so error messages use this instead.
import { lineCol } from '../workload/inputFile.js';

/** The first syntax error of `text`: 1-based line and column, and what is wrong, in words. Null if it is valid JSON. */
export function jsonSyntaxError(text: string): { line: number; col: number; detail: string } | null {
  const at = firstError(text);
  if (at === null) return null;
  const found = at.pos >= text.length ? 'the end of the file' : shown(text, at.pos);
  return { ...lineCol(text, at.pos), detail: `found ${found} where ${at.expected} should be` };
}

/** The character at `pos` quoted on one line, an invisible one (control, format, line separator, BOM, …) as \\uXXXX. */
function shown(text: string, pos: number): string {
  const c = String.fromCodePoint(text.codePointAt(pos)!);
  if (/^[\p{C}\p{Z}]$/u.test(c) && c !== ' ') return `"${[...c].map((u) => `\\u${u.codePointAt(0)!.toString(16).padStart(4, '0')}`).join('')}"`;
  return JSON.stringify(c);
}

/** What the scanner expects next, in words. */
const WHAT = {
  Value: 'a value',
  ValueOrClose: 'a value or "]"',
  Key: 'a "quoted" key',
  KeyOrClose: 'a "quoted" key or "}"',
  Colon: '":"',
  CommaOrClose: '"," or a closing bracket', // named precisely where it is reported
  End: 'nothing more',
} as const;
type Want = keyof typeof WHAT;

/** Offset of the first character that does not fit the JSON grammar, and what should be there. Iterative: any nesting depth. */
function firstError(s: string): { pos: number; expected: string } | null {
  const open: string[] = []; // "]" or "}" for each open array or object
  let want: Want = 'Value';
  let i = 0;
  const fail = (expected: string) => ({ pos: i, expected });
  for (;;) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    if (i >= s.length) return want === 'End' ? null : fail(want === 'CommaOrClose' ? `"," or "${open[open.length - 1]}"` : WHAT[want]);
    const c = s[i];
    switch (want) {
      case 'End':
        return fail(WHAT[want]);
      case 'Colon':
        if (c !== ':') return fail(WHAT[want]);
        i++;
        want = 'Value';
        continue;
      case 'CommaOrClose': {
        const close = open[open.length - 1];
        if (c === ',') {
          i++;
          want = close === '}' ? 'Key' : 'Value';
        } else if (c === close) {
          i++;
          open.pop();
          want = open.length ? 'CommaOrClose' : 'End';
        } else {
          return fail(`"," or "${close}"`);
        }
        continue;
      }
      case 'Key':
      case 'KeyOrClose':
        if (want === 'KeyOrClose' && c === '}') {
          i++;
          open.pop();
          want = open.length ? 'CommaOrClose' : 'End';
          continue;
        }
        if (c !== '"') return fail(WHAT[want]);
        {
          const end = stringEnd(s, i);
          if (typeof end !== 'number') return end;
          i = end;
        }
        want = 'Colon';
        continue;
      case 'Value':
      case 'ValueOrClose': {
        if (want === 'ValueOrClose' && c === ']') {
          i++;
          open.pop();
          want = open.length ? 'CommaOrClose' : 'End';
          continue;
        }
        if (c === '[' || c === '{') {
          i++;
          open.push(c === '[' ? ']' : '}');
          want = c === '[' ? 'ValueOrClose' : 'KeyOrClose';
          continue;
        }
        let end: number | { pos: number; expected: string };
        if (c === '"') end = stringEnd(s, i);
        else if (c === '-' || (c >= '0' && c <= '9')) end = numberEnd(s, i);
        else {
          const word = ['true', 'false', 'null'].find((w) => w[0] === c);
          if (!word) return fail(WHAT[want]);
          let k = 0;
          while (k < word.length && s[i + k] === word[k]) k++;
          if (k < word.length) return { pos: i + k, expected: `the rest of "${word}"` };
          end = i + word.length;
        }
        if (typeof end !== 'number') return end;
        i = end;
        want = open.length ? 'CommaOrClose' : 'End';
        continue;
      }
    }
  }
}

/** Offset just past the string starting at `i` (a '"'), or where it goes wrong. */
function stringEnd(s: string, i: number): number | { pos: number; expected: string } {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return { pos: j, expected: 'the closing \'"\' (a line break or other control character in a string must be escaped)' };
    if (c === 0x5c) {
      const e = s[j + 1];
      if (e === 'u') {
        for (let k = j + 2; k < j + 6; k++) {
          if (!/[0-9a-fA-F]/.test(s[k] ?? '')) return { pos: k, expected: 'a hexadecimal digit of a \\uXXXX escape' };
        }
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        j++;
      } else {
        return { pos: j + 1, expected: 'an escape (one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' };
      }
    }
  }
  return { pos: s.length, expected: 'the closing \'"\' of a string' };
}

/** Offset just past the number starting at `i`, or where it goes wrong. */
function numberEnd(s: string, i: number): number | { pos: number; expected: string } {
  let j = i;
  const digits = () => {
    const from = j;
    while (j < s.length && s[j] >= '0' && s[j] <= '9') j++;
    return j > from;
  };
  if (s[j] === '-') j++;
  if (s[j] === '0') j++;
  else if (!digits()) return { pos: j, expected: 'a digit' };
  if (s[j] === '.') {
    j++;
    if (!digits()) return { pos: j, expected: 'a digit after the decimal point' };
  }
  if (s[j] === 'e' || s[j] === 'E') {
    j++;
    if (s[j] === '+' || s[j] === '-') j++;
    if (!digits()) return { pos: j, expected: 'a digit of the exponent' };
  }
  return j;
}
