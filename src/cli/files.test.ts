import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../config/errors.js';
import { MANIFEST_NAME, OutputDir, OutputError, scenarioIdentity, writeInside, writeResultFiles } from './files.js';

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vmmsim-files-'));
});

const idA = scenarioIdentity('a', { name: 'a', seed: 1 });
const idA2 = scenarioIdentity('a', { name: 'a', seed: 2 });
const idB = scenarioIdentity('b', { name: 'b', seed: 1 });

describe('scenarioIdentity', () => {
  it('does not depend on key order, but on every value and on the --set flags', () => {
    expect(scenarioIdentity('a', { seed: 1, name: 'a' })).toEqual(idA);
    expect(idA2.hash).not.toBe(idA.hash);
    expect(scenarioIdentity('a', { name: 'a', seed: 1 }, ['cpu.clockGHz=2']).hash).not.toBe(idA.hash);
  });
});

describe('OutputDir', () => {
  it('claiming checks only: a refused or abandoned claim creates nothing', () => {
    const dir = join(root, 'new', 'deeper');
    OutputDir.claim(dir, idA);
    expect(existsSync(join(root, 'new'))).toBe(false);
  });

  it('a claim leaves temporary files alone (another vmmsim may stage them once the check is made); the write, holding the lock, removes a killed run\'s', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'sub/y.txt': 'y' });
    const staged = ['.vmmsim-tmp-999999-a', 'sub/.vmmsim-tmp-999999-b'];
    for (const f of staged) writeFileSync(join(dir, f), 'staged');
    const out = OutputDir.claim(dir, idA);
    for (const f of staged) expect(existsSync(join(dir, f))).toBe(true);
    out.write({ 'x.txt': 'x' });
    for (const f of staged) expect(existsSync(join(dir, f))).toBe(false);
  });

  it('writes every file and a manifest naming the scenario and its files', () => {
    const dir = join(root, 'out');
    const paths = OutputDir.claim(dir, idA).write({ 'x.txt': 'x', 'sub/y.txt': 'y' });
    expect(paths).toEqual([join(dir, 'x.txt'), join(dir, 'sub/y.txt')]);
    expect(readFileSync(join(dir, 'sub/y.txt'), 'utf8')).toBe('y');
    expect(JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8'))).toEqual({ tool: 'vmmsim', ...idA, files: ['sub/y.txt', 'x.txt'] });
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, 'sub', 'x.txt']); // no temporary files left
  });

  it('a name the file system refuses (too long) fails before any file is renamed: the earlier results stay, nothing new appears', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'results.json': 'old' });
    const long = `charts/${'x'.repeat(300)}.svg`;
    expect(() => OutputDir.claim(dir, idA).write({ 'results.json': 'new', 'table.txt': 't', [long]: 'svg' })).toThrow(OutputError);
    expect(() => OutputDir.claim(dir, idA).write({ 'results.json': 'new', [long]: 'svg' })).toThrow(/the name is too long.*nothing was written/);
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, 'results.json']);
  });

  it('the same scenario may write again, and its manifest keeps the union of files', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'x.txt': '1' });
    OutputDir.claim(dir, idA).write({ 'y.txt': '2' });
    expect(JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')).files).toEqual(['x.txt', 'y.txt']);
  });

  it('refuses a directory written by another scenario, or another run of the same one, unless forced', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'x.txt': 'a' });
    expect(() => OutputDir.claim(dir, idB)).toThrow(new InputError('holds results of scenario "a", not "b"; refusing to overwrite them: choose another --out, or pass --force', { source: `--out ${dir}` }));
    expect(() => OutputDir.claim(dir, idA2)).toThrow(/holds results of another run of scenario "a" \(different content or --set flags\)/);
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('a');
  });

  it('--force overwrites another scenario and removes the files only that scenario wrote', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'x.txt': 'a', 'only-a.txt': 'a' });
    writeFileSync(join(dir, 'mine.txt'), 'the user’s own file');
    OutputDir.claim(dir, idB, { force: true }).write({ 'x.txt': 'b' });
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, 'mine.txt', 'x.txt']);
    expect(JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')).scenario).toBe('b');
  });

  it('--force over a sweep removes the files the sweep declared (sweep.json, points/ file by file), not the user\'s', () => {
    const dir = join(root, 'out');
    const sweep = OutputDir.claim(dir, idA);
    sweep.write({}, ['sweep.json', 'points/', 'summary.csv']);
    sweep.writeFiles({ 'sweep.json': '{}', 'points/000000-r000.json': '{}', 'points/000001-r000.json': '{}', 'summary.csv': 'x' });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    OutputDir.claim(dir, idB, { force: true }).write({ 'results.json': 'b' });
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, 'notes.txt', 'results.json']);
    // A resumed sweep of the same scenario keeps its points.
    const again = join(root, 'again');
    OutputDir.claim(again, idA).write({}, ['points/']);
    OutputDir.claim(again, idA).writeFiles({ 'points/000000-r000.json': '{}' });
    OutputDir.claim(again, idA).write({}, ['points/']);
    expect(readdirSync(join(again, 'points'))).toEqual(['000000-r000.json']);
    // A points/ that became a link is not followed.
    const linked = join(root, 'linked');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'keep.json'), 'keep');
    OutputDir.claim(linked, idA).write({}, ['points/']);
    symlinkSync(elsewhere, join(linked, 'points'));
    OutputDir.claim(linked, idB, { force: true }).write({ 'results.json': 'b' });
    expect(readdirSync(elsewhere)).toEqual(['keep.json']);
  });

  it('refuses a non-empty directory without a manifest unless forced, and accepts an empty one', () => {
    const dir = join(root, 'home');
    mkdirSync(dir);
    OutputDir.claim(dir, idA); // empty: fine
    writeFileSync(join(dir, 'thesis.tex'), '…');
    expect(() => OutputDir.claim(dir, idA)).toThrow(/is not empty and was not written by vmmsim \(no \.vmmsim\.json; it holds thesis\.tex\)/);
    OutputDir.claim(dir, idA, { force: true }).write({ 'x.txt': 'x' });
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('…');
  });

  it('refuses a manifest that is not one (garbage, or a symlink) unless forced', () => {
    const dir = join(root, 'out');
    mkdirSync(dir);
    symlinkSync('/etc/hostname', join(dir, MANIFEST_NAME));
    expect(() => OutputDir.claim(dir, idA)).toThrow(/holds a \.vmmsim\.json that is not a vmmsim manifest/);
    OutputDir.claim(dir, idA, { force: true }).write({ 'x.txt': 'x' });
    expect(lstatSync(join(dir, MANIFEST_NAME)).isSymbolicLink()).toBe(false);
  });

  it('replaces a symlink at a result name instead of writing through it', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'x.txt': 'first' });
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    rmSync(join(dir, 'x.txt'));
    symlinkSync(victim, join(dir, 'x.txt'));
    OutputDir.claim(dir, idA).write({ 'x.txt': 'second' });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'x.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('second');
  });

  it('never writes through a symlinked subdirectory, and leaves nothing behind when it refuses', () => {
    const dir = join(root, 'out');
    const outside = join(root, 'outside');
    mkdirSync(outside);
    OutputDir.claim(dir, idA).write({ 'x.txt': 'first' });
    symlinkSync(outside, join(dir, 'sub'));
    expect(() => OutputDir.claim(dir, idA).write({ 'x.txt': 'second', 'sub/y.txt': 'y' })).toThrow(OutputError);
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(dir, 'x.txt'), 'utf8')).toBe('first');
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, 'sub', 'x.txt']);
  });

  it('a file name that would leave the directory is a bug, refused before anything is written', () => {
    const out = OutputDir.claim(join(root, 'out'), idA);
    for (const bad of ['../x', 'a/../../x', '/etc/x', '', 'a//b', MANIFEST_NAME]) expect(() => out.write({ [bad]: 'x' })).toThrow(/^bug: result file name/);
    expect(existsSync(join(root, 'out'))).toBe(false);
  });

  it('a failure part-way removes the files already staged: all or nothing', () => {
    const dir = join(root, 'out');
    OutputDir.claim(dir, idA).write({ 'a.txt': 'old a', 'b.txt': 'old b' });
    mkdirSync(join(dir, 'c.txt')); // a directory where the last file goes
    expect(() => OutputDir.claim(dir, idA).write({ 'a.txt': 'new a', 'b.txt': 'new b', 'c.txt': 'new c' })).toThrow(
      new OutputError(`cannot write ${join(dir, 'c.txt')}: a directory is in the way; nothing was written`),
    );
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a');
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, 'a.txt', 'b.txt', 'c.txt']);
  });

  it('a path through a regular file is bad input found at claim time', () => {
    const file = join(root, 'plain');
    writeFileSync(file, '');
    expect(() => OutputDir.claim(join(file, 'out'), idA)).toThrow(
      new InputError(`${file} is a regular file, not a directory; expected a directory that exists or can be created, and that vmmsim may write into`, { source: `--out ${join(file, 'out')}` }));
    expect(() => OutputDir.claim(file, idA)).toThrow(InputError);
  });
});

describe('writeInside', () => {
  it('replaces the file whole and leaves no temporary file and no lock', () => {
    writeInside(root, { 'f.txt': 'one' });
    writeInside(root, { 'f.txt': 'two' });
    expect(readFileSync(join(root, 'f.txt'), 'utf8')).toBe('two');
    expect(readdirSync(root)).toEqual(['f.txt']);
  });
});

describe('signals held while writing', () => {
  it('writes in a row within one turn share one pair of listeners, and none is left once the loop has turned', async () => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); // the holds of earlier tests' writes end
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    for (let i = 0; i < 20; i++) writeResultFiles(join(root, `d${i}`), { 'a.txt': `${i}\n` });
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before.map((n) => n + 1));
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
    expect(readFileSync(join(root, 'd19', 'a.txt'), 'utf8')).toBe('19\n');
  });
});
