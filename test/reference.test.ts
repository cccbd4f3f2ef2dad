// `vmmsim validate --reference FILE`: a reference file is bad input like any
// other. A name in it that matches nothing validate runs would drop its cell
// from the comparison without a word, and a reversed range would compare the
// wrong ends, and a published number that is negative or too small to be a
// measurement would give an infinite error: all are refused at their line
// before anything runs, with exit 2 and nothing written.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_FILE } from '../src/config/reference.js';
import { STACK_LINE } from './support/runCli.js';
import { runMain } from './support/runMain.js';

const tmp = mkdtempSync(join(tmpdir(), 'vmmsim-reference-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const published = readFileSync(REFERENCE_FILE, 'utf8');

/** The shipped reference with one line changed; its path. */
function edited(name: string, from: RegExp, to: string): string {
  expect(published).toMatch(from);
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, published.replace(from, to));
  return file;
}

/** [case, pattern in published.yaml, replacement, expected message after "FILE:"]. */
const CASES: Array<[string, RegExp, string, string]> = [
  ['a misspelt Figure 4 benchmark', /^ {4}syscall: \{ native/m, '    sysycall: { native',
    '22:5: figure4.cells.sysycall: unknown Figure 4 benchmark "sysycall": expected one of the workloads of scenarios/paper/nanobench.yaml: syscall, in, cr8wr, callret, pgfault, divzero, ptemod; did you mean "syscall"? (in the reference data)'],
  ['a misspelt mode of a Figure 4 cell', /software: \[2314, fitted\]/, 'softwre: [2314, fitted]',
    '22:38: figure4.cells.syscall.softwre: unknown mode "softwre": expected one of the modes of scenarios/paper/nanobench.yaml: native, software, hardware, nested, interpreter, trap-and-emulate; did you mean "software"? (in the reference data)'],
  ['a misspelt Table 1 field', /vmEntryCycles: 2409/, 'vmEntryCycle: 2409',
    '32:17: table1.cells.pentium4.vmEntryCycle: unknown Table 1 field "vmEntryCycle": expected one of the keys of the vmx section of the cpu model "pentium4": vmEntryCycles, vmExitCycles, vmreadCycles, vmwriteCycles, guestEventDeliveryExtraCycles, guestCr8WriteExtraCycles; did you mean "vmEntryCycles"? (in the reference data)'],
  ['an unknown Table 1 CPU model (it was blamed on a --set never given)', /^ {4}core2: \{/m, '    core3: {',
    `33:5: table1.cells.core3: unknown cpu model "core3": expected one of the models in ${join(REFERENCE_FILE, '../../cpu')}: core2, nehalem, penryn, pentium4, sandybridge, westmere; did you mean "core2"? (in the reference data)`],
  ['an unknown forkwait CPU model', /(forkwait:\n.*\n {2}cpu: )pentium4/, '$1pentium5',
    `41:8: forkwait.cpu: unknown cpu model "pentium5": expected one of the models in ${join(REFERENCE_FILE, '../../cpu')}: core2, nehalem, penryn, pentium4, sandybridge, westmere; did you mean "pentium4"? (in the reference data)`],
  ['a misspelt forkwait mode', /^ {4}software: \[36\.9, fitted\]/m, '    softwar: [36.9, fitted]',
    '45:5: forkwait.cells.softwar: unknown mode "softwar": expected one of the modes of scenarios/paper/forkwait.yaml: native, software, hardware, nested, interpreter, trap-and-emulate; did you mean "software"? (in the reference data)'],
  ['a misspelt Figure 5 bar (its model was 0)', /^ {4}syscall: {3}\{ software/m, '    syscal:    { software',
    '52:5: figure5.bars.syscal: unknown Figure 5 bar "syscal": expected one of syscall, in/out, cr8wr, callret, pgfault, ptemod, translate, total; did you mean "syscall"? (in the reference data)'],
  ['a Figure 5 mode validate does not run', /(syscall: {3}\{ software: \[0\.60, predicted, 30\], )hardware/, '$1nested',
    '52:51: figure5.bars.syscall.nested: unknown mode "nested": expected one of the modes Figure 5 compares: native, software, hardware (in the reference data)'],
  ['a walk-ratio range with low above high', /^ {2}low: 3\.9$/m, '  low: 5.9',
    '36:8: walkRatio.low: the range is reversed (low is above high); expected low ≤ high (in the reference data)'],
  ['a Figure 4 cell too small to be a measurement (its error was +Infinity%)', /\[247, predicted\]/, '[1e-310, predicted]',
    '22:75: figure4.cells.syscall.hardware[0]: expected ≥ 0.000001, got number 1e-310 (in the reference data)'],
  ['a negative forkwait time', /^ {4}native: \[6\.02, input\]/m, '    native: [-6, input]',
    '44:14: forkwait.cells.native[0]: expected ≥ 0.000001, got number -6 (in the reference data)'],
  ['a Figure 5 overhead too small to be a measurement', /cr8wr: {5}\{ software: \[-0\.11/, 'cr8wr:     { software: [-1e-9',
    '54:29: figure5.bars.cr8wr.software[0]: expected 0 or a magnitude of at least 0.000001: a smaller one is not a measurement, and the error against it overflows (in the reference data)'],
  ['an unknown key', /^ {2}tolerance: 5$/m, '  tolerance: 5\n  tolerence: 6',
    '20:3: figure4.tolerence: unknown key "tolerence"; did you mean "tolerance"? (in the reference data)'],
];

describe('validate --reference: a reference naming what validate does not run is refused at its line', () => {
  it.each(CASES.map((c, i) => [c[0], i] as const))('%s', async (name, i) => {
    const [, from, to, message] = CASES[i];
    const file = edited(`case-${i}`, from, to);
    const out = join(tmp, `out-${i}`);
    const r = await runMain(['validate', '--reference', file, '--out', out]);
    expect(r.stderr).toBe(`vmmsim: ${file}:${message}\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(out), 'nothing written').toBe(false);
  });
});

describe('validate --tolerance: a plain decimal percentage from 0.000001 to 1000', () => {
  it.each([['0x10'], ['1e-320'], ['1e2'], ['Infinity'], ['0'], ['0.0000001'], ['1001'], ['-5'], ['five'], ['']])('--tolerance %j is refused: exit 2, nothing written', async (value) => {
    const out = join(tmp, `tol-${value.replace(/\W/g, '_')}`);
    const r = await runMain(['validate', '--tolerance', value, '--out', out]);
    expect(r.stderr).toBe(`vmmsim: --tolerance: --tolerance must be a percentage from 0.000001 to 1000, written as a decimal number such as 5 or 2.5%, got "${value}"\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out), 'nothing written').toBe(false);
  });
});
