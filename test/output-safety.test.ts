// End-to-end: what `vmmsim run --out` may and may not write, and how an
// internal error ends — through the CLI's main(), and the built CLI where the
// exit code itself is the point.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
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

  it('a results directory that cannot be created is an I/O failure: exit 1, one clear line, nothing written', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    const r = await runCli(['run', GOOD, '--out', join(file, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`vmmsim: cannot create --out ${join(file, 'out')}: ${file} is not a directory\n`);
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
