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

describe('docs/profile.md', () => {
  it('the forkwait rows hold the committed profile\'s counts per iteration and the paper scenario\'s estimates', () => {
    const fw = profile('forkwait');
    const n = 40000;
    const est = estimate('scenarios/paper/forkwait.yaml');
    const syscalls = (raw(fw, 'raw_syscalls:sys_enter') - 3) / n; // GNU time's clone, wait4, exit_group
    const faults = raw(fw, 'minor-faults') / n;
    const cs = raw(fw, 'context-switches') / n;
    const forks = (raw(fw, 'syscalls:sys_enter_clone') - 1) / n;
    expect(row('forkwait: system calls per iteration')).toEqual(['forkwait: system calls per iteration', String(est.syscall), syscalls.toFixed(2), ratio(syscalls, est.syscall)]);
    expect(row('forkwait: true page faults per iteration').slice(0, 3)).toEqual(['forkwait: true page faults per iteration', String(est.pgfault), faults.toFixed(1)]);
    expect(row('forkwait: true page faults per iteration')[3]).toBe(`**${ratio(faults, est.pgfault)} — more than 2×**`);
    expect(row('forkwait: context switches per iteration').slice(1)).toEqual([String(est.cr3write), cs.toFixed(2), ratio(cs, est.cr3write)]);
    expect(row('forkwait: processes created per iteration').slice(2)).toEqual([forks.toFixed(2), ratio(forks, 1)]);
    expect(doc).toContain(`\`exceptions:page_fault_user\` ${raw(fw, 'exceptions:page_fault_user').toLocaleString('en-US')}`);
    expect(doc).toContain(`\`exceptions:page_fault_kernel\` ${raw(fw, 'exceptions:page_fault_kernel').toLocaleString('en-US')}`);
    expect(fw).toMatch(/^ {10}- \{ use: cowFault, count: 10 \}$/m);
    expect(fw).toMatch(/^ {10}- \{ use: cowReuse, count: 10 \}$/m);
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
    expect(row('program start from a shell: system calls').slice(2)).toEqual([syscalls.toFixed(1), ratio(syscalls, 29)]);
    expect(row('program start from a shell: page faults').slice(2)).toEqual([faults.toFixed(1), ratio(faults, 90)]);
  });

  it('the make rows hold the committed profile\'s counts per gcc run and compile-lin\'s estimates per unit', () => {
    const mk = profile('make-j2');
    const runs = 50;
    const est = estimate('scenarios/paper/compile-lin.yaml');
    const syscalls = (raw(mk, 'raw_syscalls:sys_enter') - 3) / runs;
    const faults = raw(mk, 'minor-faults') / runs;
    const created = (raw(mk, 'syscalls:sys_enter_vfork') + raw(mk, 'syscalls:sys_enter_clone3')) / runs;
    expect(row('make: system calls per gcc run').slice(1)).toEqual([String(est.syscall), syscalls.toFixed(0), ratio(syscalls, est.syscall)]);
    expect(row('make: page faults per gcc run').slice(1)).toEqual([String(est.pgfault), faults.toFixed(0), ratio(faults, est.pgfault)]);
    expect(row('make: processes created per gcc run').slice(2, 3)).toEqual([created.toFixed(2)]);
    expect(row('make: processes created per gcc run')[3]).toBe(`**${ratio(created, 7)} — more than 2× (estimate higher)**`);
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
