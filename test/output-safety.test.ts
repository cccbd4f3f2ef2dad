// End-to-end: what `vmmsim run --out` may and may not write, and how an
// internal error ends — through the CLI's main(), and the built CLI where the
// exit code itself is the point.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, STACK_LINE } from './support/runCli.js';
import { runMain } from './support/runMain.js';

const GOOD = 'test/fixtures/ok.yaml';
let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vmmsim-out-'));
});

describe('output safety through the CLI', () => {
  it('a run writes its files and manifest into --out and nothing beside it', async () => {
    const out = join(root, 'out');
    const r = await runMain(['run', GOOD, '--out', out]);
    expect(r.status).toBe(0);
    expect(readdirSync(root)).toEqual(['out']);
    expect(readdirSync(out).sort()).toEqual(['.vmmsim.json', 'results.csv', 'results.json', 'table.txt']);
  });

  it('a results directory that cannot be created (under a regular file) is bad input: exit 2, the flag named, nothing written', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    const r = await runCli(['run', GOOD, '--out', join(file, 'out')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vmmsim: --out ${join(file, 'out')}: ${file} is a regular file, not a directory; expected a directory that exists or can be created, and that vmmsim may write into\n`);
    expect(r.stdout).toBe('');
    expect(readdirSync(root)).toEqual(['plain-file']);
  });

  it('--out naming an existing file is bad input: exit 2', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'keep');
    const r = await runMain(['run', GOOD, '--out', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vmmsim: --out ${file}: exists and is not a directory; expected a results directory\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  });

  it('refuses to overwrite results of a different scenario without --force, and overwrites with it', async () => {
    const out = join(root, 'out');
    expect((await runMain(['run', GOOD, '--out', out])).status).toBe(0);
    const before = readFileSync(join(out, 'results.json'), 'utf8');
    const other = await runMain(['run', 'scenarios/default.yaml', '--out', out, '--set', 'workloads.0.repeat=10']);
    expect(other.status).toBe(2);
    expect(other.stderr).toBe(`vmmsim: --out ${out}: holds results of scenario "ok", not "default"; refusing to overwrite them: choose another --out, or pass --force\n`);
    expect(other.stdout).toBe('');
    const reseeded = await runMain(['run', GOOD, '--out', out, '--set', 'seed=2']);
    expect(reseeded.status).toBe(2);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(before);
    const again = await runMain(['run', GOOD, '--out', out]);
    expect(again.status).toBe(0);
    const forced = await runMain(['run', GOOD, '--out', out, '--set', 'seed=2', '--force']);
    expect(forced.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))[0].seed).toBe(2);
  });

  it('a symlink planted in --out is replaced, never written through', async () => {
    const out = join(root, 'out');
    expect((await runMain(['run', GOOD, '--out', out])).status).toBe(0);
    const victim = join(root, 'victim');
    writeFileSync(victim, 'precious');
    rmSync(join(out, 'results.csv'));
    symlinkSync(victim, join(out, 'results.csv'));
    const r = await runMain(['run', GOOD, '--out', out]);
    expect(r.status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toMatch(/^point,replicate,seed/);
  });
});

describe('a single output file (--out FILE)', () => {
  it.each([[''], ['.'], ['..'], ['sub/']])('walk-ratio --out %j is bad input, refused before anything runs', async (out) => {
    const t0 = process.cpuUsage();
    const r = await runMain(['walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--out', out === 'sub/' ? join(root, out) : out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmmsim: --out.*: (got an empty string|names a directory); expected a file name/);
    expect(process.cpuUsage(t0).user).toBeLessThan(2e6); // no simulation ran
    expect(readdirSync(root)).toEqual([]);
  });

  it('a FIFO named by --out is refused (exit 2), not replaced by a regular file, by walk-ratio and report', async () => {
    const fifo = join(root, 'x.html');
    execFileSync('mkfifo', [fifo]);
    const w = await runMain(['walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--out', fifo]);
    expect(w.status).toBe(2);
    expect(w.stderr).toBe(`vmmsim: --out ${fifo}: exists and is a FIFO, not a regular file, which writing would replace; expected a file name, such as results/x.txt, or an existing regular file to overwrite\n`);
    const res = join(root, 'res');
    expect((await runMain(['run', GOOD, '--out', res])).status).toBe(0);
    const r = await runMain(['report', res, '--out', fifo]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/exists and is a FIFO, not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['res', 'x.html']);
  });

  // `profile --out /dev/stdout` as root replaced the system's /dev/stdout link with a regular file (exit 0).
  it.each([
    ['/dev/null', () => '/dev/null'],
    ['a FIFO', () => (execFileSync('mkfifo', [join(root, 'fifo')]), join(root, 'fifo'))],
    ['a regular file', () => (writeFileSync(join(root, 'target.txt'), 'keep'), join(root, 'target.txt'))],
  ])('a symbolic link (to %s) named by --out is refused (exit 2), not replaced, by profile, report and walk-ratio', async (_name, target) => {
    const link = join(root, 'link.html');
    symlinkSync(target(), link);
    const res = join(root, 'res');
    expect((await runMain(['run', GOOD, '--out', res])).status).toBe(0);
    const message = `vmmsim: --out ${link}: is a symbolic link, which writing would replace with a regular file (not write through); `;
    for (const args of [['profile', '--from', 'test/fixtures/profile/perf-x.txt'], ['report', res], ['walk-ratio', 'test/fixtures/walk-ratio-small.yaml', '--force']]) {
      const r = await runMain([...args, '--out', link]);
      expect(r.stderr.startsWith(message), `${args[0]}: ${r.stderr}`).toBe(true);
      expect(r.status).toBe(2);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    }
    expect(readdirSync(root).filter((f) => !['res', 'link.html', 'fifo', 'target.txt'].includes(f))).toEqual([]);
  });
});

/** Every command that takes --out, with inputs that make it quick; `dir`: whether --out names a directory (else a file). */
const OUT_COMMANDS: Array<{ cmd: string; args: (res: string) => string[]; dir: boolean }> = [
  { cmd: 'run', args: () => ['run', GOOD], dir: true },
  { cmd: 'sweep', args: () => ['sweep', GOOD, '-q', '-j', '1'], dir: true },
  { cmd: 'merge', args: (res) => ['merge', res], dir: true },
  { cmd: 'plot', args: (res) => ['plot', res], dir: true },
  { cmd: 'report', args: (res) => ['report', res], dir: false },
  { cmd: 'walk-ratio', args: () => ['walk-ratio', 'test/fixtures/walk-ratio-small.yaml'], dir: false },
  { cmd: 'profile', args: () => ['profile', '--from', 'test/fixtures/profile/perf-x.txt'], dir: false },
  { cmd: 'validate', args: () => ['validate'], dir: true },
  { cmd: 'sensitivity', args: () => ['sensitivity', 'test/fixtures/sensitivity-syscall.yaml', '-j', '1'], dir: true },
  { cmd: 'predict', args: () => ['predict', '--scenarios', 'forkwait', '-j', '1'], dir: true },
  { cmd: 'reproduce', args: () => ['reproduce', 'nanobench'], dir: true },
];

describe('an --out that cannot be written is bad input for every command: exit 2 naming the flag, before anything runs, nothing written', () => {
  /** A sweep directory (results.json, points/, sweep.json) for merge, plot and report to read. */
  let res = '';
  beforeAll(async () => {
    res = mkdtempSync(join(tmpdir(), 'vmmsim-out-res-'));
    expect((await runMain(['sweep', GOOD, '-q', '-j', '1', '--out', res])).status).toBe(0);
  });
  afterAll(() => rmSync(res, { recursive: true, force: true }));
  const named = (c: (typeof OUT_COMMANDS)[number], out: string) => (c.cmd === 'report' ? join(out, 'r.html') : c.dir ? out : join(out, 'x.txt'));

  it.each(OUT_COMMANDS.map((c) => [c.cmd, c] as const))('%s --out under a regular file', async (_name, c) => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'keep');
    const out = named(c, join(file, 'sub'));
    const r = await runMain([...c.args(res), '--out', out]);
    expect(r.stderr).toBe(`vmmsim: --out ${out}: ${file} is a regular file, not a directory${c.dir ? '' : ' (the directory of the file)'}; ` +
      'expected a directory that exists or can be created, and that vmmsim may write into\n');
    expect(r.status).toBe(2);
    expect(readdirSync(root)).toEqual(['plain-file']);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  }, 120_000);

  it.each(OUT_COMMANDS.filter((c) => c.dir).map((c) => [c.cmd, c] as const))('%s --out naming a regular file', async (_name, c) => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'keep');
    const r = await runMain([...c.args(res), '--out', file]);
    expect(r.stderr).toMatch(new RegExp(`^vmmsim: --out ${file}: exists and is (not a directory; expected a results directory|a regular file, not a directory; expected a directory)`));
    expect(r.status).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  }, 120_000);

  // /proc refuses a mkdir its mode bits allow (root passes every permission check): a read-only place even for root.
  // Node's recursive mkdir looped there forever, holding SIGTERM, so these run as subprocesses with a kill timer.
  it.runIf(existsSync('/proc/self'))('every command refuses --out in /proc, which cannot be written', async () => {
    const bad = `/proc/vmmsim-test-${process.pid}`;
    for (const c of OUT_COMMANDS) {
      const out = named(c, bad);
      const r = await runCli([...c.args(res), '--out', out], {}, 30_000);
      expect(r.stderr, c.cmd).toMatch(new RegExp(`^vmmsim: --out ${out}: (${bad} )?cannot be created.*; expected a directory that exists or can be created, and that vmmsim may write into\n$`));
      expect(r.status, c.cmd).toBe(2);
      expect(existsSync(bad)).toBe(false);
    }
    const r = await runCli(['run', GOOD, '--out', '/proc'], {}, 30_000);
    expect(r.stderr).toMatch(/^vmmsim: --out \/proc: cannot be written: .*\n$/);
    expect(r.status).toBe(2);
  }, 300_000);
});

describe('internal errors', () => {
  it('a bug prints one short line naming the stack file, exits 1 and writes no results', async () => {
    const out = join(root, 'out');
    const r = await runCli(['run', GOOD, '--out', out], { VMMSIM_INJECT_FAULT: 'run' });
    expect(r.status).toBe(1);
    const m = /^vmmsim: internal error: injected fault at "run" \(VMMSIM_INJECT_FAULT is set\)\. The full stack trace is in (\S+)\. Please report it\.\n$/.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe('');
    const stack = readFileSync(m![1], 'utf8');
    expect(stack).toMatch(/Error: injected fault at "run"/);
    expect(stack).toMatch(STACK_LINE);
    expect(existsSync(out)).toBe(false);
    rmSync(join(m![1], '..'), { recursive: true });
  });

  it('the fault hook fires only for its exact site name', async () => {
    const r = await runMain(['run', GOOD], { VMMSIM_INJECT_FAULT: 'Run' });
    expect(r.status).toBe(0);
  });
});
