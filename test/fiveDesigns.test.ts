// The five-designs teaching scenario: it runs the paper's nanobenchmarks and
// forkwait under all six modes, its committed results and chart are what the
// command writes today, and docs/modes.md quotes those results and names the
// source of every parameter of the two new modes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenario } from '../src/config/load.js';
import { overheadSeconds, toFigure5 } from '../src/report/figure5.js';
import { runScenario } from '../src/run/runScenario.js';
import type { ResultRecord } from '../src/run/record.js';
import { MODE_IDS } from '../src/vmm/registry.js';

const SCENARIO = 'scenarios/examples/five-designs.yaml';
const COMMITTED = 'results/five-designs';
const REGENERATE = `regenerate with: node dist/cli/main.js run ${SCENARIO} --out ${COMMITTED} --charts --force, then update docs/modes.md`;
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8' });
const yaml = (file: string) => parse(readFileSync(file, 'utf8')) as { vmms: string[]; workloads: unknown[] };

/** The summary block ("mode seconds cycles/iter % of native" and one row per mode) of one workload in table output. */
function summaryBlock(table: string, workload: string): string {
  const start = table.indexOf(`five-designs / ${workload} on `);
  expect(start, `no ${workload} section`).toBeGreaterThanOrEqual(0);
  return table.slice(start, table.indexOf('\n\n', start));
}

describe('scenarios/examples/five-designs.yaml', () => {
  it('runs every registered mode, and its workloads are exactly the paper\'s nanobenchmarks and forkwait', () => {
    const s = yaml(SCENARIO);
    expect(s.vmms).toEqual([...MODE_IDS]);
    expect(s.workloads).toEqual([...yaml('scenarios/paper/nanobench.yaml').workloads, ...yaml('scenarios/paper/forkwait.yaml').workloads]);
  });

  const out = join(mkdtempSync(join(tmpdir(), 'vmmsim-five-')), 'out');
  const run = cli('run', SCENARIO, '--out', out);

  it('`vmmsim run` prints all six modes for every workload', () => {
    expect(run.status, run.stderr).toBe(0);
    for (const w of ['syscall', 'in', 'cr8wr', 'callret', 'pgfault', 'divzero', 'ptemod', 'forkwait']) {
      const rows = summaryBlock(run.stdout, w).split('\n').slice(2).map((l) => l.split(/ +/)[0]);
      expect([w, rows]).toEqual([w, [...MODE_IDS]]);
    }
  });

  it('the committed table and results are what the command writes now', () => {
    for (const f of ['table.txt', 'results.csv', 'results.json']) {
      expect(readFileSync(join(COMMITTED, f), 'utf8'), `${COMMITTED}/${f} is stale; ${REGENERATE}`).toBe(readFileSync(join(out, f), 'utf8'));
    }
  });

  it('commits its charts as SVG and PNG', () => {
    const charts = readdirSync(join(COMMITTED, 'charts')).sort();
    expect(charts).toEqual(['cycles.png', 'cycles.svg', 'figure5.png', 'figure5.svg', 'overhead.png', 'overhead.svg', 'time-breakdown.png', 'time-breakdown.svg']);
    for (const c of charts.filter((n) => n.endsWith('.png'))) expect(readFileSync(join(COMMITTED, 'charts', c)).subarray(1, 4).toString()).toBe('PNG');
    const svg = readFileSync(join(COMMITTED, 'charts', 'cycles.svg'), 'utf8');
    for (const m of MODE_IDS) expect(svg).toContain(`>${m}<`);
  });

  it('forkwait orders the designs as the notes argue: the interpreter far behind native and behind all, trap-and-emulate behind binary translation', () => {
    const seconds = Object.fromEntries(summaryBlock(run.stdout, 'forkwait').split('\n').slice(2).map((l) => {
      const [mode, s] = l.split(/ +/);
      return [mode, Number(s)];
    }));
    const others = MODE_IDS.filter((m) => m !== 'interpreter').map((m) => seconds[m]);
    expect(seconds.interpreter).toBeGreaterThan(30 * seconds.native);
    expect(seconds.interpreter).toBeGreaterThan(2 * Math.max(...others));
    expect(seconds['trap-and-emulate']).toBeGreaterThan(seconds.software);
    expect(seconds.software).toBeGreaterThan(seconds.native);
  });
});

