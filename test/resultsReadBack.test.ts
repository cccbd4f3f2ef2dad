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
  ['a link to /dev/urandom', (p) => (rmSync(p), symlinkSync('/dev/urandom', p)), /^: task file is not a regular file \(a device, FIFO or socket\); expected a JSON file$/],
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
