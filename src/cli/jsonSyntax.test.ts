import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from './jsonSyntax.js';

/** JSON.parse's verdict: null if `text` parses, else its message. */
function parseError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The offset of line `line`, column `col` (both from 1) in `text`. */
function offsetOf(text: string, line: number, col: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) start = text.indexOf('\n', start) + 1;
  return start + col - 1;
}

describe('jsonSyntaxError', () => {
  it.each([
    ['garbage\n', 1, 1, 'found "g" where a value should be'],
    ['{"a":}', 1, 6, 'found "}" where a value should be'],
    ['{"a":1', 1, 7, 'found the end of the file where "," or "}" should be'],
    ['', 1, 1, 'found the end of the file where a value should be'],
    ['{"a":1}x', 1, 8, 'found "x" where nothing more should be'],
    ['[1,2,\n3,]', 2, 3, 'found "]" where a value should be'],
    ['  \n  {\n "a" 1}', 3, 6, 'found "1" where ":" should be'],
    ['{"a":1,}', 1, 8, 'found "}" where a "quoted" key should be'],
    ['[tru]', 1, 5, 'found "]" where the rest of "true" should be'],
    ['["a\nb"]', 1, 4, 'found "\\u000a" where the closing \'"\' (a line break or other control character in a string must be escaped) should be'],
    ['\ufeff{}', 1, 1, 'found "\\ufeff" where a value should be'],
    ['[01]', 1, 3, 'found "1" where "," or "]" should be'],
    ['[1.]', 1, 4, 'found "]" where a digit after the decimal point should be'],
    ['["\\u12x4"]', 1, 7, 'found "x" where a hexadecimal digit of a \\uXXXX escape should be'],
    ['["\\x"]', 1, 4, 'found "x" where an escape (one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) should be'],
  ])('%j: %i:%i %s', (text, line, col, detail) => {
    expect(parseError(text)).not.toBeNull();
    expect(jsonSyntaxError(text)).toEqual({ line, col, detail });
  });

  it('finds no error in valid JSON, however deeply nested', () => {
    expect(jsonSyntaxError('{"records": [1e999, -0.5E+3, "\\u00e9\\n", true, false, null, {}, []]}')).toBeNull();
    expect(jsonSyntaxError('['.repeat(100_000) + ']'.repeat(100_000))).toBeNull();
    expect(jsonSyntaxError('['.repeat(100_000))).toEqual({ line: 1, col: 100_001, detail: 'found the end of the file where a value or "]" should be' });
  });

  it('agrees with JSON.parse on random and mutated texts, and on the position where JSON.parse names one', () => {
    const jsonish = fc.string({ unit: fc.constantFrom(...'{}[]:,"\\u01-.eE+truefalsn \n\tx\u0001'.split('')), maxLength: 16 });
    const mutated = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', '}', ']', ',', ':', '"', '\n', 'x'), fc.nat(3)).map(([text, at, insert, cut]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    });
    fc.assert(fc.property(fc.oneof(jsonish, mutated, fc.json()), (text) => {
      const v8 = parseError(text);
      const ours = jsonSyntaxError(text);
      expect(ours === null).toBe(v8 === null);
      const position = v8 === null ? null : /at position (\d+)/.exec(v8);
      if (ours && position) expect(offsetOf(text, ours.line, ours.col)).toBe(Number(position[1]));
      if (ours) expect(ours.detail).not.toMatch(/[\n\r\u2028\u2029]/);
    }), { numRuns: 5000 });
  });
});
