// End-to-end: the built CLI (dist/) as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/cli/commands/schema.js';
import { MODE_IDS, MODES } from '../src/vmm/registry.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });

describe('vmmsim CLI', () => {
  it('run --format json prints one record per workload × mode with the documented fields', () => {
    const r = cli('run', 'scenarios/default.yaml', '--format', 'json');
    expect(r.status).toBe(0);
    const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(records.length).toBeGreaterThan(0);
    for (const rec of records) {
      for (const k of ['scenario', 'workload', 'vmm', 'cpu', 'seconds', 'cycles', 'breakdown', 'metrics']) expect(rec).toHaveProperty(k);
      const bd = rec.breakdown as Record<string, { count: number; cycles: number; overheadCycles: number }>;
      const sum = Object.values(bd).reduce((s, c) => s + c.cycles, 0);
      expect(sum).toBeCloseTo(rec.cycles as number, 6);
    }
    const syscall = records.find((x) => x.workload === 'syscall' && x.vmm === 'native')!;
    expect((syscall.metrics as Record<string, number>).cyclesPerIteration).toBe(243);
  });

  it('the same scenario and seed give byte-identical JSON', () => {
    const a = cli('run', 'scenarios/default.yaml', '--format', 'json');
    const b = cli('run', 'scenarios/default.yaml', '--format', 'json');
    expect(a.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('check on a broken file exits 2 with a located message and no stack trace', () => {
    const r = cli('check', 'test/fixtures/bad/unknown-key.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vmmsim: test/fixtures/bad/unknown-key.yaml:5:5: workloads[0].colour: unknown key "colour" (in the scenario)\n');
    expect(r.stdout).toBe('');
  });

  it('check counts a guest system\'s VMs and processes in the singular and the plural', () => {
    const one = cli('check', 'scenarios/measured/make-j2.yaml', '--no-estimate');
    expect(one.status).toBe(0);
    expect(one.stdout).toContain('make-j2 (1 VM, 1 process; ');
    const four = cli('check', 'scenarios/examples/four-vms.yaml', '--no-estimate');
    expect(four.stdout).toContain('mixed (4 VMs, 2 processes, 2 servers with clients; ');
  });

  it('run on a broken file writes nothing into --out', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-')), 'results');
    const r = cli('run', 'test/fixtures/bad/out-of-range.yaml', '--out', out);
    expect(r.status).toBe(2);
    expect(() => readdirSync(out)).toThrow();
  });

  it('run --out writes results.json, results.csv, table.txt and the manifest', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmmsim-'));
    const r = cli('run', 'test/fixtures/ok.yaml', '--out', out, '--format', 'csv');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.vmmsim.json', 'results.csv', 'results.json', 'table.txt']);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(r.stdout);
  });

  it('the CSV is long form with the documented header', () => {
    const r = cli('run', 'test/fixtures/ok.yaml', '--format', 'csv');
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toBe('point,replicate,seed,scenario,workload,vmm,cpu,category,metric,value');
    expect(rows).toContain('0,0,1,ok,a,native,pentium4,syscall,cycles,243');
  });

  it('a bad option value exits 2', () => {
    expect(cli('run', 'scenarios/default.yaml', '--format', 'xml').status).toBe(2);
  });

  it('a reader that closes the pipe early (| head) ends the command quietly, status 0, with its files written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-')), 'r');
    const child = spawn(process.execPath, ['dist/cli/main.js', 'run', 'scenarios/default.yaml', '--format', 'csv', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // every write the command makes meets EPIPE
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(readdirSync(out).sort()).toContain('results.csv');
  });

  it('charts of more workloads than they can draw are refused before the run, and by plot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmmsim-'));
    const file = join(dir, 'many.yaml');
    writeFileSync(file, `name: many\nworkloads:\n${Array.from({ length: 101 }, (_, i) => `  - { name: w${i}, repeat: 1, ops: [syscall] }\n`).join('')}`);
    const refused = 'charts are drawn for up to 100 workloads, and these results have 101; expected fewer workloads (split the scenario), or leave charts out and plot the CSV\n';
    const r = cli('run', file, '--out', join(dir, 'out'), '--charts');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vmmsim: --charts: ${refused}`);
    expect(readdirSync(dir)).toEqual(['many.yaml']);
    expect(cli('run', file, '--out', join(dir, 'out')).status).toBe(0);
    const p = cli('plot', join(dir, 'out'));
    expect(p.status).toBe(2);
    expect(p.stderr).toBe(`vmmsim: ${join(dir, 'out', 'results.json')}: ${refused}`);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['.vmmsim.json', 'results.csv', 'results.json', 'table.txt']);
  });

  it('docs/cli.md lists every flag of every command', async () => {
    const { buildProgram } = await import('../src/cli/program.js');
    const doc = readFileSync('docs/cli.md', 'utf8');
    const block = doc.slice(doc.indexOf('```\nvmmsim run '), doc.indexOf('vmmsim --help | --version'));
    const lines = block.split('\n');
    const footnote = block.slice(block.indexOf('  Every command'));
    const missing: string[] = [];
    for (const cmd of buildProgram().commands) {
      const name = cmd.name();
      let entry = '';
      let inside = false;
      for (const l of lines) {
        if (l.startsWith('vmmsim ') || l.startsWith('  Every command')) inside = l.startsWith(`vmmsim ${name} `) || l === `vmmsim ${name}`;
        if (inside) entry += `${l}\n`;
      }
      expect(entry, `vmmsim ${name} has no line in docs/cli.md`).not.toBe('');
      for (const o of cmd.options) {
        const flag = o.long!;
        if (!entry.includes(flag) && !(footnote.includes(flag) && new RegExp(`\\b${name}\\b`).test(footnote))) missing.push(`${name} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('--version and --help exit 0', () => {
    expect(cli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = cli('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/run \[options\] <file>/);
  });

  it('--help lists every registered execution mode with its description', () => {
    const h = cli('--help').stdout;
    for (const m of MODE_IDS) expect(h).toMatch(new RegExp(`\\n  ${m} +${MODES[m].description.slice(0, 20).replace(/[()]/g, '\\$&')}`));
  });

  it('scenarios/scenario.schema.json is the schema the code exports', () => {
    expect(readFileSync('scenarios/scenario.schema.json', 'utf8')).toBe(scenarioJsonSchema());
  });
});
