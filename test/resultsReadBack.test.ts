// The files of a results directory read back — points/*.json by a resumed
// sweep and by merge, sweep.json by merge, results.json by plot — are trusted
// only when they hold what vmmsim would write: a resumed sweep reruns a task
// whose file does not (and says so); merge and plot refuse it with exit 2 in
// one line naming the file and the key (or line and column), writing nothing.
// No number read back reaches the results unless it is finite.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './support/runMain.js';
import { tree } from './support/tree.js';

// 6 points × 2 replicates, workloads syscall and mix under native: task t is point ⌊t/2⌋, replicate t mod 2.
const SMALL = 'test/fixtures/sweep/small.yaml';

let base = '';
let reference = '';
/** The two shards of the sweep: 1/2 holds replicate 0 of every point, 2/2 replicate 1. */
let shards: [string, string] = ['', ''];
let n = 0;
const fresh = (name: string) => join(base, `${name}-${n++}`);
const sweep = (out: string, ...more: string[]) => runMain(['sweep', SMALL, '--out', out, '--jobs', '1', ...more]);

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'vmmsim-stored-'));
  reference = join(base, 'ref');
  expect((await sweep(reference, '--quiet')).status).toBe(0);
  shards = [join(base, 's1'), join(base, 's2')];
  for (const [i, s] of shards.entries()) expect((await sweep(s, '--quiet', '--shard', `${i + 1}/2`)).status).toBe(0);
}, 60_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('a file read back that is not what vmmsim writes is one line naming where', () => {
  it('a sweep.json that is not JSON names the line and column where it breaks', async () => {
    const dir = fresh('shard');
    cpSync(shards[1], dir, { recursive: true });
    writeFileSync(join(dir, 'sweep.json'), 'garbage\n');
    const out = fresh('merged');
    const r = await runMain(['merge', shards[0], dir, '--out', out]);
    expect(r.stderr).toBe(`vmmsim: ${join(dir, 'sweep.json')}:1:1: sweep.json file is not valid JSON: found "g" where a value should be\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a sweep.json of another shape names the key', async () => {
    const dir = fresh('shard');
    cpSync(shards[1], dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { fingerprints: string[] };
    m.fingerprints.pop();
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(m));
    const r = await runMain(['merge', shards[0], dir, '--out', fresh('merged')]);
    expect(r.stderr).toBe(`vmmsim: ${join(dir, 'sweep.json')}: fingerprints: expected one per task (12), got 11\n`);
    expect(r.status).toBe(2);
    writeFileSync(join(dir, 'sweep.json'), '{"vmmsim": "0.1.0"}');
    const s = await runMain(['merge', shards[0], dir, '--out', fresh('merged')]);
    expect(s.stderr).toBe(`vmmsim: ${join(dir, 'sweep.json')}: scenario: missing required key (expected a string) (in the sweep manifest)\n`);
    expect(s.status).toBe(2);
  });

  it('a results.json broken across lines names the line and column, on one line', async () => {
    const dir = fresh('results');
    cpSync(reference, dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), '[\n  {"scenario": "small",\n   "point": 0\n  \n');
    const r = await runMain(['plot', dir, '--out', fresh('charts')]);
    expect(r.stderr).toBe(`vmmsim: ${join(dir, 'results.json')}:5:1: results.json file is not valid JSON: found the end of the file where "," or "}" should be\n`);
    expect(r.status).toBe(2);
  });
});

/** Copies of both shards, with `spoil` applied to task file `name` of the shard that holds it (r000 files are in shard 1). */
function spoiledShards(name: string, spoil: (path: string) => void): { dirs: string[]; path: string } {
  const dirs = shards.map((s) => {
    const d = fresh('shard');
    cpSync(s, d, { recursive: true });
    return d;
  });
  const path = join(dirs[name.endsWith('r000.json') ? 0 : 1], 'points', name);
  spoil(path);
  return { dirs, path };
}

// Task files that cannot be read as JSON: [what, make the file at this path bad, the message after "FILE" (with its line:column)].
const files: Array<[string, (path: string) => void, RegExp]> = [
  ['malformed JSON', (p) => writeFileSync(p, '{"task": 3,\n  "records": [1,}\n'), /^:2:17: task file is not valid JSON: found "}" where a value should be$/],
  ['a link to /dev/urandom', (p) => (rmSync(p), symlinkSync('/dev/urandom', p)), /^: task file is a symbolic link, which vmmsim never reads through; expected the JSON file a sweep wrote$/],
];

describe('merge names a shard task file it cannot read, instead of calling its shard missing: exit 2, one line, nothing written', () => {
  it('(the shards merge when nothing is spoilt)', async () => {
    const out = fresh('merged');
    const r = await runMain(['merge', ...shards, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(tree(out)).toEqual(tree(reference));
  });

  it.each(files)('%s', async (_what, spoil, message) => {
    const { dirs, path } = spoiledShards('000001-r001.json', spoil);
    const out = fresh('merged');
    const r = await runMain(['merge', ...dirs, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.startsWith(`vmmsim: ${path}`)).toBe(true);
    expect(r.stderr.slice(`vmmsim: ${path}`.length, -1)).toMatch(message);
    expect(r.stderr.indexOf('\n')).toBe(r.stderr.length - 1);
    expect(existsSync(out)).toBe(false);
  });

  it('a task file over --max-results-bytes names the file and the flag', async () => {
    const out = fresh('merged');
    const size = statSync(join(shards[0], 'points', '000000-r000.json')).size;
    expect(statSync(join(shards[0], 'sweep.json')).size).toBeLessThan(size);
    const r = await runMain(['merge', ...shards, '--out', out, '--max-results-bytes', String(size - 1)]);
    expect(r.stderr).toBe(`vmmsim: ${join(shards[0], 'points', '000000-r000.json')}: task file is ${size.toLocaleString('en-US')} bytes; ` +
      `the limit is ${(size - 1).toLocaleString('en-US')} bytes (raise it with --max-results-bytes)\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

interface Task {
  records: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** Rewrite a stored task file: `change` edits the parsed task, or returns new text for the file. */
function edit(path: string, change: (task: Task, text: string) => string | void): void {
  const text = readFileSync(path, 'utf8');
  const task = JSON.parse(text) as Task;
  const out = change(task, text);
  writeFileSync(path, typeof out === 'string' ? out : JSON.stringify(task));
}

// [what, task file, change, the key the message names after "FILE: ", what merge says of it]. The files are in shard 2
// (replicate 1) unless named r000, so merge checks them against replicate 0 of their point in shard 1. A resumed sweep
// checks against the scenario itself, and may say more precisely what is wrong, of the same key.
const records: Array<[string, string, (t: Task, text: string) => string | void, string, RegExp]> = [
  ['an infinite number (1e999)', '000001-r001.json', (_, text) => text.replace(/"seconds":[0-9.e+-]+/, '"seconds":1e999'),
    'records[0].seconds', /^expected a finite number, got Infinity \(in the task file\)$/],
  ['a finite number too large for statistics (1e300: the summary\'s deviation was Infinity)', '000001-r001.json', (_, text) => text.replace(/"seconds":[0-9.e+-]+/, '"seconds":1e300'),
    'records[0].seconds', /^expected ≤ 1e\+100, got number 1e\+300 \(in the task file\)$/],
  ['a string for a number', '000001-r001.json', (t) => void (t.records[1].cycles = 'abc'), 'records[1].cycles', /^expected a number, got the string "abc"/],
  ['a negative count', '000002-r001.json', (t) => void ((t.records[0].breakdown as Record<string, { count: number }>).syscall.count = -1),
    'records[0].breakdown.syscall.count', /^expected ≥ 0, got number -1/],
  ['no records', '000001-r001.json', (t) => void (t.records = []), 'records', /^no records; a task holds one per workload × mode$/],
  ['records that are not a list', '000001-r001.json', (t) => void ((t as { records: unknown }).records = 'notalist'),
    'records', /^expected a list, got the string "notalist"/],
  ['a record repeated 1,000 times', '000000-r000.json', (t) => void (t.records = Array.from({ length: 1000 }, () => t.records[0])),
    'records[1]', /^one record too many: 1000 records, expected 1 \(one per workload × mode\); it repeats records\[0\], workload "syscall" under "native"$/],
  ['a record missing', '000001-r001.json', (t) => void t.records.pop(),
    'records', /^1 records, expected 2 \(one per workload × mode as in \S+000001-r000.json\); the first missing is workload "mix" under "native"$/],
  ['a workload the scenario does not have', '000001-r001.json', (t) => void (t.records[1].workload = 'zz'),
    'records[1].workload', /^expected "mix" \(records go one per workload × mode, in order as in \S+000001-r000.json\), got "zz"$/],
  ['a workload the scenario does not have, in replicate 0 of point 1', '000001-r000.json', (t) => void (t.records[1].workload = 'zz'),
    'records[1].workload', /^expected "mix" \(records go one per workload × mode, in order as in \S+000000-r000.json\), got "zz"$/],
  ['a mode vmmsim does not know', '000001-r001.json', (t) => void (t.records[0].vmm = 'warp'), 'records[0].vmm', /^expected one of "native", .*, got the string "warp"/],
  ['a mode the scenario does not run', '000001-r001.json', (t) => void t.records.forEach((r) => (r.vmm = 'hardware')), 'records[0].vmm', /^expected "native"/],
  ['the records of another point', '000001-r001.json', (t) => void t.records.forEach((r) => (r.point = 2)), 'records[0].point', /^expected 1 as in /],
  ['the sweep keys of another sweep, in replicate 0 of point 1', '000001-r000.json', (t) => void t.records.forEach((r) => (r.params = { x: 1 })),
    'records[0].params', /^expected the swept keys cpu.native.pageFaultCycles, cpu.native.syscallCycles, cpu.vmx.vmExitCycles as in \S+000000-r000.json, got x$/],
  ['the seed of another replicate', '000001-r001.json', (t) => void t.records.forEach((r) => (r.seed = 7)), 'records[0].seed', /^expected \d+ as in \S+000001-r000.json, got 7$/],
  ['a key vmmsim does not write', '000001-r001.json', (t) => void (t.records[0].extra = 1), 'records[0].extra', /^unknown key "extra"/],
  ['another task number', '000001-r001.json', (t) => void (t.task = 9), 'task', /^expected 3 \(the task's place in the sweep, from the file name\), got 9$/],
];

describe('a resumed sweep reruns a stored task it cannot trust, and says which', () => {
  it.each(records)('%s', async (_what, name, change, key) => {
    const out = fresh('resume');
    cpSync(reference, out, { recursive: true });
    const path = join(out, 'points', name);
    edit(path, change);
    const r = await sweep(out);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`vmmsim: rerunning a stored task whose file cannot be trusted (${path}: ${key}`);
    expect(r.stderr).toContain('resuming: 11 of 12 tasks already finished');
    expect(tree(out)).toEqual(tree(reference));
  });

  it.each(files)('%s', async (_what, spoil, message) => {
    const out = fresh('resume');
    cpSync(reference, out, { recursive: true });
    const path = join(out, 'points', '000001-r001.json');
    spoil(path);
    const r = await sweep(out);
    expect(r.status).toBe(0);
    const note = `vmmsim: rerunning a stored task whose file cannot be trusted (${path}`;
    const line = r.stderr.split('\n').find((l) => l.startsWith(note))!;
    expect(line.slice(note.length, -1)).toMatch(message);
    expect(statSync(path).isFile()).toBe(true);
    expect(tree(out)).toEqual(tree(reference));
  });

  it('--quiet reruns it without a word, as it resumes', async () => {
    const out = fresh('resume');
    cpSync(reference, out, { recursive: true });
    edit(join(out, 'points', '000000-r000.json'), (_, text) => text.replace(/"cycles":[0-9.e+-]+/, '"cycles":1e999'));
    const r = await sweep(out, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(tree(out)).toEqual(tree(reference));
  });
});

describe('merge refuses a shard task file that is not what the task computes: exit 2, one line naming the file and the key, nothing written', () => {
  it.each(records)('%s', async (_what, name, change, key, detail) => {
    const { dirs, path } = spoiledShards(name, (p) => edit(p, change));
    const out = fresh('merged');
    const r = await runMain(['merge', ...dirs, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.startsWith(`vmmsim: ${path}: ${key}: `)).toBe(true);
    expect(r.stderr.slice(`vmmsim: ${path}: ${key}: `.length, -1)).toMatch(detail);
    expect(r.stderr.indexOf('\n')).toBe(r.stderr.length - 1);
    expect(existsSync(out)).toBe(false);
  });

  it('merges shards whose points differ in modes, cpu and seed, with components, as the unsharded sweep', async () => {
    const file = join(base, 'varied.yaml');
    writeFileSync(file, 'name: varied\nreplicates: 2\nworkloads:\n  - name: a\n    repeat: 100\n    ops: [syscall, pgfault]\n  - name: b\n    repeat: 50\n    ops: [cr3write]\n' +
      'sweep:\n  grid:\n    vmm: [native, hardware]\n    cpu: [pentium4, core2]\n  zip:\n    seed: [3, 4]\n');
    const run = (out: string, ...more: string[]) => runMain(['sweep', file, '--out', out, '--jobs', '1', '--quiet', '--components', ...more]);
    const whole = fresh('varied');
    expect((await run(whole)).status).toBe(0);
    const parts = [fresh('varied-s'), fresh('varied-s'), fresh('varied-s')];
    for (const [i, d] of parts.entries()) expect((await run(d, '--shard', `${i + 1}/3`)).status).toBe(0);
    const out = fresh('merged');
    const r = await runMain(['merge', ...parts, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(tree(out)).toEqual(tree(whole));
    const resumed = await runMain(['sweep', file, '--out', whole, '--jobs', '1', '--components']);
    expect(resumed.stderr).toMatch(/^vmmsim: resuming: 16 of 16 tasks already finished in \S+\n/);
    expect(resumed.stderr).not.toContain('rerunning');
    expect(tree(whole)).toEqual(tree(out));
  });
});
