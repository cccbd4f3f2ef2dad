// Lines read through a pattern (linePatterns.ts) must parse exactly as the
// full path parses them: the same operations (numbers bit for bit), the
// same "met again" marks, columns, timestamps and switches, and the same
// first error at the same line and column.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinePatterns, MAX_PATTERN_NUMBERS } from './linePatterns.js';
import { TraceParser } from './traceProgram.js';
import { TraceWindow } from './traceWindow.js';

let tmp = '';
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vmmsim-patterns-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Number texts: JSON's forms (integers, −0, fractions, exponents, more digits than are summed exactly) and texts that are not JSON numbers. */
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 5000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-0', '1', '-1', '-7', '0.5', '2.25', '1e3', '1E+2', '2e-1', '65535', '65536', '4096', '9007199254740993', '123456789012345678', '1e400', '0.1', '100.0') },
  { weight: 1, arbitrary: fc.constantFrom('007', '1.', '.5', '-', '1e', '1.2.3', '5-', '+1', '0x10', 'NaN', '"12"', 'null', 'true', '[1]') },
);

/** Line forms with numbers in them; `#` is where a number text goes. */
const FORMS = [
  '{"op":"compute","cycles":#}',
  '{"op":"compute","cycles":#,"mode":"kernel"}',
  '{"op":"compute", "cycles": #, "count": #}',
  '{"t":#,"op":"compute","cycles":#}',
  '{"op":"io","dir":"out","port":#}',
  '{"op":"pteWrite","asid":#,"stream":#}',
  '{"op":"cr3write","asid":#,"pages":#,"kernelPages":#}',
  '{"count":#,"use":"cowFault"}',
  '{"use":"cowFault","count":#,"asid":#}',
  '{"op":"memory","accesses":#,"workingSetBytes":#,"pattern":"hotset","hotSetBytes":#}',
  '{"op":"newKernelCode","units":#,"instructions":#,"site":#}',
  '{"op":"syscall","count":#}',
  '{"op":"syscall"}',
  '{"op":"compute","cycles":#,"cycles":#}',
  '{"op":"compute","cycle":#}',
  '  {"op":"compute","cycles":#}',
];

const line = fc.record({ form: fc.integer({ min: 0, max: FORMS.length - 1 }), numbers: fc.array(numberText, { minLength: 4, maxLength: 4 }) });

function fill(form: string, numbers: readonly string[]): string {
  let k = 0;
  return form.replace(/#/g, () => numbers[k++ % numbers.length]);
}

/** Everything a parse of `file` gives, line by line, and its error. */
function parsed(file: string, patterns: boolean, format: 'jsonl' | 'csv' = 'jsonl') {
  const parser = new TraceParser(file, format, patterns);
  const window = new TraceWindow(1 << 12);
  parser.fill(window, 1 << 12);
  parser.close();
  const lines = Array.from({ length: window.length }, (_, i) => {
    const s = window.shape[i];
    const op = parser.shapes.get(s);
    // Numbers bit for bit (−0 apart from 0), as JSON text.
    const exact = JSON.stringify(op, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v));
    return { line: window.lineOf(i), shape: s, op: exact, again: parser.shapes.metAgain(s), col: parser.shapes.col(s), t: window.tNs?.[i] ?? null, to: window.switchTo?.[i] ?? null };
  });
  return { lines, shapes: parser.shapes.length, switches: parser.switches, error: parser.error?.message ?? null };
}

