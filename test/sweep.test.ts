// End-to-end sweeps with the built CLI: identical bytes whatever the number
// of worker threads or shards, resume after a killed run, the CSV header,
// charts, and the GNU parallel recipes of docs/distributed.md run for real.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replicateSeed } from '../src/config/sweep.js';
import { requireTool } from './support/tools.js';
import { tree } from './support/tree.js';

const CLI = 'dist/cli/main.js';
const SMALL = 'test/fixtures/sweep/small.yaml';
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'vmmsim-sweep-'));

describe('vmmsim sweep', () => {
  let reference: string;
  beforeAll(() => {
    reference = join(tmp(), 'ref');
    const r = cli('sweep', SMALL, '--out', reference, '--jobs', '1', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('writes results, summary, a manifest and one file per point × replicate', () => {
    const files = Object.keys(tree(reference));
    expect(files.filter((f) => !f.startsWith('points/'))).toEqual(['.vmmsim.json', 'results.csv', 'results.json', 'summary.csv', 'summary.json', 'sweep.json']);
    expect(files.filter((f) => f.startsWith('points/'))).toHaveLength(12);
    expect(files).toContain('points/000005-r001.json');
  });

  it('the long CSV has a column per swept parameter after point', () => {
    const [header, first] = readFileSync(join(reference, 'results.csv'), 'utf8').split('\n');
    expect(header).toBe('point,cpu.native.syscallCycles,cpu.native.pageFaultCycles,cpu.vmx.vmExitCycles,replicate,seed,scenario,workload,vmm,cpu,category,metric,value');
    expect(first).toBe('0,100,1000,1500,0,7,small,syscall,native,pentium4,total,seconds,0.000026315789473684212');
  });

  it('every point runs the same replicate seeds (common random numbers) and the swept values take effect', () => {
    const records = JSON.parse(readFileSync(join(reference, 'results.json'), 'utf8')) as Array<{ point: number; replicate: number; seed: number; workload: string; params: Record<string, number>; metrics: Record<string, number> }>;
    expect(records).toHaveLength(24);
    const seeds = new Map<number, Set<number>>();
    for (const r of records) seeds.set(r.replicate, (seeds.get(r.replicate) ?? new Set()).add(r.seed));
    expect([...seeds.get(0)!]).toEqual([7]);
    expect(seeds.get(1)!.size).toBe(1);
    for (const r of records.filter((x) => x.workload === 'syscall')) expect(r.metrics.cyclesPerIteration).toBe(r.params['cpu.native.syscallCycles']);
  });

  it('--jobs 2 writes byte-identical files to --jobs 1', () => {
    const out = join(tmp(), 'j2');
    const r = cli('sweep', SMALL, '--out', out, '--jobs', '2', '--quiet');
    expect(r.status).toBe(0);
    expect(tree(out)).toEqual(tree(reference));
  });

  it('merging all shards gives a directory byte-identical to the unsharded run', () => {
    const base = tmp();
    for (const i of [1, 2]) expect(cli('sweep', SMALL, '--out', join(base, `s${i}`), '--shard', `${i}/2`, '--jobs', '1', '--quiet').status).toBe(0);
    expect(readdirSync(join(base, 's2', 'points'))).toHaveLength(6);
    const m = cli('merge', join(base, 's2'), join(base, 's1'), '--out', join(base, 'merged'));
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(tree(join(base, 'merged'))).toEqual(tree(reference));
  });

  it('merge refuses an incomplete set of shards, writing nothing', () => {
    const base = tmp();
    expect(cli('sweep', SMALL, '--out', join(base, 's1'), '--shard', '1/2', '--jobs', '1', '--quiet').status).toBe(0);
    const m = cli('merge', join(base, 's1'), '--out', join(base, 'merged'));
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/6 of 12 tasks have no results/);
    expect(existsSync(join(base, 'merged'))).toBe(false);
  });

  it('a bad --shard is exit 2 with nothing written', () => {
    const out = join(tmp(), 'bad');
    const r = cli('sweep', SMALL, '--out', out, '--shard', '4/3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected i\/n with 1 ≤ i ≤ n/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([['0x2'], ['0b10'], ['2e0'], ['1.0']])('--jobs %s is refused like any other non-digit count: exit 2', (jobs) => {
    const out = join(tmp(), 'jobs');
    const r = cli('sweep', SMALL, '--out', out, '--jobs', jobs);
    expect(r.stderr).toBe(`vmmsim: --jobs ${jobs}: expected a positive whole number of worker threads, got "${jobs}"\n`);
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a --shard count past 2^53 is refused (sweep.json would record another shard): exit 2, nothing written', () => {
    const out = join(tmp(), 'huge');
    const r = cli('sweep', SMALL, '--out', out, '--shard', '1/99999999999999999999');
    expect(r.stderr).toBe('vmmsim: --shard 1/99999999999999999999: expected i/n with n at most 9,007,199,254,740,991, got "1/99999999999999999999"\n');
    expect(r.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('a rerun after a killed sweep skips the finished tasks and ends with the same files', async () => {
    // Slow enough (about 0.1 s a task) that the poll below sees some tasks finished and not all. The syscall workload is one
    // counted run and a loop of static operations goes at once in bulk: a CR3 load in the loop makes each iteration count.
    const slow = ['--set', 'workloads.0.repeat=1000000', '--set', 'workloads.1.ops.1=cr3write', '--set', 'workloads.1.repeat=150000'];
    const out = join(tmp(), 'killed');
    const child = spawn(process.execPath, [CLI, 'sweep', SMALL, '--out', out, '--jobs', '1', '--quiet', ...slow], { stdio: 'ignore' });
    const pointsDir = join(out, 'points');
    const count = () => (existsSync(pointsDir) ? readdirSync(pointsDir).filter((f) => f.endsWith('.json')).length : 0);
    const deadline = Date.now() + 30_000;
    while (count() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const finished = count();
    expect(finished).toBeGreaterThanOrEqual(2);
    expect(finished).toBeLessThan(12);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
    expect(readdirSync(pointsDir).filter((f) => !f.endsWith('.json'))).toEqual([]); // no torn temp files left as results

    const resumed = cli('sweep', SMALL, '--out', out, '--jobs', '1', ...slow);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(`resuming: ${finished} of 12 tasks already finished`);
    const fresh = join(tmp(), 'fresh');
    expect(cli('sweep', SMALL, '--out', fresh, '--jobs', '1', '--quiet', ...slow).status).toBe(0);
    expect(tree(out)).toEqual(tree(fresh));
  }, 30_000);

  it('a point whose simulation fails is recorded as error rows while the others finish; a rerun retries only it', () => {
    const out = join(tmp(), 'fault');
    const failing = spawnSync(process.execPath, [CLI, 'sweep', SMALL, '--out', out, '--jobs', '2', '--quiet'], {
      encoding: 'utf8', env: { ...process.env, VMMSIM_INJECT_FAULT: 'sweep-point:2' },
    });
    expect(failing.status).toBe(1);
    expect(failing.stderr).toBe('vmmsim: 2 of 12 tasks failed; their errors are in the results (first: point 2, replicate 0: injected fault at sweep point 2 ' +
      'of small). The other tasks finished; rerun to retry the failed ones\n');
    const rows = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    // Point 2 is grid value 200 with the first zip pair.
    expect(rows.filter((r) => r.includes(',error,'))).toEqual([0, 1].flatMap((rep) => ['syscall', 'mix'].map((w) =>
      `2,200,1000,1500,${rep},${replicateSeed(7, rep)},small,${w},native,pentium4,total,error,injected fault at sweep point 2 of small`)));
    expect(rows.filter((r) => r.startsWith('3,')).length).toBeGreaterThan(0);

    const retry = cli('sweep', SMALL, '--out', out, '--jobs', '2');
    expect(retry.status).toBe(0);
    expect(retry.stderr).toContain('resuming: 10 of 12 tasks already finished');
    expect(tree(out)).toEqual(tree(reference));
  });

  /** The GNU parallel + merge lines of docs/distributed.md that start with `first`, on this test's scenario, directory and 3 shards. */
  function recipe(first: string, base: string): string {
    const lines = readFileSync('docs/distributed.md', 'utf8').split('\n');
    return [lines.find((l) => l.startsWith(first))!, lines.find((l) => l.startsWith('vmmsim merge out/shard-*'))!]
      .map((l) => l.replaceAll('vmmsim ', `node ${CLI} `).replaceAll('scen.yaml', SMALL).replaceAll('out/', `${base}/`)
        .replace('/8', '/3').replace('$(seq 8)', '1 2 3').replace(' --charts', ''))
      .join(' && ');
  }

  it.skipIf(requireTool('parallel', 'runs the GNU parallel recipe of docs/distributed.md'))('the GNU parallel recipe of docs/distributed.md (shards in parallel, then merge) reproduces the unsharded run', () => {
    const base = tmp();
    const script = recipe('parallel --halt', base);
    expect(script).toMatch(/^parallel .* --shard \{\}\/3 .* ::: 1 2 3 && node .* merge .*\/shard-\* --out .*\/all$/);
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(tree(join(base, 'all'))).toEqual(tree(reference));
  });

  it.skipIf(requireTool('parallel', 'runs the --sshlogin recipe of docs/distributed.md'))('the --sshlogin recipe of docs/distributed.md, with every host this machine, reproduces the unsharded run', () => {
    const base = tmp();
    const script = recipe('parallel --sshlogin', base).replace('2/host1,2/host2,1/:', '2/:,1/:');
    expect(script).toMatch(/^parallel --sshlogin 2\/:,1\/: --workdir "\$PWD" .* ::: 1 2 3 && node .* merge /);
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(tree(join(base, 'all'))).toEqual(tree(reference));
  });

  it('run on a scenario with a sweep runs every point in this process', () => {
    const r = cli('run', 'test/fixtures/sweep/tiny.yaml', '--format', 'csv');
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe('point,cpu.native.syscallCycles,replicate,seed,scenario,workload,vmm,cpu,category,metric,value');
    expect(rows).toContain('0,100,0,1,tiny,syscall,native,pentium4,total,cyclesPerIteration,100');
    expect(rows).toContain('1,200,0,1,tiny,syscall,native,pentium4,total,cyclesPerIteration,200');
  });

  it('check validates every sweep point and reports the sweep size', () => {
    const r = cli('check', SMALL);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/sweep: 6 points × 2 replicates\nestimated run time: about [\d.,]+ s on one thread for [\d.]+ k operations \(ESTIMATE: .*; the 12 sweep tasks assumed alike\)\n$/);
  });

  it('an unknown key in one sweep point is exit 2 naming the sweep entry line and the point', () => {
    const r = cli('sweep', 'test/fixtures/bad/sweep-unknown-key.yaml', '--out', join(tmp(), 'x'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vmmsim: test/fixtures/bad/sweep-unknown-key.yaml:9:27: vmx.vmExitCycle: unknown key "vmExitCycle"; did you mean "vmExitCycles"? (in the cpu model "pentium4") — in sweep point 0 (cpu.native.syscallCycles=100, cpu.vmx.vmExitCycle=1100)\n');
  });
});

describe('charts', () => {
  it('sweep --charts writes valid SVG and PNG files, and plot renders the same bytes from the results', () => {
    const out = join(tmp(), 'charts');
    expect(cli('sweep', 'test/fixtures/sweep/tiny.yaml', '--out', out, '--charts', '--quiet', '--jobs', '1').status).toBe(0);
    const names = readdirSync(join(out, 'charts')).sort();
    expect(names).toEqual(['cycles.png', 'cycles.svg', 'lines-cpu.native.syscallCycles.png', 'lines-cpu.native.syscallCycles.svg']);
    for (const n of names) {
      const body = readFileSync(join(out, 'charts', n));
      if (n.endsWith('.png')) expect(body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      else expect(body.toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*CPU cycles per iteration \(log scale\)[\s\S]*<\/svg>$/);
    }
    const replot = join(tmp(), 'replot');
    const p = cli('plot', out, '--out', replot);
    expect(p.status).toBe(0);
    const { '.vmmsim-shared': marker, ...charts } = tree(replot); // a directory named by --out is marked as one vmmsim writes
    expect(marker).toMatch(/^vmmsim writes its results here/);
    expect(charts).toEqual(tree(join(out, 'charts')));
  });
});
