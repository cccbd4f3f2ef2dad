// End-to-end: `vmmsim reproduce nanobench` as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });

describe('vmmsim reproduce nanobench', () => {
  it('prints every cell with its error and writes the same table to nanobench.md and nanobench.csv', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmmsim-repro-'));
    const r = cli('reproduce', 'nanobench', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('21 of 21 published cells within 5%');
    expect(r.stdout).toMatch(/ptemod\s+native\s+1\s+1\s+\+0\.0%/);
    expect(readdirSync(out).sort()).toEqual(['.vmmsim-shared', 'nanobench.csv', 'nanobench.md']);
    const csv = readFileSync(join(out, 'nanobench.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('benchmark,mode,cpu,modelCycles,publishedCycles,errorPercent');
    expect(csv).toHaveLength(1 + 7 * 6);
    expect(csv.find((l) => l.startsWith('ptemod,nested,'))).toBe('ptemod,nested,pentium4,1,,');
    // The modes the paper did not measure have no published value: rdtsc-priced traps, interpreted instructions.
    expect(csv.find((l) => l.startsWith('in,trap-and-emulate,'))).toBe('in,trap-and-emulate,pentium4,2030,,');
    expect(csv.find((l) => l.startsWith('callret,interpreter,'))).toBe('callret,interpreter,pentium4,400,,');
    expect(r.stdout).toContain('nested, interpreter and trap-and-emulate have no published column: they are the model\'s predictions.');
    expect(readFileSync(join(out, 'nanobench.md'), 'utf8')).toContain('| pgfault | hardware | 11,242 | 11,242 | +0.0% |');
  });

  it('on another CPU prints the model without published values', () => {
    const r = cli('reproduce', 'nanobench', '--no-write', '--set', 'cpu=core2');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No published values for this CPU');
  });

  it('an unknown experiment exits 2', () => {
    expect(cli('reproduce', 'macrobench', '--no-write').status).toBe(2);
  });
});

describe('docs/models.md', () => {
  it('shows the reproduction table exactly as `vmmsim reproduce nanobench` prints it', () => {
    const r = cli('reproduce', 'nanobench', '--no-write');
    expect(readFileSync('docs/models.md', 'utf8')).toContain('```\n' + r.stdout + '```');
  });

  it('and results/nanobench.md is what the command writes', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmmsim-repro-'));
    cli('reproduce', 'nanobench', '--out', out);
    expect(readFileSync('results/nanobench.md', 'utf8')).toBe(readFileSync(join(out, 'nanobench.md'), 'utf8'));
  });
});