describe('lines read through patterns', () => {
  it('parse as the full path parses them: operations, marks, columns, times, switches and the first error', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (drawn) => {
        const file = join(tmp, `p${n++}.jsonl`);
        writeFileSync(file, drawn.map((l) => fill(FORMS[l.form], l.numbers)).join('\n') + '\n');
        expect(parsed(file, true)).toEqual(parsed(file, false));
      }),
      { numRuns: 400 },
    );
  });

  it('in a CSV trace too: cells of numbers in and out of decimal form, spaces around them, empty cells, composite names with digits', () => {
    const header = 't,stream,op,use,count,cycles,mode,dir,port,asid';
    const cell = fc.oneof(numberText, fc.constant(''), numberText.map((x) => ` ${x} `));
    const row = fc.record({
      kind: fc.constantFrom('compute', 'io', 'pteWrite', 'use', 'use2', 'syscall'),
      t: fc.option(fc.nat({ max: 50 }), { freq: 3 }),
      cells: fc.array(cell, { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        let t = 0;
        const text = rows.map((r) => {
          const [a, b, c] = r.cells;
          const tt = r.t === null ? '' : String((t += r.t));
          switch (r.kind) {
            case 'compute': return `${tt},,compute,,${a},${b},kernel,,,`;
            case 'io': return `${tt},${c},io,,,,,out,${a},`;
            case 'pteWrite': return `${tt},1,pteWrite,,${b},,,,,${a}`;
            case 'use': return `${tt},,,cowFault,${a},,,,,${b}`;
            case 'use2': return `${tt},,,c${a.trim()}ow,${b},,,,,`;
            default: return `${tt},,syscall,,${a},,,,,`;
          }
        });
        const file = join(tmp, `c${n++}.csv`);
        writeFileSync(file, [header, ...text].join('\n') + '\n');
        expect(parsed(file, true, 'csv')).toEqual(parsed(file, false, 'csv'));
      }),
      { numRuns: 300 },
    );
  });

  it('parse as the full path parses them: a line after one that taught its form, with each number at an edge of its check', () => {
    const pairs: Array<[string, string]> = [
      ['{"t":5,"op":"syscall","count":1}', '{"t":1e400,"op":"syscall","count":1}'], // t must be finite
      ['{"t":5,"op":"syscall","count":1}', '{"t":-0,"op":"syscall","count":1}'], // −0 after 5: backwards
      ['{"op":"syscall","count":1,"stream":1}', '{"op":"syscall","count":1,"stream":1.5}'], // stream a whole number
      ['{"op":"syscall","count":1,"stream":1}', '{"op":"syscall","count":1,"stream":9007199254740993}'], // and a safe one
      ['{"op":"syscall","count":1,"stream":1}', '{"op":"syscall","count":1,"stream":-1}'],
      ['{"op":"memory","accesses":5,"workingSetBytes":8192,"pattern":"hotset","hotSetBytes":4096}', '{"op":"memory","accesses":5,"workingSetBytes":8192,"pattern":"hotset","hotSetBytes":16384}'], // the hot set inside the working set
      ['{"op":"io","dir":"out","port":128}', '{"op":"io","dir":"out","port":65536}'],
      ['{"op":"compute","cycles":5}', '{"op":"compute","cycles":-1}'],
      ['{"op":"compute","cycles":5}', '{"op":"compute","cycles":1e400}'],
      ['{"op":"syscall","count":1}', '{"op":"syscall","count":0}'],
      ['{"op":"syscall","count":1}', '{"op":"syscall","count":1.5}'],
      ['{"op":"syscall","count":1}', '{"op":"syscall","count":1000000000001}'],
      ['{"op":"cr3write","asid":1}', '{"op":"cr3write","asid":2147483648}'],
      ['{"use":"cowFault","count":1}', '{"use":"cowFault","count":-2}'],
      ['  {"count":3,"use":"cowFault"}', '  {"count":12345,"use":"cowFault"}'], // the composite's column moves with the count
    ];
    for (const [first, second] of pairs) {
      const file = join(tmp, `e${n++}.jsonl`);
      writeFileSync(file, `${first}\n${second}\n${first}\n`);
      expect(parsed(file, true)).toEqual(parsed(file, false));
    }
  });

  it('read most lines of a trace of measured computations through one pattern', () => {
    const p = new LinePatterns();
    expect(p.find('{"op":"compute","cycles":1000}')).toBeNull();
    expect(p.scanned).toBe(true);
    expect(p.count).toBe(1);
    p.learn('{"op":"compute","cycles":1000}', { slots: new Int32Array([1]), checks: [null], base: new Float64Array([1, 1000]), template: 0 });
    for (const [text, value] of [['{"op":"compute","cycles":12345}', 12345], ['{"op":"compute","cycles":-0}', -0], ['{"op":"compute","cycles":2.5e3}', 2500], ['{"op":"compute","cycles":123456789012345678}', 123456789012345678]] as const) {
      expect(p.find(text)).not.toBeNull();
      expect(Object.is(p.values[0], value)).toBe(true);
    }
    for (const text of ['{"op":"compute","cycles":007}', '{"op":"compute","cycles":1.}', '{"op":"compute","cycles":"1"}', '{"op":"compute","cycles":1 }', '{"op":"computer","cycles":1}', '{"op":"compute","cycles":1}x']) {
      expect(p.find(text)).toBeNull();
    }
    // No numbers, or more than a pattern takes: not scanned for one.
    expect(p.find('{"op":"syscall"}')).toBeNull();
    expect(p.scanned).toBe(false);
    expect(p.find(`{${Array.from({ length: MAX_PATTERN_NUMBERS + 1 }, (_, i) => `"k${i}":${i}`).join(',')}}`)).toBeNull();
    expect(p.scanned).toBe(false);
  });
});
