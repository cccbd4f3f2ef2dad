// docs/profile.md against what the repository has: the comparison table's
// measured counts come out of the committed profiles (scenarios/measured)
// and parser fixtures, its estimates out of the paper scenarios compiled
// against the guest profile. (Its Figure 5 block is a checked block of
// test/docs.test.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/load.js';
import { tallyOf } from '../src/profile/mixPlan.js';
import { TRACED_SYSCALLS } from '../src/profile/syscallClasses.js';
import { runCli } from './support/runCli.js';

const doc = readFileSync('docs/profile.md', 'utf8');
const profile = (name: string) => readFileSync(`scenarios/measured/${name}.yaml`, 'utf8');

/** A raw counter from a profile's provenance comments. */
function raw(text: string, counter: string): number {
  const m = new RegExp(`^#\\s+(?:perf|rusage|strace)\\s+${counter.replace(/[.:]/g, '\\$&')}(?: \\(\\w+\\))?\\s+([\\d.]+)\\s`, 'm').exec(text);
  if (!m) throw new Error(`no counter ${counter}`);
  return Number(m[1]);
}

/** Cells of the table row whose first cell is `label`. */
function row(label: string): string[] {
  const line = doc.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`docs/profile.md has no row "${label}"`);
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

/** Syscalls, faults and creations per iteration of a paper scenario's single process. */
function estimate(file: string): Record<string, number> {
  const w = loadScenario(file).workloads[0];
  const task = w.system!.guests[0].tasks[0];
  const loop = task.body.at(-1)!;
  return tallyOf('body' in loop ? loop.body : [loop]).kinds;
}

const ratio = (measured: number, est: number) => `${(measured / est).toFixed(2)}×`;

/**
 * The row `label` shows `est` (first in its cell), `measured` with `digits`
 * decimals, and their ratio; a ratio beyond 2× either way is called out.
 */
function expectRow(label: string, est: number, measured: number, digits: number): void {
  const [, estCell, measuredCell, ratioCell] = row(label);
  expect(estCell.split(' ')[0], label).toBe(String(est));
  expect(measuredCell, label).toBe(measured.toFixed(digits));
  expect(ratioCell.replaceAll('*', ''), label).toMatch(new RegExp(`^${ratio(measured, est).replace('.', '\\.')}`));
  if (measured / est > 2 || measured / est < 0.5) expect(ratioCell, label).toMatch(/more than 2×/);
}

describe('docs/profile.md', () => {
  it('the forkwait rows hold the committed profile\'s counts per iteration and the paper scenario\'s estimates', () => {
    const fw = profile('forkwait');
    const n = 40000;
    const est = estimate('scenarios/paper/forkwait.yaml');
    const syscalls = (raw(fw, 'raw_syscalls:sys_enter') - 3) / n; // GNU time's clone, wait4, exit_group
    const faults = raw(fw, 'minor-faults') / n;
    const cs = raw(fw, 'context-switches') / n;
    const forks = (raw(fw, 'syscalls:sys_enter_clone') - 1) / n;
    expectRow('forkwait: system calls per iteration', est.syscall, syscalls, 2);
    expectRow('forkwait: true page faults per iteration', est.pgfault, faults, 1);
    expectRow('forkwait: context switches per iteration', est.cr3write, cs, 2);
    expectRow('forkwait: processes created per iteration', 1, forks, 2);
    expect(doc).toContain(`\`exceptions:page_fault_user\` ${raw(fw, 'exceptions:page_fault_user').toLocaleString('en-US')}`);
    expect(doc).toContain(`\`exceptions:page_fault_kernel\` ${raw(fw, 'exceptions:page_fault_kernel').toLocaleString('en-US')}`);
    const perIteration = (what: string) => `${(Number(new RegExp(`^#   ${what} × (\\d+) `, 'm').exec(fw)![1]) / n).toFixed(1)} \`${what}\``;
    expect(doc).toContain(`maps them as ${perIteration('cowFault')} + ${perIteration('cowReuse')} per iteration`);
    expect(doc).toContain(`(${raw(fw, 'syscalls:sys_enter_set_robust_list').toLocaleString('en-US')} counted)`);
    const sys = /= ([\d.]+) s system time/.exec(fw)![1];
    expect(doc).toContain(`took ${sys} s of\nsystem time`);
  });

  it('the program-start rows hold the parser fixture\'s counts per /bin/true and execImage\'s estimates', () => {
    const fixture = readFileSync('test/fixtures/profile/perf-table-en_US.txt', 'utf8');
    const count = (name: string) => Number(new RegExp(`^\\s*([\\d,]+)\\s+${name}\\s`, 'm').exec(fixture)![1].replaceAll(',', ''));
    expect(fixture).toContain('-lt 300');
    const syscalls = count('raw_syscalls:sys_enter') / 300;
    const faults = count('page-faults') / 300;
    expectRow('program start from a shell: system calls', 29, syscalls, 1);
    expectRow('program start from a shell: page faults', 90, faults, 1);
  });

  it('the make rows hold the committed profile\'s counts per gcc run and compile-lin\'s estimates per unit', () => {
    const mk = profile('make-j2');
    const runs = 50;
    const est = estimate('scenarios/paper/compile-lin.yaml');
    const syscalls = (raw(mk, 'raw_syscalls:sys_enter') - 3) / runs;
    const faults = raw(mk, 'minor-faults') / runs;
    const created = (raw(mk, 'syscalls:sys_enter_vfork') + raw(mk, 'syscalls:sys_enter_clone3')) / runs;
    expectRow('make: system calls per gcc run', est.syscall, syscalls, 0);
    expectRow('make: page faults per gcc run', est.pgfault, faults, 0);
    expectRow('make: processes created per gcc run', 7, created, 2);
  });

  it('the tar row holds the committed profile\'s calls per file', () => {
    const files = 100 * 100;
    expect(row('tar: system calls per file archived')[2]).toBe(((raw(profile('tar'), 'raw_syscalls:sys_enter') - 3) / files).toFixed(2));
  });

  it('names as many calls counted by name as the profiler counts', () => {
    expect(doc).toContain(`\`syscalls:sys_enter_NAME\` for ${TRACED_SYSCALLS.length} calls by name`);
    expect(doc).toContain(`Only ${TRACED_SYSCALLS.length} calls are`);
  });

  it('every committed profile passes vmmsim check', async () => {
    for (const name of ['forkwait', 'make-j2', 'tar']) {
      const r = await runCli(['check', `scenarios/measured/${name}.yaml`]);
      expect(r.status, r.stderr).toBe(0);
    }
  }, 60_000);
});