describe('docs/modes.md', () => {
  const doc = readFileSync('docs/modes.md', 'utf8');
  /** The page with every run of white space one space, so prose checks do not depend on where lines wrap. */
  const flat = doc.replace(/\s+/g, ' ');

  it('quotes the committed forkwait results exactly', () => {
    const table = readFileSync(join(COMMITTED, 'table.txt'), 'utf8');
    expect(doc, `docs/modes.md does not quote ${COMMITTED}/table.txt; ${REGENERATE}`).toContain('```\n' + summaryBlock(table, 'forkwait') + '\n```');
  });

  it('quotes the Figure 5 form of the committed forkwait results exactly', () => {
    const records = (JSON.parse(readFileSync(join(COMMITTED, 'results.json'), 'utf8')) as ResultRecord[]).filter((r) => r.workload === 'forkwait');
    expect(doc, `docs/modes.md does not quote the Figure 5 form of ${COMMITTED}; ${REGENERATE}`).toContain('```\n' + toFigure5(records) + '```');
  });

  it('states forkwait\'s ordering, overheads and counts in its prose as the committed results have them', () => {
    const records = (JSON.parse(readFileSync(join(COMMITTED, 'results.json'), 'utf8')) as ResultRecord[]).filter((r) => r.workload === 'forkwait');
    const by = (m: string) => records.find((r) => r.vmm === m)!;
    const s1 = (m: string) => by(m).seconds.toFixed(1);
    const over = (m: string, cat: string) => `+${overheadSeconds(by(m), cat).toFixed(1)} s`;
    expect(flat).toContain(`native < BT < trap-and-emulate ≪ interpreter: ${s1('native')} s < ${s1('software')} s < ${s1('trap-and-emulate')} s ≪ ${s1('interpreter')} s.`);
    expect(flat).toContain(`(${s1('hardware')} s)`);
    expect(flat).toContain(`BT's ${by('software').seconds.toFixed(2)} s`);
    expect(flat).toContain(`compute overhead (${over('trap-and-emulate', 'compute')})`);
    expect(flat).toContain(`PTE stores (${over('trap-and-emulate', 'ptemod')})`);
    expect(flat).toContain(`in-TC sequences (${over('software', 'ptemod')})`);
    expect(flat).toContain(`(${over('software', 'hiddenpf')} under BT, ${over('trap-and-emulate', 'hiddenpf')} under trap-and-emulate`);
    expect(flat).toContain(`compute alone adds ${over('interpreter', 'compute')} of its +${(by('interpreter').seconds - by('native').seconds).toFixed(1)} s overhead`);
    // Kernel instructions per iteration: native compute cycles over the Pentium 4's kernel CPI of 3; each traps 0.002 times.
    const kernel = by('native').breakdown.compute!.cycles / by('native').metrics.iterations / 3.0;
    expect(flat).toContain(`~${Math.round(kernel / 1000)},000 kernel instructions per iteration`);
    expect(flat).toContain(`~${Math.round(kernel * 0.002)} interrupt-flag instructions per iteration`);
  });

  it('names every parameter of the two new modes and of the CPU models\' cpi, each with a source', () => {
    for (const file of ['models/vmm/interpreter.yaml', 'models/vmm/trap-and-emulate.yaml']) {
      for (const key of Object.keys(parse(readFileSync(file, 'utf8')) as object)) {
        const row = doc.split('\n').find((l) => l.startsWith(`| \`${key}\``));
        expect(row, `${key} (${file}) has no row in docs/modes.md`).toBeDefined();
        expect(row!, `${key}: no source`).toMatch(/\[text\]|\[Fig4 fit|ESTIMATE/);
      }
    }
    expect(doc).toMatch(/\| `cpi\.user`/);
    expect(doc).toMatch(/\| `cpi\.kernel`/);
  });

  it('states what forkwait takes under trap-and-emulate with a paravirtualized kernel (no interrupt-flag traps), as the model computes it', () => {
    const l = loadScenario(SCENARIO, { set: ['vmms=[trap-and-emulate]', 'vmm.trap-and-emulate.sensitivePerKernelInstruction=0'] });
    const [rec] = runScenario({ ...l, workloads: l.workloads.filter((w) => w.name === 'forkwait') });
    expect(flat).toContain(`drops to ${rec.seconds.toFixed(2)} s`);
  });

  it('lists the x86 instructions that escape trap-and-emulate', () => {
    for (const insn of ['popf', 'pushf', 'sgdt', 'sidt', 'sldt', 'smsw', 'str', 'lar', 'lsl', 'verr', 'verw', '`mov` from `cs`']) expect(doc).toContain(insn);
  });
});
