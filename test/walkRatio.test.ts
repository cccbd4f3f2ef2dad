// End-to-end: `vmmsim walk-ratio` on a short scenario, and memory streams
// through `vmmsim run` under every mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });

describe('vmmsim walk-ratio', () => {
  it('prints the 2D/native table with 24 references per 2D walk and writes the same text to --out', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-')), 'mmu', 'walk-ratio.txt');
    const r = cli('walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--out', out);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    const row = r.stdout.split('\n').find((l) => l.startsWith('MiscServer'))!;
    const cells = row.trim().split(/\s+/);
    expect(cells[1]).toBe('294.3'); // the paper's rate, printed beside the model's
    expect(Number(cells[5])).toBe(24);
    const ratio = Number(cells[6].replace('×', ''));
    expect(ratio).toBeGreaterThan(3);
    expect(ratio).toBeLessThan(6); // between "every reference misses alike" (6×) and "only leaves miss" (~3.3×)
  });

  it('a page-walk cache shortens 2D walks more than native ones, lowering the ratio', () => {
    const ratio = (design: string) => {
      const r = cli('walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--no-write', '--set', `cpu.mmu.pwc.design=${design}`);
      expect(r.status).toBe(0);
      return Number(r.stdout.split('\n').find((l) => l.startsWith('MiscServer'))!.trim().split(/\s+/)[6].replace('×', ''));
    };
    expect(ratio('2D_PWC+NT')).toBeLessThan(ratio('none'));
  });

  it('a bad PWC design is a located input error and nothing is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-'));
    const r = cli('walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--out', join(dir, 'x.txt'), '--set', 'cpu.mmu.pwc.design=3D_PWC');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pwc\.design/);
    expect(readdirSync(dir)).toEqual([]);
  });
  it('a workload that makes no page walks is bad input naming it, not a NaN ratio', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-'));
    const r = cli('walk-ratio', 'test/corpus/good.yaml', '--out', join(dir, 'x.txt'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: test\/corpus\/good\.yaml:\d+:\d+: workloads\[0\]: workload "a" makes no page walks natively/);
    expect(r.stdout).not.toMatch(/NaN/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('without FILE it finds its own scenario from any working directory', () => {
    // A bad --set fails after the scenario is found and before anything runs, so this stays fast.
    const r = spawnSync(process.execPath, [join(process.cwd(), 'dist/cli/main.js'), 'walk-ratio', '--no-write', '--set', 'cpu.mmu.pwc.design=3D_PWC'], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'vmmsim-')) });
    expect(r.stderr).not.toMatch(/not found/);
    expect(r.stderr).toMatch(/pwc\.design/);
    expect(r.status).toBe(2);
  });
});

describe('docs and results', () => {
  it('docs/address-translation.md shows the committed walk-ratio table exactly', () => {
    const table = readFileSync('results/mmu/walk-ratio.txt', 'utf8');
    expect(readFileSync('docs/address-translation.md', 'utf8')).toContain(table.trimEnd());
    const ratios = [...table.matchAll(/(\d+\.\d+)×\n/g)].map((m) => Number(m[1]));
    expect(ratios).toHaveLength(5);
    for (const r of ratios) expect(r >= 3.9 && r <= 4.6).toBe(true);
  });
});

describe('memory op validation', () => {
  it('a hot set larger than the working set is exit 2 naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, [
      'name: bad', 'workloads:', '  - name: w', '    ops:',
      '      - { op: memory, accesses: 10, pattern: hotset, workingSetBytes: 8192, hotSetBytes: 16384 }', '',
    ].join('\n'));
    const r = cli('check', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+: .*hotSetBytes.*larger than the working set/);
  });
});

describe('memory streams under every mode', () => {
  it('natively and under shadow paging a walk is 1D; under nested paging 2D, with the same TLB misses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, [
      'name: mem', 'cpu: pentium4', 'vmms: [native, software, hardware, nested]',
      'workloads:', '  - name: stream', '    repeat: 2', '    ops:',
      '      - { op: memory, accesses: 20000, pattern: uniform, workingSetBytes: 67108864 }', '',
    ].join('\n'));
    const r = cli('run', file, '--format', 'json');
    expect(r.status).toBe(0);
    const recs = JSON.parse(r.stdout) as Array<{ vmm: string; metrics: Record<string, number>; breakdown: Record<string, { count: number; cycles: number }> }>;
    const by = Object.fromEntries(recs.map((x) => [x.vmm, x]));
    const levels = 2; // pentium4's guest page table (32-bit guests)
    for (const mode of ['native', 'software', 'hardware']) {
      expect(by[mode].metrics.walkReferences).toBe(by[mode].metrics.tlbMisses * levels);
    }
    expect(by.nested.metrics.tlbMisses).toBe(by.native.metrics.tlbMisses);
    expect(by.nested.metrics.walkReferences).toBe(by.nested.metrics.tlbMisses * (levels * 4 + levels + 4));
    expect(by.nested.breakdown.tlbmiss.count).toBe(by.nested.metrics.tlbMisses);
    expect(by.nested.breakdown.tlbmiss.cycles).toBeGreaterThan(by.native.breakdown.tlbmiss.cycles);
  });
});
